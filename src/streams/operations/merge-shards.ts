import type { MergeShardsInput } from '@aws-sdk/client-kinesis'

import { InvalidArgumentException } from '../errors.ts'
import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import type { ShardRecord, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { ShardId, StreamARN, StreamId, StreamName } from '../members.ts'
import {
  requireOpenShard,
  requireProvisioned,
  requireShard,
  shardIndexOf,
} from '../resharding/reshard-checks.ts'
import { mergePlan } from '../resharding/reshard-plans.ts'
import { startReshard } from '../resharding/resharding.ts'
import { requireActive } from '../catalog/stream-changes.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'

/**
 * MergeShards: two open shards whose ranges meet (ShardToMerge's ends right below AdjacentShardToMerge's)
 * close, and one child with the next index takes both ranges, ShardToMerge as its ParentShardId and
 * AdjacentShardToMerge as its AdjacentParentShardId. Returns at once with the stream UPDATING; see
 * resharding.ts for how the parents are closed without losing a write.
 */
export function mergeShardsOperation(deps: StreamsDeps): Operation<MergeShardsInput, undefined> {
  return defineOperation({
    name: 'MergeShards',
    input: {
      ShardToMerge: { ...ShardId, required: true },
      AdjacentShardToMerge: { ...ShardId, required: true },
      StreamName,
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const key = streamKeyOf(input, context)
      const lowerIndex = shardIndexOf(validated(input.ShardToMerge, 'ShardToMerge'), key)
      const upperIndex = shardIndexOf(validated(input.AdjacentShardToMerge, 'AdjacentShardToMerge'), key)
      await startReshard(deps, key, (stream, now) => {
        requireProvisioned(stream)
        const lower = requireShard(stream, lowerIndex)
        const upper = requireShard(stream, upperIndex)
        requireOpenShard(stream, lower)
        requireOpenShard(stream, upper)
        requireAdjacent(stream, lower, upper)
        requireActive(stream, now)
        return mergePlan(stream, lower, upper, now)
      })
      return undefined
    },
  })
}

/** As in Kinesis, the order matters: AdjacentShardToMerge's range must start right after ShardToMerge's. */
function requireAdjacent(stream: StreamRecord, lower: ShardRecord, upper: ShardRecord): void {
  if (BigInt(lower.endingHashKey) + 1n === BigInt(upper.startingHashKey)) return
  throw InvalidArgumentException(
    `Shards ${shardIdOf(lower.index)} and ${shardIdOf(upper.index)} in stream ${stream.streamName} ` +
      `under account ${stream.accountId} are not an adjacent pair of shards eligible for merging`,
  )
}
