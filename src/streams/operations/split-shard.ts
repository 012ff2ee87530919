import type { SplitShardInput } from '@aws-sdk/client-kinesis'

import { InvalidArgumentException } from '../errors.ts'
import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { isValidSplitHashKey } from '../../mapping/hash-keys.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import type { ShardRecord, StreamRecord } from '../../ports/stream-catalog.ts'
import { accountUsage, checkShardLimit } from '../catalog/account-usage.ts'
import type { StreamsDeps } from '../deps.ts'
import { HashKey, ShardId, StreamARN, StreamId, StreamName } from '../members.ts'
import {
  requireOpenShard,
  requireProvisioned,
  requireShard,
  shardIndexOf,
} from '../resharding/reshard-checks.ts'
import { splitPlan } from '../resharding/reshard-plans.ts'
import { startReshard } from '../resharding/resharding.ts'
import { requireActive } from '../catalog/stream-changes.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'

/**
 * SplitShard: the shard closes and two children with the next indices take its hash key range, the upper one
 * from NewStartingHashKey on. Returns at once with the stream UPDATING; see resharding.ts for how the parent
 * is closed without losing a write.
 */
export function splitShardOperation(deps: StreamsDeps): Operation<SplitShardInput, undefined> {
  return defineOperation({
    name: 'SplitShard',
    input: {
      NewStartingHashKey: { ...HashKey, required: true },
      StreamName,
      ShardToSplit: { ...ShardId, required: true },
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const key = streamKeyOf(input, context)
      const shardIndex = shardIndexOf(validated(input.ShardToSplit, 'ShardToSplit'), key)
      // The input pattern admits up to 39 digits; a key above 2^128 - 1 fails the range check below.
      const newStartingHashKeyText = validated(input.NewStartingHashKey, 'NewStartingHashKey')
      const newStartingHashKey = BigInt(newStartingHashKeyText)
      const usage = await accountUsage(deps, key)
      await startReshard(deps, key, (stream, now) => {
        requireProvisioned(stream)
        const shard = requireShard(stream, shardIndex)
        checkShardLimit(deps, key, usage, 1)
        requireSplitHashKey(stream, shard, newStartingHashKeyText)
        requireOpenShard(stream, shard)
        requireActive(stream, now)
        return splitPlan(stream, shard, newStartingHashKey, now)
      })
      return undefined
    },
  })
}

function requireSplitHashKey(stream: StreamRecord, shard: ShardRecord, newStartingHashKey: string): void {
  const range = { start: BigInt(shard.startingHashKey), end: BigInt(shard.endingHashKey) }
  if (isValidSplitHashKey(range, BigInt(newStartingHashKey))) return
  throw InvalidArgumentException(
    `NewStartingHashKey ${newStartingHashKey} used in SplitShard() on shard ${shardIdOf(shard.index)} ` +
      `in stream ${stream.streamName} under account ${stream.accountId} is not both greater than one plus ` +
      `the shard's StartingHashKey ${shard.startingHashKey} and less than the shard's EndingHashKey ` +
      `${shard.endingHashKey}.`,
  )
}
