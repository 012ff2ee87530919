import type {
  DescribeApplicationRequest,
  DescribeApplicationResponse,
  ListApplicationsRequest,
  ListApplicationsResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { existingApplication } from '../applications/changes.ts'
import { applicationDetail, applicationKey, applicationSummary } from '../applications/records.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { guarded } from '../errors.ts'
import { ApplicationName } from '../members.ts'

export function describeApplication(
  deps: AnalyticsDeps,
): Operation<DescribeApplicationRequest, DescribeApplicationResponse> {
  return defineOperation({
    name: 'DescribeApplication',
    input: { ApplicationName },
    handle: (input, context) =>
      guarded(async () => {
        const key = applicationKey(context, validated(input.ApplicationName, 'ApplicationName'))
        return { ApplicationDetail: applicationDetail(await existingApplication(deps, key)) }
      }),
  })
}

/** AWS's default page size for ListApplications. */
const DEFAULT_LIMIT = 10

export function listApplications(
  deps: AnalyticsDeps,
): Operation<ListApplicationsRequest, ListApplicationsResponse> {
  return defineOperation({
    name: 'ListApplications',
    input: {
      Limit: { type: 'integer', min: 1, max: 50 },
      ExclusiveStartApplicationName: { ...ApplicationName, required: false },
    },
    handle: (input, context) =>
      guarded(async () => {
        const limit = input.Limit ?? DEFAULT_LIMIT
        const scope = { accountId: context.accountId, region: context.region }
        const records = await deps.applications.list(scope, input.ExclusiveStartApplicationName, limit + 1)
        return {
          ApplicationSummaries: records.slice(0, limit).map(applicationSummary),
          HasMoreApplications: records.length > limit,
        }
      }),
  })
}
