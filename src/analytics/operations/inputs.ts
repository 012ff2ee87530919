import type {
  AddApplicationInputProcessingConfigurationRequest,
  AddApplicationInputProcessingConfigurationResponse,
  AddApplicationInputRequest,
  AddApplicationInputResponse,
  DeleteApplicationInputProcessingConfigurationRequest,
  DeleteApplicationInputProcessingConfigurationResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { validated, type Operation } from '../../aws/index.ts'
import { checkCount, inputDescription, processingDescription } from '../applications/configuration.ts'
import { itemIndex, replaced } from '../applications/items.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { configurationOperation } from './configuration-operation.ts'
import { InvalidArgumentException } from '../errors.ts'
import { Id, Input, InputProcessingConfiguration } from '../members.ts'

export function addApplicationInput(
  deps: AnalyticsDeps,
): Operation<AddApplicationInputRequest, AddApplicationInputResponse> {
  return configurationOperation<AddApplicationInputRequest>(deps, {
    name: 'AddApplicationInput',
    input: { Input: { ...Input, required: true } },
    checksCode: true,
    change: async (record, input) => {
      checkCount('inputs', record.inputs.length + 1)
      const added = await inputDescription(deps, validated(input.Input, 'Input'), record.nextOrdinals.input)
      return {
        inputs: [...record.inputs, added],
        nextOrdinals: { ...record.nextOrdinals, input: record.nextOrdinals.input + 1 },
      }
    },
  })
}

export function addApplicationInputProcessingConfiguration(
  deps: AnalyticsDeps,
): Operation<
  AddApplicationInputProcessingConfigurationRequest,
  AddApplicationInputProcessingConfigurationResponse
> {
  return configurationOperation<AddApplicationInputProcessingConfigurationRequest>(deps, {
    name: 'AddApplicationInputProcessingConfiguration',
    input: {
      InputId: { ...Id, required: true },
      InputProcessingConfiguration: { ...InputProcessingConfiguration, required: true },
    },
    checksCode: false,
    change: (record, input) => {
      const inputId = validated(input.InputId, 'InputId')
      const index = itemIndex(record, record.inputs, 'InputId', inputId)
      const current = record.inputs[index]
      if (current?.InputProcessingConfigurationDescription !== undefined) {
        throw InvalidArgumentException(`Input ${inputId} already has an input processing configuration.`)
      }
      const configuration = validated(input.InputProcessingConfiguration, 'InputProcessingConfiguration')
      return {
        inputs: replaced(record.inputs, index, {
          ...current,
          InputProcessingConfigurationDescription: processingDescription(configuration),
        }),
      }
    },
  })
}

export function deleteApplicationInputProcessingConfiguration(
  deps: AnalyticsDeps,
): Operation<
  DeleteApplicationInputProcessingConfigurationRequest,
  DeleteApplicationInputProcessingConfigurationResponse
> {
  return configurationOperation<DeleteApplicationInputProcessingConfigurationRequest>(deps, {
    name: 'DeleteApplicationInputProcessingConfiguration',
    input: { InputId: { ...Id, required: true } },
    checksCode: false,
    change: (record, input) => {
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
}
