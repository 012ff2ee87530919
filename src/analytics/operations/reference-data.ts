import type {
  AddApplicationReferenceDataSourceRequest,
  AddApplicationReferenceDataSourceResponse,
  DeleteApplicationReferenceDataSourceRequest,
  DeleteApplicationReferenceDataSourceResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { changeConfiguration } from '../applications/changes.ts'
import { checkCount, referenceDescription } from '../applications/configuration.ts'
import { itemIndex, replaced } from '../applications/items.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { guarded } from '../errors.ts'
import { ApplicationName, CurrentApplicationVersionId, Id, ReferenceDataSource } from '../members.ts'

export function addApplicationReferenceDataSource(
  deps: AnalyticsDeps,
): Operation<AddApplicationReferenceDataSourceRequest, AddApplicationReferenceDataSourceResponse> {
  return defineOperation({
    name: 'AddApplicationReferenceDataSource',
    input: {
      ApplicationName,
      CurrentApplicationVersionId,
      ReferenceDataSource: { ...ReferenceDataSource, required: true },
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
        return {}
      }),
  })
}

export function deleteApplicationReferenceDataSource(
  deps: AnalyticsDeps,
): Operation<DeleteApplicationReferenceDataSourceRequest, DeleteApplicationReferenceDataSourceResponse> {
  return defineOperation({
    name: 'DeleteApplicationReferenceDataSource',
    input: { ApplicationName, CurrentApplicationVersionId, ReferenceId: { ...Id, required: true } },
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
            const id = validated(input.ReferenceId, 'ReferenceId')
            const index = itemIndex(record, record.referenceDataSources, 'ReferenceId', id)
            return { referenceDataSources: replaced(record.referenceDataSources, index, undefined) }
          },
        })
        return {}
      }),
  })
}
