import type {
  AddApplicationReferenceDataSourceRequest,
  AddApplicationReferenceDataSourceResponse,
  DeleteApplicationReferenceDataSourceRequest,
  DeleteApplicationReferenceDataSourceResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { validated, type Operation } from '../../aws/index.ts'
import { checkCount, referenceDescription } from '../applications/configuration.ts'
import { itemIndex, replaced } from '../applications/items.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { configurationOperation } from './configuration-operation.ts'
import { Id, ReferenceDataSource } from '../members.ts'

export function addApplicationReferenceDataSource(
  deps: AnalyticsDeps,
): Operation<AddApplicationReferenceDataSourceRequest, AddApplicationReferenceDataSourceResponse> {
  return configurationOperation<AddApplicationReferenceDataSourceRequest>(deps, {
    name: 'AddApplicationReferenceDataSource',
    input: { ReferenceDataSource: { ...ReferenceDataSource, required: true } },
    checksCode: false,
    change: (record, input) => {
      checkCount('referenceDataSources', record.referenceDataSources.length + 1)
      const added = referenceDescription(
        validated(input.ReferenceDataSource, 'ReferenceDataSource'),
        record.nextOrdinals.referenceDataSource,
      )
      return {
        referenceDataSources: [...record.referenceDataSources, added],
        nextOrdinals: {
          ...record.nextOrdinals,
          referenceDataSource: record.nextOrdinals.referenceDataSource + 1,
        },
      }
    },
  })
}

export function deleteApplicationReferenceDataSource(
  deps: AnalyticsDeps,
): Operation<DeleteApplicationReferenceDataSourceRequest, DeleteApplicationReferenceDataSourceResponse> {
  return configurationOperation<DeleteApplicationReferenceDataSourceRequest>(deps, {
    name: 'DeleteApplicationReferenceDataSource',
    input: { ReferenceId: { ...Id, required: true } },
    checksCode: false,
    change: (record, input) => {
      const id = validated(input.ReferenceId, 'ReferenceId')
      const index = itemIndex(record, record.referenceDataSources, 'ReferenceId', id)
      return { referenceDataSources: replaced(record.referenceDataSources, index, undefined) }
    },
  })
}
