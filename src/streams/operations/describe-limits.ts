import type { DescribeLimitsInput, DescribeLimitsOutput } from '@aws-sdk/client-kinesis'

import { defineOperation, type Operation } from '../../aws/index.ts'
import { ON_DEMAND_STREAM_COUNT_LIMIT, accountUsage } from '../catalog/account-usage.ts'
import type { StreamsDeps } from '../deps.ts'

/** DescribeLimits: the account's shard and ON_DEMAND stream quotas in the region, and what it uses of them. */
export function describeLimitsOperation(
  deps: StreamsDeps,
): Operation<DescribeLimitsInput, DescribeLimitsOutput> {
  return defineOperation({
    name: 'DescribeLimits',
    input: {},
    async handle(_input, context) {
      const usage = await accountUsage(deps, context)
      return {
        ShardLimit: deps.settings.shardLimit,
        OpenShardCount: usage.openShardCount,
        OnDemandStreamCount: usage.onDemandStreamCount,
        OnDemandStreamCountLimit: ON_DEMAND_STREAM_COUNT_LIMIT,
      }
    },
  })
}
