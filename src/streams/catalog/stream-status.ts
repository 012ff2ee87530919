import type { StreamRecord, StreamStatus } from '../../ports/stream-catalog.ts'
import { isClosing } from './shard-map.ts'

/**
 * The status a caller sees. A CREATING or UPDATING phase ends on its own at `statusUntilMillis` (so every
 * replica agrees without a background job), except that CREATING lasts until the topic serves every partition
 * (stream-creation.ts) and a reshard's UPDATING until its parents are sealed; a DELETING stream is gone once
 * its phase ends.
 */
export function effectiveStatus(stream: StreamRecord, nowMillis: number): StreamStatus | 'GONE' {
  if (stream.status === 'ACTIVE' || stream.statusUntilMillis === undefined) return stream.status
  if (stream.status === 'CREATING' && stream.creation !== undefined) return 'CREATING'
  if (nowMillis < stream.statusUntilMillis) return stream.status
  if (stream.status === 'DELETING') return 'GONE'
  // A reshard is over only once its parents are sealed (resharding.ts); until then the stream stays UPDATING.
  if (stream.status === 'UPDATING' && hasClosingShards(stream)) return 'UPDATING'
  return 'ACTIVE'
}

/** Remembered for the frozen records of the catalog cache, which every data-path request of a replica shares. */
const closingShardsOfFrozen = new WeakMap<StreamRecord, boolean>()

function hasClosingShards(stream: StreamRecord): boolean {
  const known = closingShardsOfFrozen.get(stream)
  if (known !== undefined) return known
  const closing = stream.shards.some(isClosing)
  if (Object.isFrozen(stream)) closingShardsOfFrozen.set(stream, closing)
  return closing
}
