// Resharding (SplitShard, MergeShards, UpdateShardCount) without losing an acknowledged record.
//
// Several gateway replicas share one Kafka and one catalog, and each routes writes with its own cached copy
// of the shard map, refreshed by change notices within milliseconds. A parent shard gets an end
// (EndingSequenceNumber), readers never read past it, so a write that lands in the parent after that end was
// fixed would be lost. The parent is therefore fenced before it is sealed:
//
// 1. Close (one compare-and-set): the topic first gains the children's partitions (so no replica can route
//    to a partition that does not exist); then the catalog shows the children and marks each parent closing
//    (`closingSinceMillis`, no end yet), and the stream goes UPDATING. Routing sends new writes to the
//    children from then on; readers still read a closing parent up to its high watermark, and it is listed
//    without an EndingSequenceNumber.
// 2. Fence: wait `reshardFenceMs` (settings; DEFAULT_RESHARD_FENCE_MS). By then every replica has seen the
//    new map, so every write still routed with the old one has been appended.
// 3. Seal (a second compare-and-set, shard-sealing.ts): each parent's end becomes its partition's high
//    watermark, read after the grace period, and `closedAtMillis` is set. The stream stays UPDATING until its
//    closing parents are sealed (stream-status.ts).
// 4. Safety net on the write path (records/fenced-writes.ts): after an append to shard P is acknowledged at
//    offset X, the writer looks at its cached map again; only when that shows P closing or sealed does it
//    read the catalog: if P's end is set and X >= end, the record is appended again to the shard that owns
//    its hash key now, and that shard and sequence number are reported; if P is still closing, the writer
//    waits until it is sealed (sealing it itself once the grace period has passed), then decides. The stray
//    copy in the parent lies past its end, where no Kinesis reader goes.
// 5. Order per partition key: a write to a child whose parent (or an ancestor, for UpdateShardCount's
//    short-lived shards) is still closing is acknowledged only once that parent is sealed. Otherwise a client
//    could write key K to the child through an up-to-date replica, then K again through a stale one that
//    routes it to the parent before the seal, and readers, who read the parent first, would see the second
//    write first. With the wait, that second write lands after the seal and step 4 moves it to the child,
//    after the first. This delays writes to the children by up to the grace period, during a reshard only.
//
// The operation returns after step 1, as Kinesis does (the stream is UPDATING); this process runs steps 2-3 in
// the background. If it stops before sealing, sealing is idempotent and any later access completes it: every
// control-plane lookup of the stream (requireStream: DescribeStream, ListShards, any change), and any writer
// that finds a parent closing.
//
// What the protocol assumes: a replica's cached map is never older than the grace period. The catalog cache
// drops everything and reads through whenever its change feed is not live, so this holds unless a replica
// keeps receiving nothing on a connection that is dead without being noticed for longer than the grace
// period. A writer whose append is slow is covered: its check runs after the acknowledgement.

import { setTimeout as delay } from 'node:timers/promises'

import { TopicNotFoundError } from '../../ports/record-log.ts'
import type { StreamKey, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import type { ReshardPlan } from './reshard-plans.ts'
import { isClosing } from '../catalog/shard-map.ts'
import { reshardFenceMs, sealDueAt, sealDueShards } from '../catalog/shard-sealing.ts'
import { ConcurrentUpdateError, settled, startUpdating, updateStream } from '../catalog/stream-changes.ts'
import { requireStream } from '../catalog/stream-lookup.ts'

/**
 * The reshard to make, computed from the stream as it is now (with the status it shows now). Throw an AwsError
 * to refuse it; return undefined when there is nothing to change.
 */
export type ReshardChange = (stream: StreamRecord, nowMillis: number) => ReshardPlan | undefined

/**
 * Step 1 of the protocol, then steps 2-3 in the background. `change` runs once on the stored stream to know
 * how many partitions the topic needs, and again inside the compare-and-set. Resolves to the stream as stored
 * afterwards.
 */
export async function startReshard(
  deps: StreamsDeps,
  key: StreamKey,
  change: ReshardChange,
): Promise<StreamRecord> {
  const stored = await requireStream(deps, key)
  const firstPlan = change(settled(stored, deps.clock.now()), deps.clock.now())
  if (firstPlan === undefined) return stored
  const partitions = partitionCountAfter(stored, firstPlan)
  await ensurePartitions(deps, stored.topic, partitions)

  const updated = await updateStream(deps, key, (stream, now) => {
    const plan = change(stream, now)
    if (plan === undefined) return undefined
    if (partitionCountAfter(stream, plan) > partitions) {
      throw new ConcurrentUpdateError(`the shards of stream ${key.streamName} changed meanwhile; try again`)
    }
    return withPlan(startUpdating(deps, stream, now), plan, now)
  })
  if (updated.shards.some(isClosing)) sealAfterFence(deps, key)
  return updated
}

/** The stream with the plan's parents closing and its children added. */
function withPlan(stream: StreamRecord, plan: ReshardPlan, nowMillis: number): StreamRecord {
  const parents = new Set(plan.parents)
  return {
    ...stream,
    shards: [
      ...stream.shards.map((shard) =>
        parents.has(shard.index) ? { ...shard, closingSinceMillis: nowMillis } : shard,
      ),
      ...plan.children,
    ],
  }
}

function partitionCountAfter(stream: StreamRecord, plan: ReshardPlan): number {
  return [...stream.shards, ...plan.children].reduce((count, shard) => Math.max(count, shard.index + 1), 0)
}

/**
 * Grows the topic to at least `partitions`. A topic that has them already (an earlier attempt added them, or
 * a concurrent reshard did) is fine: a partition no shard names receives no records.
 */
async function ensurePartitions(deps: StreamsDeps, topic: string, partitions: number): Promise<void> {
  try {
    await deps.recordLog.addPartitions(topic, partitions)
  } catch (error) {
    if (error instanceof TopicNotFoundError || !(await hasPartition(deps, topic, partitions - 1))) throw error
  }
}

async function hasPartition(deps: StreamsDeps, topic: string, partition: number): Promise<boolean> {
  try {
    await deps.recordLog.offsetRange(topic, partition)
    return true
  } catch {
    return false
  }
}

/** How many times the background task waits for parents that are not due yet (a timer that fired early). */
const MAX_BACKGROUND_WAITS = 3

/** Steps 2-3 in this process. */
function sealAfterFence(deps: StreamsDeps, key: StreamKey): void {
  sealWhenDue(deps, key).catch(() => {
    // Left for later: the next control-plane access to the stream, or a writer that meets a closing parent,
    // seals what is due.
  })
}

async function sealWhenDue(deps: StreamsDeps, key: StreamKey): Promise<void> {
  const sleep = deps.sleep ?? sleepUnref
  let waitMs = reshardFenceMs(deps)
  for (let wait = 0; wait < MAX_BACKGROUND_WAITS; wait++) {
    await sleep(waitMs)
    const stored = await deps.catalog.get(key)
    if (stored === undefined) return
    const stream = await sealDueShards(deps, stored)
    const dueTimes = stream.shards
      .map((shard) => sealDueAt(deps, shard))
      .filter((dueAt) => dueAt !== undefined)
    if (dueTimes.length === 0) return
    waitMs = Math.max(1, Math.min(...dueTimes) - deps.clock.now())
  }
}

/** A timer that does not keep the process alive: a pending seal is completed later by whoever comes next. */
function sleepUnref(millis: number): Promise<void> {
  return delay(millis, undefined, { ref: false })
}
