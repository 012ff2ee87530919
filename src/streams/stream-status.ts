import type { StreamRecord, StreamStatus } from '../ports/stream-catalog.ts'

/**
 * The status a caller sees. A CREATING or UPDATING phase ends on its own at `statusUntilMillis` (so every
 * replica agrees without a background job); a DELETING stream is gone once its phase ends.
 */
export function effectiveStatus(stream: StreamRecord, nowMillis: number): StreamStatus | 'GONE' {
  if (stream.status === 'ACTIVE' || stream.statusUntilMillis === undefined) return stream.status
  if (nowMillis < stream.statusUntilMillis) return stream.status
  return stream.status === 'DELETING' ? 'GONE' : 'ACTIVE'
}
