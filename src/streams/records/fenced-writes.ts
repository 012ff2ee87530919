// The write path's side of resharding (steps 4 and 5 of the protocol in ../resharding.ts): a record
// acknowledged in a parent shard after the parent was sealed is appended again to the shard that owns its hash
// key now, so that the sequence number reported is one a reader will reach; a record in a child is
// acknowledged once its parents are sealed.

import { setTimeout as delay } from 'node:timers/promises'

import { InternalFailure } from '../../aws/index.ts'
import type { HexHashKey } from '../../mapping/hash-keys.ts'
import type { AppendedRecord, RecordToAppend } from '../../ports/record-log.ts'
import type { ShardRecord, StreamKey, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { isOpen } from '../catalog/shard-map.ts'
import { sealDueAt, sealDueShards } from '../catalog/shard-sealing.ts'
import { streamNotFound } from '../catalog/stream-lookup.ts'
import type { StreamRoutingCache } from './routing.ts'

/** A record the log acknowledged: where it went, and what is needed to send it elsewhere. */
export interface AcknowledgedRecord {
  readonly hashKey: HexHashKey
  readonly record: RecordToAppend
  readonly offset: number
}

/** Where a record can be read: its shard and offset. */
export interface Placement {
  readonly shardIndex: number
  readonly offset: number
}

/** Appends records to the stream's topic (with the caller's error handling). */
export type Append = (records: RecordToAppend[]) => Promise<AppendedRecord[]>

/** How many times records are sent again when each new shard was itself resharded meanwhile. */
const MAX_REROUTES = 3

/** How many times a writer waits for a closing parent to be sealed before giving up. */
const MAX_SEAL_WAITS = 10

/**
 * Where the acknowledged records can be read, once that is settled. On the normal path this costs a look at
 * the cached shard map; only during a reshard does it read the catalog:
 *
 * - A record whose shard that map now shows closing or sealed: once the shard is sealed, a record at or past
 *   its end is appended again to the shard that owns its hash key now, and placed there.
 * - A record in a shard that descends from a closing one (a child of a reshard in progress): acknowledged only
 *   once those ancestors are sealed. A client that waits for this acknowledgement before its next write of
 *   the same partition key therefore cannot have that write land in the parent, before this one for readers,
 *   through a replica that has not seen the reshard yet.
 *
 * `stream` is the record the writes were routed with.
 */
export async function confirmPlacements(
  deps: StreamsDeps,
  routes: StreamRoutingCache,
  stream: StreamRecord,
  acknowledged: readonly AcknowledgedRecord[],
  append: Append,
): Promise<Placement[]> {
  if (acknowledged.length === 0) return []
  const placements: Placement[] = acknowledged.map(({ record, offset }) => ({
    shardIndex: record.partition,
    offset,
  }))
  // The normal path: the shard map is the one the writes were routed with and nothing is being resharded, so
  // every record is where it was sent (no per-record checks).
  const cached = await deps.catalog.getCached(stream)
  if (
    cached?.version === stream.version &&
    cached.incarnation === stream.incarnation &&
    !isResharding(cached)
  ) {
    return placements
  }
  const key: StreamKey = stream
  const closingAncestors = new Set<number>()
  let suspects = await inClosedShards(deps, routes, stream, placements, closingAncestors)
  for (let reroute = 0; suspects.length > 0; reroute++) {
    if (reroute > MAX_REROUTES) throw InternalFailure()
    const fresh = await withSealedShards(
      deps,
      key,
      suspects.map((position) => (placements[position] as Placement).shardIndex),
    )
    const stray = suspects.filter((position) => {
      const { shardIndex, offset } = placements[position] as Placement
      const endingOffset = shardOf(fresh, shardIndex)?.endingOffset
      return endingOffset !== undefined && offset >= endingOffset
    })
    if (stray.length === 0) break

    const routing = routes.of(fresh)
    const resent = stray.map((position) => {
      const { hashKey, record } = acknowledged[position] as AcknowledgedRecord
      const shardIndex = routing.openShardFor(hashKey)
      // The open shards of a stream always cover the whole key space; a gap is a broken shard map.
      if (shardIndex === undefined) throw InternalFailure()
      return { ...record, partition: shardIndex }
    })
    const appended = await append(resent)
    if (appended.length !== resent.length) {
      throw new Error(`the record log acknowledged ${appended.length} of ${resent.length} records`)
    }
    stray.forEach((position, order) => {
      const { partition, offset } = appended[order] as AppendedRecord
      placements[position] = { shardIndex: partition, offset }
    })
    suspects = await inClosedShards(deps, routes, stream, placements, closingAncestors, stray)
  }
  if (closingAncestors.size > 0) await withSealedShards(deps, key, [...closingAncestors])
  return placements
}

function isResharding(stream: StreamRecord): boolean {
  return stream.shards.some((shard) => shard.closingSinceMillis !== undefined)
}

/**
 * The positions (among `candidates`, by default all) whose shard the cached map now shows closing or sealed;
 * adds the closing ancestors of the others' shards to `closingAncestors`. A stream that is gone or was created
 * again is not this writer's concern any more.
 */
async function inClosedShards(
  deps: StreamsDeps,
  routes: StreamRoutingCache,
  stream: StreamRecord,
  placements: readonly Placement[],
  closingAncestors: Set<number>,
  candidates: readonly number[] = placements.map((_placement, position) => position),
): Promise<number[]> {
  const cached = await deps.catalog.getCached(stream)
  if (cached?.incarnation !== stream.incarnation) return []
  const routing = routes.of(cached)
  return candidates.filter((position) => {
    const { shardIndex } = placements[position] as Placement
    const shard = routing.shard(shardIndex)
    if (shard !== undefined && !isOpen(shard)) return true
    for (const ancestor of routing.closingAncestors(shardIndex)) closingAncestors.add(ancestor)
    return false
  })
}

/**
 * The stream as stored once none of `shardIndices` is closing any more: sealed by the background task of the
 * replica that resharded, or here when the grace period has passed without it.
 */
async function withSealedShards(
  deps: StreamsDeps,
  key: StreamKey,
  shardIndices: readonly number[],
): Promise<StreamRecord> {
  const sleep = deps.sleep ?? ((millis: number) => delay(millis))
  for (let wait = 0; wait <= MAX_SEAL_WAITS; wait++) {
    const stored = await deps.catalog.get(key)
    if (stored === undefined) throw streamNotFound(key)
    const stream = await sealDueShards(deps, stored)
    const dueTimes = shardIndices
      .map((index) => {
        const shard = shardOf(stream, index)
        return shard === undefined ? undefined : sealDueAt(deps, shard)
      })
      .filter((dueAt) => dueAt !== undefined)
    if (dueTimes.length === 0) return stream
    if (wait < MAX_SEAL_WAITS) await sleep(Math.max(1, Math.min(...dueTimes) - deps.clock.now()))
  }
  throw InternalFailure()
}

function shardOf(stream: StreamRecord, index: number): ShardRecord | undefined {
  return stream.shards.find((shard) => shard.index === index)
}
