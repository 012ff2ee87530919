// The refusals SplitShard, MergeShards and UpdateShardCount share, in Kinesis's wording.

import { InvalidArgumentException, ResourceNotFoundException } from '../errors.ts'
import { ValidationException } from '../../aws/index.ts'
import { resolveShardId, shardIdOf } from '../../mapping/shard-ids.ts'
import type { ShardRecord, StreamKey, StreamRecord } from '../../ports/stream-catalog.ts'
import { isSealed } from '../catalog/shard-map.ts'

/** The index a shard id of a request names; an id that cannot name a shard is not found, as in Kinesis. */
export function shardIndexOf(shardId: string, key: StreamKey): number {
  const index = resolveShardId(shardId)
  if (index === undefined) throw shardNotFound(shardId, key)
  return index
}

export function requireShard(stream: StreamRecord, index: number): ShardRecord {
  const shard = stream.shards.find((candidate) => candidate.index === index)
  if (shard === undefined) throw shardNotFound(shardIdOf(index), stream)
  return shard
}

/**
 * A shard that a split or merge closed cannot be split or merged again. One still closing belongs to a reshard
 * in progress, which Kinesis reports as the stream not being ACTIVE (requireActive).
 */
export function requireOpenShard(stream: StreamRecord, shard: ShardRecord): void {
  if (!isSealed(shard)) return
  throw InvalidArgumentException(
    `Shard ${shardIdOf(shard.index)} in stream ${stream.streamName} under account ${stream.accountId} ` +
      'has already been merged or split, and thus is not eligible for merging or splitting.',
  )
}

/** Kinesis manages the shards of an ON_DEMAND stream itself. */
export function requireProvisioned(stream: StreamRecord): void {
  if (stream.mode === 'PROVISIONED') return
  throw ValidationException(
    `Request is invalid. Stream ${stream.streamName} under account ${stream.accountId} is in On-Demand mode.`,
  )
}

function shardNotFound(shardId: string, key: StreamKey): Error {
  return ResourceNotFoundException(
    `Could not find shard ${shardId} in stream ${key.streamName} under account ${key.accountId}.`,
  )
}
