// What an account uses in a region, for the limits CreateStream, UpdateStreamMode and DescribeLimits report.

import { LimitExceededException } from '../errors.ts'
import type { AccountScope, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { openShardCount } from './shard-map.ts'
import { effectiveStatus } from './stream-status.ts'

/** Kinesis's default quota of ON_DEMAND streams per account and region. */
export const ON_DEMAND_STREAM_COUNT_LIMIT = 50

export interface AccountUsage {
  /** Streams that exist (in any status but gone), each with its current status. */
  streams: StreamRecord[]
  openShardCount: number
  onDemandStreamCount: number
}

export async function accountUsage(deps: StreamsDeps, scope: AccountScope): Promise<AccountUsage> {
  const now = deps.clock.now()
  const streams = (await deps.catalog.listAll(scope)).filter(
    (stream) => effectiveStatus(stream, now) !== 'GONE',
  )
  return {
    streams,
    openShardCount: streams.reduce((sum, stream) => sum + openShardCount(stream), 0),
    onDemandStreamCount: streams.filter((stream) => stream.mode === 'ON_DEMAND').length,
  }
}

/** Refuses a request that would take the account's open shards above the shard limit. */
export function checkShardLimit(
  deps: StreamsDeps,
  scope: AccountScope,
  usage: AccountUsage,
  additionalShards: number,
): void {
  const limit = deps.settings.shardLimit
  if (usage.openShardCount + additionalShards <= limit) return
  throw LimitExceededException(
    `This request would exceed the shard limit for the account ${scope.accountId} in ${scope.region}. ` +
      `Current shard count for the account: ${usage.openShardCount}. Limit: ${limit}. ` +
      `Number of additional shards that would have resulted from this request: ${additionalShards}. ` +
      'Refer to the AWS Service Limits page ' +
      '(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) ' +
      'for current limits and how to request higher limits.',
  )
}

/** Refuses a request that would make one ON_DEMAND stream more than the account may have. */
export function checkOnDemandStreamLimit(scope: AccountScope, usage: AccountUsage): void {
  if (usage.onDemandStreamCount < ON_DEMAND_STREAM_COUNT_LIMIT) return
  throw LimitExceededException(
    `This request would exceed the limit of ${ON_DEMAND_STREAM_COUNT_LIMIT} ON_DEMAND streams for the account ` +
      `${scope.accountId} in ${scope.region}. Current ON_DEMAND stream count for the account: ` +
      `${usage.onDemandStreamCount}.`,
  )
}
