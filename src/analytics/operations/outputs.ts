import type {
  AddApplicationOutputRequest,
  AddApplicationOutputResponse,
  DeleteApplicationOutputRequest,
  DeleteApplicationOutputResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { changeConfiguration } from '../applications/changes.ts'
import { checkCount, outputDescription } from '../applications/configuration.ts'
import { itemIndex, replaced } from '../applications/items.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { guarded } from '../errors.ts'
import { ApplicationName, CurrentApplicationVersionId, Id, Output } from '../members.ts'

export function addApplicationOutput(
  deps: AnalyticsDeps,
): Operation<AddApplicationOutputRequest, AddApplicationOutputResponse> {
  return defineOperation({
    name: 'AddApplicationOutput',
    input: { ApplicationName, CurrentApplicationVersionId, Output: { ...Output, required: true } },
    handle: (input, context) =>
      guarded(async () => {
        await changeConfiguration(deps, context, {
          applicationName: validated(input.ApplicationName, 'ApplicationName'),
          currentApplicationVersionId: validated(
            input.CurrentApplicationVersionId,
            'CurrentApplicationVersionId',
          ),
          checksCode: false,
          change: async (record) => {
            checkCount('outputs', record.outputs.length + 1)
            const added = await outputDescription(
              deps,
              validated(input.Output, 'Output'),
              record.nextOrdinals.output,
            )
            return {
              outputs: [...record.outputs, added],
              nextOrdinals: { ...record.nextOrdinals, output: record.nextOrdinals.output + 1 },
            }
          },
        })
        return {}
      }),
  })
}

export function deleteApplicationOutput(
  deps: AnalyticsDeps,
): Operation<DeleteApplicationOutputRequest, DeleteApplicationOutputResponse> {
  return defineOperation({
    name: 'DeleteApplicationOutput',
    input: { ApplicationName, CurrentApplicationVersionId, OutputId: { ...Id, required: true } },
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
            const index = itemIndex(record, record.outputs, 'OutputId', validated(input.OutputId, 'OutputId'))
            return { outputs: replaced(record.outputs, index, undefined) }
          },
        })
        return {}
      }),
  })
}
