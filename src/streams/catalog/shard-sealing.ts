// Sealing a reshard's parents once their fence grace period has passed (step 3 of the protocol described in
// resharding.ts). Idempotent, and safe to run from any replica at any time: whoever finds a due parent seals it.

import type { ShardRecord, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { isClosing } from './shard-map.ts'
import { effectiveStatus } from './stream-status.ts'

/** The default fence grace period: far above the time a catalog change takes to reach every replica. */
export const DEFAULT_RESHARD_FENCE_MS = 1000

/** How often sealing is tried again on a fresh copy when other writers keep winning the compare-and-set. */
const MAX_SEAL_ATTEMPTS = 5

export function reshardFenceMs(deps: StreamsDeps): number {
  return deps.settings.reshardFenceMs ?? DEFAULT_RESHARD_FENCE_MS
}

/** When a closing shard may be sealed (epoch millis); undefined for a shard that is not closing. */
export function sealDueAt(deps: StreamsDeps, shard: ShardRecord): number | undefined {
  if (!isClosing(shard) || shard.closingSinceMillis === undefined) return undefined
  return shard.closingSinceMillis + reshardFenceMs(deps)
}

/**
 * Seals every closing shard of `stream` whose fence grace period has passed: its end becomes the partition's
 * high watermark now, and its closing mark goes. Resolves to the stream as stored afterwards, or to `stream`
 * itself when nothing was due (then nothing is read or written). A stream being deleted is left as it is.
 */
export async function sealDueShards(deps: StreamsDeps, stream: StreamRecord): Promise<StreamRecord> {
  let current = stream
  for (let attempt = 0; attempt < MAX_SEAL_ATTEMPTS; attempt++) {
    const now = deps.clock.now()
    const due = current.shards.filter((shard) => {
      const dueAt = sealDueAt(deps, shard)
      return dueAt !== undefined && dueAt <= now
    })
    const status = effectiveStatus(current, now)
    if (due.length === 0 || status === 'DELETING' || status === 'GONE') return current

    // Read after the grace period: every write routed to these shards with an older map is in the log by now.
    const ends = new Map(
      await Promise.all(
        due.map(
          async (shard) =>
            [shard.index, (await deps.recordLog.offsetRange(current.topic, shard.index)).latest] as const,
        ),
      ),
    )
    const sealed: StreamRecord = {
      ...current,
      shards: current.shards.map((shard) => {
        const endingOffset = ends.get(shard.index)
        return endingOffset === undefined ? shard : sealedShard(shard, endingOffset, now)
      }),
      version: current.version + 1,
    }
    if (await deps.catalog.update(sealed)) return sealed
    const fresh = await deps.catalog.get(current)
    if (fresh?.incarnation !== current.incarnation) return current
    current = fresh
  }
  throw new Error(
    `the shards of stream ${stream.streamName} could not be sealed: the stream changed concurrently ` +
      `${MAX_SEAL_ATTEMPTS} times; try again`,
  )
}

function sealedShard(shard: ShardRecord, endingOffset: number, nowMillis: number): ShardRecord {
  const { closingSinceMillis: _sealedNow, ...rest } = shard
  return { ...rest, endingOffset, closedAtMillis: nowMillis }
}
