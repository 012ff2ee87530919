// How far a KCL checkpoint is behind its shard's tip, from the gateway's sequence numbers (which hold the
// Kafka offset: src/mapping/sequence-numbers.ts) and the shard's offsets.

import { decodeSequenceNumber, type SequenceNumberScope } from '../mapping/sequence-numbers.ts'

/** Where the application will read next in the shard, as its checkpoint says. */
export type CheckpointPosition =
  | { readonly kind: 'offset'; readonly nextOffset: number }
  | { readonly kind: 'shard-end' }
  | { readonly kind: 'unknown'; readonly reason: string }

export interface ShardOffsets {
  /** The oldest offset still retained. */
  readonly earliest: number
  /** The offset the next record will get. */
  readonly latest: number
}

export function checkpointPosition(
  checkpoint: string | undefined,
  shard: SequenceNumberScope,
  offsets: ShardOffsets,
): CheckpointPosition {
  switch (checkpoint) {
    case undefined:
      return { kind: 'unknown', reason: 'the lease has no checkpoint' }
    case 'TRIM_HORIZON':
      return { kind: 'offset', nextOffset: offsets.earliest }
    case 'SHARD_END':
      return { kind: 'shard-end' }
    case 'LATEST':
    case 'AT_TIMESTAMP':
      return {
        kind: 'unknown',
        reason: `${checkpoint}: the position is decided when a worker takes the lease`,
      }
  }
  const decoded = decodeSequenceNumber(checkpoint)
  if (!decoded.ok)
    return { kind: 'unknown', reason: 'the checkpoint is not a sequence number of this gateway' }
  if (decoded.shardIndex !== shard.shardIndex || decoded.incarnation !== shard.incarnation) {
    return { kind: 'unknown', reason: 'the checkpoint is a sequence number of another shard or stream' }
  }
  // The checkpoint is the last record processed; the shard's starting number (offset -1) means none yet.
  return { kind: 'offset', nextOffset: Number(decoded.offset) + 1 }
}

/**
 * The first record the application has still to process, or undefined when it has processed every record
 * the shard holds. Records already trimmed by retention cannot be processed any more: reading resumes at the
 * oldest one retained.
 */
export function nextUnprocessedOffset(
  position: CheckpointPosition,
  offsets: ShardOffsets,
): number | undefined {
  if (position.kind !== 'offset') return undefined
  const next = Math.max(position.nextOffset, offsets.earliest)
  return next < offsets.latest ? next : undefined
}

/** Records between the checkpoint and the shard's tip. */
export function recordsBehind(position: CheckpointPosition, offsets: ShardOffsets): number {
  const next = nextUnprocessedOffset(position, offsets)
  return next === undefined ? 0 : offsets.latest - next
}

/** Milliseconds since the first unprocessed record arrived (0 when caught up; never negative). */
export function millisBehind(nowMs: number, firstUnprocessedArrivalMs: number | undefined): number {
  return firstUnprocessedArrivalMs === undefined ? 0 : Math.max(0, nowMs - firstUnprocessedArrivalMs)
}
