import type {
  AddApplicationOutputRequest,
  AddApplicationOutputResponse,
  DeleteApplicationOutputRequest,
  DeleteApplicationOutputResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { validated, type Operation } from '../../aws/index.ts'
import { checkCount, outputDescription } from '../applications/configuration.ts'
import { itemIndex, replaced } from '../applications/items.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { configurationOperation } from './configuration-operation.ts'
import { Id, Output } from '../members.ts'

export function addApplicationOutput(
  deps: AnalyticsDeps,
): Operation<AddApplicationOutputRequest, AddApplicationOutputResponse> {
  return configurationOperation<AddApplicationOutputRequest>(deps, {
    name: 'AddApplicationOutput',
    input: { Output: { ...Output, required: true } },
    checksCode: false,
    change: async (record, input) => {
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
}

export function deleteApplicationOutput(
  deps: AnalyticsDeps,
): Operation<DeleteApplicationOutputRequest, DeleteApplicationOutputResponse> {
  return configurationOperation<DeleteApplicationOutputRequest>(deps, {
    name: 'DeleteApplicationOutput',
    input: { OutputId: { ...Id, required: true } },
    checksCode: false,
    change: (record, input) => {
      const index = itemIndex(record, record.outputs, 'OutputId', validated(input.OutputId, 'OutputId'))
      return { outputs: replaced(record.outputs, index, undefined) }
    },
  })
}
