// A stream's shard map as the API shows it: which shards are open, how each one is described, and which
// shards a listing includes. Shared by DescribeStream, ListShards and the resharding operations.

import type { Shard, ShardFilterType } from '@aws-sdk/client-kinesis'

import { evenHashKeyRanges } from '../../mapping/hash-keys.ts'
import { endingSequenceNumber, startingSequenceNumber } from '../../mapping/sequence-numbers.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import type { ShardRecord, StreamRecord } from '../../ports/stream-catalog.ts'

const MILLIS_PER_HOUR = 3_600_000

/** The shards of a new stream: indices 0 .. count - 1 splitting the hash key space evenly, as CreateStream does. */
export function initialShards(shardCount: number, createdAtMillis: number): ShardRecord[] {
  return evenHashKeyRanges(shardCount).map((range, index) => ({
    index,
    startingHashKey: range.start.toString(),
    endingHashKey: range.end.toString(),
    createdAtMillis,
  }))
}

/** Accepts new records: neither closing (a reshard made it a parent) nor sealed. */
export function isOpen(shard: ShardRecord): boolean {
  return !isClosing(shard) && !isSealed(shard)
}

/** A reshard's parent that no longer takes new records but is not sealed yet (see resharding.ts). */
export function isClosing(shard: ShardRecord): boolean {
  return shard.closingSinceMillis !== undefined && !isSealed(shard)
}

/** Closed for good: it has an end (EndingSequenceNumber) that reading never passes. */
export function isSealed(shard: ShardRecord): boolean {
  return shard.endingOffset !== undefined || shard.closedAtMillis !== undefined
}

/** The shards that accept records now. */
export function openShards(stream: StreamRecord): ShardRecord[] {
  return stream.shards.filter(isOpen)
}

export function openShardCount(stream: StreamRecord): number {
  return openShards(stream).length
}

/** A shard as DescribeStream and ListShards show it. */
export function describeShard(stream: StreamRecord, shard: ShardRecord): Shard {
  const scope = { incarnation: stream.incarnation, shardIndex: shard.index }
  return {
    ShardId: shardIdOf(shard.index),
    ...(shard.parentIndex === undefined ? {} : { ParentShardId: shardIdOf(shard.parentIndex) }),
    ...(shard.adjacentParentIndex === undefined
      ? {}
      : { AdjacentParentShardId: shardIdOf(shard.adjacentParentIndex) }),
    HashKeyRange: { StartingHashKey: shard.startingHashKey, EndingHashKey: shard.endingHashKey },
    SequenceNumberRange: {
      StartingSequenceNumber: startingSequenceNumber(scope),
      ...(shard.endingOffset === undefined
        ? {}
        : { EndingSequenceNumber: endingSequenceNumber(scope, BigInt(shard.endingOffset)) }),
    },
  }
}

/**
 * The shards whose id sorts after `exclusiveStartShardId`. Shard ids are `shardId-` and twelve digits, so
 * their text order is their index order; an id that names no shard still marks a position in that order.
 */
export function shardsAfter(shards: readonly ShardRecord[], exclusiveStartShardId: string): ShardRecord[] {
  return shards.filter((shard) => shardIdOf(shard.index) > exclusiveStartShardId)
}

/**
 * The oldest moment whose records are still retained: now minus the retention period, but never before the
 * stream existed.
 */
export function trimHorizonMillis(stream: StreamRecord, nowMillis: number): number {
  return Math.max(stream.createdAtMillis, nowMillis - stream.retentionPeriodHours * MILLIS_PER_HOUR)
}

/** A ListShards ShardFilter after validation: the id or time its type needs. */
export type ShardSelection =
  | { readonly type: 'AFTER_SHARD_ID'; readonly shardId: string }
  | { readonly type: 'AT_TRIM_HORIZON' | 'FROM_TRIM_HORIZON' | 'AT_LATEST' }
  | { readonly type: 'AT_TIMESTAMP' | 'FROM_TIMESTAMP'; readonly timestampMillis: number }

export const DEFAULT_SHARD_SELECTION: ShardSelection = { type: 'FROM_TRIM_HORIZON' }

/**
 * The shards a listing includes, as the ShardFilter types are defined:
 *
 * - FROM_TRIM_HORIZON (the default): every shard that may still hold retained records, i.e. open, or closed
 *   at or after the trim horizon.
 * - AT_TRIM_HORIZON: the shards that were open at the trim horizon.
 * - AT_LATEST: the shards open now (and parents still closing).
 * - AT_TIMESTAMP: the shards open at that time (created at or before it, and open or closed at or after it).
 * - FROM_TIMESTAMP: the open shards and the shards closed at or after that time.
 * - AFTER_SHARD_ID: the shards after that id.
 *
 * A timestamp before the trim horizon counts as the trim horizon, as for FROM_TIMESTAMP in the API reference.
 */
export function selectShards(
  stream: StreamRecord,
  selection: ShardSelection,
  nowMillis: number,
): ShardRecord[] {
  const horizon = trimHorizonMillis(stream, nowMillis)
  const openAt = (moment: number) => (shard: ShardRecord) =>
    shard.createdAtMillis <= moment && closedAtOrAfter(shard, moment)
  switch (selection.type) {
    case 'FROM_TRIM_HORIZON':
      return stream.shards.filter((shard) => closedAtOrAfter(shard, horizon))
    case 'AT_TRIM_HORIZON':
      return stream.shards.filter(openAt(horizon))
    case 'AT_LATEST':
      // A closing parent still shows no EndingSequenceNumber, so it is listed as open until it is sealed.
      return stream.shards.filter((shard) => !isSealed(shard))
    case 'AT_TIMESTAMP':
      return stream.shards.filter(openAt(Math.max(selection.timestampMillis, horizon)))
    case 'FROM_TIMESTAMP': {
      const moment = Math.max(selection.timestampMillis, horizon)
      return stream.shards.filter((shard) => closedAtOrAfter(shard, moment))
    }
    case 'AFTER_SHARD_ID':
      return shardsAfter(
        stream.shards.filter((shard) => closedAtOrAfter(shard, horizon)),
        selection.shardId,
      )
  }
}

/** Not sealed, or sealed no earlier than `moment`. */
function closedAtOrAfter(shard: ShardRecord, moment: number): boolean {
  return !isSealed(shard) || (shard.closedAtMillis ?? Number.POSITIVE_INFINITY) >= moment
}

export const SHARD_FILTER_TYPES: readonly ShardFilterType[] = [
  'AFTER_SHARD_ID',
  'AT_TRIM_HORIZON',
  'FROM_TRIM_HORIZON',
  'AT_LATEST',
  'AT_TIMESTAMP',
  'FROM_TIMESTAMP',
]
