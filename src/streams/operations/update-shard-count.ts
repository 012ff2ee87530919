import type { UpdateShardCountInput, UpdateShardCountOutput } from '@aws-sdk/client-kinesis'

import { LimitExceededException } from '../errors.ts'
import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { accountUsage } from '../catalog/account-usage.ts'
import type { StreamsDeps } from '../deps.ts'
import { StreamARN, StreamId, StreamName } from '../members.ts'
import { requireProvisioned } from '../resharding/reshard-checks.ts'
import { uniformScalingPlan } from '../resharding/reshard-plans.ts'
import { startReshard } from '../resharding/resharding.ts'
import { openShardCount } from '../catalog/shard-map.ts'
import { requireActive } from '../catalog/stream-changes.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'

/** UpdateShardCount neither scales a stream above this many shards nor keeps it above it when scaling down. */
export const MAX_SHARDS_AFTER_UPDATE = 10_000

/**
 * UpdateShardCount (UNIFORM_SCALING): the stream ends with exactly TargetShardCount open shards splitting the
 * hash key space evenly, reached by a series of splits and merges (reshard-plans.ts) and closed without losing
 * a write (resharding.ts). Returns at once with the stream UPDATING. A stream whose open shards already have
 * those ranges is left as it is.
 */
export function updateShardCountOperation(
  deps: StreamsDeps,
): Operation<UpdateShardCountInput, UpdateShardCountOutput> {
  return defineOperation({
    name: 'UpdateShardCount',
    input: {
      ScalingType: { type: 'string', required: true, enum: ['UNIFORM_SCALING'] },
      StreamName,
      TargetShardCount: { type: 'integer', required: true, min: 1, max: 100_000 },
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const key = streamKeyOf(input, context)
      const target = validated(input.TargetShardCount, 'TargetShardCount')
      const usage = await accountUsage(deps, key)
      const otherStreamsShards = usage.streams
        .filter((stream) => stream.streamName !== key.streamName)
        .reduce((sum, stream) => sum + openShardCount(stream), 0)
      let current = 0
      const stream = await startReshard(deps, key, (stream, now) => {
        requireActive(stream, now)
        requireProvisioned(stream)
        current = openShardCount(stream)
        checkTarget(deps, { current, target, otherStreamsShards })
        return uniformScalingPlan(stream, target, now)
      })
      return {
        StreamName: stream.streamName,
        StreamARN: stream.streamArn,
        CurrentShardCount: current,
        TargetShardCount: target,
      }
    },
  })
}

/** UpdateShardCount's limits, in the order Kinesis checks them. */
function checkTarget(
  deps: StreamsDeps,
  counts: { current: number; target: number; otherStreamsShards: number },
): void {
  const { current, target, otherStreamsShards } = counts
  const refuse = (reason: string) =>
    LimitExceededException(`${reason} Current open shard count: ${current}, Target shard count: ${target}`)
  const limit = deps.settings.shardLimit
  if (otherStreamsShards + target > limit) {
    throw refuse(`Target shard count or number of open shards cannot be greater than ${limit}.`)
  }
  if (target > current * 2) {
    throw refuse('UpdateShardCount cannot scale up over double your current open shard count.')
  }
  if (target < current / 2) {
    throw refuse('UpdateShardCount cannot scale down below half your current open shard count.')
  }
  if (target > MAX_SHARDS_AFTER_UPDATE && target > current) {
    throw refuse(
      `UpdateShardCount cannot scale up to more than ${MAX_SHARDS_AFTER_UPDATE} shards in a stream.`,
    )
  }
  if (current > MAX_SHARDS_AFTER_UPDATE && target >= MAX_SHARDS_AFTER_UPDATE) {
    throw refuse(
      `UpdateShardCount cannot scale a stream with more than ${MAX_SHARDS_AFTER_UPDATE} shards down unless ` +
        `the result is less than ${MAX_SHARDS_AFTER_UPDATE} shards.`,
    )
  }
}
