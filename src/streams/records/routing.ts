// The data path's view of a stream's shard map: which open shard owns a hash key, a shard by index, and the
// children of a closed shard. Built once per version of the stream record and then reused, so a request pays
// only for a map lookup and a binary search.

import type { ChildShard } from '@aws-sdk/client-kinesis'

import { InvalidArgumentException } from '../errors.ts'
import {
  HashKeyRouter,
  hashKeyOfPartitionKey,
  parseHashKey,
  toHexHashKey,
  type HexHashKey,
} from '../../mapping/hash-keys.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import type { ShardRecord, StreamRecord } from '../../ports/stream-catalog.ts'
import { isClosing, isOpen } from '../catalog/shard-map.ts'

export interface StreamRouting {
  /** The index of the open shard whose hash key range holds `hashKey`, or undefined if none does. */
  openShardFor(hashKey: HexHashKey): number | undefined
  shard(index: number): ShardRecord | undefined
  /** The shards created from this one by a split or merge, as GetRecords reports them at the shard's end. */
  childShards(index: number): ChildShard[]
  /**
   * The closing shards (a reshard not yet sealed) that this shard descends from, through short-lived shards
   * too; empty for every shard outside a reshard in progress.
   */
  closingAncestors(index: number): readonly number[]
}

/**
 * The hash key that routes a record: its ExplicitHashKey when given, else the MD5 of its partition key.
 * Throws InvalidArgumentException for an ExplicitHashKey outside 0 .. 2^128 - 1.
 */
export function hashKeyOfRecord(partitionKey: string, explicitHashKey: string | undefined): HexHashKey {
  if (explicitHashKey === undefined) return hashKeyOfPartitionKey(partitionKey)
  const parsed = parseHashKey(explicitHashKey)
  if (!parsed.ok) {
    throw InvalidArgumentException(
      `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicitHashKey}`,
    )
  }
  return toHexHashKey(parsed.hashKey)
}

interface CachedRouting {
  readonly incarnation: number
  readonly version: number
  readonly routing: StreamRouting
}

/** Bounds the cache when streams come and go; clearing it only costs rebuilding what is in use. */
const MAX_CACHED_STREAMS = 10_000

/** The routing of each stream, rebuilt only when the stream record changes (a new version or incarnation). */
export class StreamRoutingCache {
  private readonly cache = new Map<string, CachedRouting>()

  of(stream: StreamRecord): StreamRouting {
    const cached = this.cache.get(stream.streamArn)
    if (cached?.incarnation === stream.incarnation && cached.version === stream.version) return cached.routing
    const routing = buildRouting(stream.shards)
    if (this.cache.size >= MAX_CACHED_STREAMS) this.cache.clear()
    this.cache.set(stream.streamArn, { incarnation: stream.incarnation, version: stream.version, routing })
    return routing
  }
}

function buildRouting(shards: readonly ShardRecord[]): StreamRouting {
  const byIndex = new Map<number, ShardRecord>()
  const children = new Map<number, ShardRecord[]>()
  for (const shard of shards) {
    byIndex.set(shard.index, shard)
    for (const parent of [shard.parentIndex, shard.adjacentParentIndex]) {
      if (parent === undefined) continue
      const siblings = children.get(parent) ?? []
      siblings.push(shard)
      children.set(parent, siblings)
    }
  }
  const closingAncestors = closingAncestorsOf(shards, byIndex)
  const router = new HashKeyRouter(
    shards.filter(isOpen).map((shard) => ({
      shardIndex: shard.index,
      range: { start: BigInt(shard.startingHashKey), end: BigInt(shard.endingHashKey) },
    })),
  )
  return {
    openShardFor: (hashKey) => router.shardIndexFor(hashKey),
    shard: (index) => byIndex.get(index),
    childShards: (index) => (children.get(index) ?? []).map(toChildShard),
    closingAncestors: (index) => closingAncestors.get(index) ?? [],
  }
}

/** Only shards that have closing ancestors get an entry. Parents always have lower indices than children. */
function closingAncestorsOf(
  shards: readonly ShardRecord[],
  byIndex: ReadonlyMap<number, ShardRecord>,
): Map<number, number[]> {
  const ancestors = new Map<number, number[]>()
  if (!shards.some(isClosing)) return ancestors
  for (const shard of [...shards].sort((a, b) => a.index - b.index)) {
    const found = new Set<number>()
    for (const parentIndex of [shard.parentIndex, shard.adjacentParentIndex]) {
      if (parentIndex === undefined) continue
      const parent = byIndex.get(parentIndex)
      if (parent !== undefined && isClosing(parent)) found.add(parentIndex)
      for (const ancestor of ancestors.get(parentIndex) ?? []) found.add(ancestor)
    }
    if (found.size > 0) ancestors.set(shard.index, [...found])
  }
  return ancestors
}

function toChildShard(shard: ShardRecord): ChildShard {
  const parents = [shard.parentIndex, shard.adjacentParentIndex].filter((index) => index !== undefined)
  return {
    ShardId: shardIdOf(shard.index),
    ParentShards: parents.map(shardIdOf),
    HashKeyRange: { StartingHashKey: shard.startingHashKey, EndingHashKey: shard.endingHashKey },
  }
}
