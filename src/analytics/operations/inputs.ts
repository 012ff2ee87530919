import type {
  AddApplicationInputProcessingConfigurationRequest,
  AddApplicationInputProcessingConfigurationResponse,
  AddApplicationInputRequest,
  AddApplicationInputResponse,
  DeleteApplicationInputProcessingConfigurationRequest,
  DeleteApplicationInputProcessingConfigurationResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { changeConfiguration } from '../applications/changes.ts'
import { checkCount, inputDescription, processingDescription } from '../applications/configuration.ts'
import { itemIndex, replaced } from '../applications/items.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { guarded, InvalidArgumentException } from '../errors.ts'
import {
  ApplicationName,
  CurrentApplicationVersionId,
  Id,
  Input,
  InputProcessingConfiguration,
} from '../members.ts'

export function addApplicationInput(
  deps: AnalyticsDeps,
): Operation<AddApplicationInputRequest, AddApplicationInputResponse> {
  return defineOperation({
    name: 'AddApplicationInput',
    input: { ApplicationName, CurrentApplicationVersionId, Input: { ...Input, required: true } },
    handle: (input, context) =>
      guarded(async () => {
        await changeConfiguration(deps, context, {
          applicationName: validated(input.ApplicationName, 'ApplicationName'),
          currentApplicationVersionId: validated(
            input.CurrentApplicationVersionId,
            'CurrentApplicationVersionId',
          ),
          checksCode: true,
          change: async (record) => {
            checkCount('inputs', record.inputs.length + 1)
            const added = await inputDescription(
              deps,
              validated(input.Input, 'Input'),
              record.nextOrdinals.input,
            )
            return {
              inputs: [...record.inputs, added],
              nextOrdinals: { ...record.nextOrdinals, input: record.nextOrdinals.input + 1 },
            }
          },
        })
        return {}
      }),
  })
}

export function addApplicationInputProcessingConfiguration(
  deps: AnalyticsDeps,
): Operation<
  AddApplicationInputProcessingConfigurationRequest,
  AddApplicationInputProcessingConfigurationResponse
> {
  return defineOperation({
    name: 'AddApplicationInputProcessingConfiguration',
    input: {
      ApplicationName,
      CurrentApplicationVersionId,
      InputId: { ...Id, required: true },
      InputProcessingConfiguration: { ...InputProcessingConfiguration, required: true },
    },
    handle: (input, context) =>
      guarded(async () => {
        await changeConfiguration(deps, context, {
          applicationName: validated(input.ApplicationName, 'ApplicationName'),
          currentApplicationVersionId: validated(
            input.CurrentApplicationVersionId,
            'CurrentApplicationVersionId',
          ),
          checksCode: false,
          change: (record) => {
            const inputId = validated(input.InputId, 'InputId')
            const index = itemIndex(record, record.inputs, 'InputId', inputId)
            const current = record.inputs[index]
            if (current?.InputProcessingConfigurationDescription !== undefined) {
              throw InvalidArgumentException(
                `Input ${inputId} already has an input processing configuration.`,
              )
            }
            const configuration = validated(
              input.InputProcessingConfiguration,
              'InputProcessingConfiguration',
            )
            return {
              inputs: replaced(record.inputs, index, {
                ...current,
                InputProcessingConfigurationDescription: processingDescription(configuration),
              }),
            }
          },
        })
        return {}
      }),
  })
}

export function deleteApplicationInputProcessingConfiguration(
  deps: AnalyticsDeps,
): Operation<
  DeleteApplicationInputProcessingConfigurationRequest,
  DeleteApplicationInputProcessingConfigurationResponse
> {
  return defineOperation({
    name: 'DeleteApplicationInputProcessingConfiguration',
    input: { ApplicationName, CurrentApplicationVersionId, InputId: { ...Id, required: true } },
    handle: (input, context) =>
      guarded(async () => {
        await changeConfiguration(deps, context, {
          applicationName: validated(input.ApplicationName, 'ApplicationName'),
          currentApplicationVersionId: validated(
            input.CurrentApplicationVersionId,
            'CurrentApplicationVersionId',
          ),
          checksCode: false,
          change: (record) => {
            const inputId = validated(input.InputId, 'InputId')
            const index = itemIndex(record, record.inputs, 'InputId', inputId)
            const current = record.inputs[index]
            if (current?.InputProcessingConfigurationDescription === undefined) {
              throw InvalidArgumentException(`Input ${inputId} has no input processing configuration.`)
            }
            const { InputProcessingConfigurationDescription: _removed, ...rest } = current
            return { inputs: replaced(record.inputs, index, rest) }
          },
        })
        return {}
      }),
  })
}
