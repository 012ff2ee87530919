// The destination interface: where a delivery worker hands a full buffer of processed records.
//
// A worker calls `deliver` with one buffer at a time per partition prefix (several may be in flight):
// - resolve once the records are stored at the destination, with the records it gave up on for good (they go to
//   the error output: an HTTP endpoint that answered 413, or kept failing past its retry duration);
// - reject when the destination cannot be reached now: the worker retries the same batch with backoff and
//   commits nothing meanwhile, so a worker that dies loses nothing (the records are read again).
// `signal` aborts when the worker stops; a rejection after it is expected.
//
// The S3 destination (s3-destination.ts) writes one object per batch; the HTTP endpoint destination implements
// the same interface.

import type { FailedRecord, ProcessedRecord } from './delivery-record.ts'

export interface DestinationBatch {
  readonly records: readonly ProcessedRecord[]
  /** The arrival time of the oldest record (epoch ms): it names the object's time. */
  readonly oldestArrival: number
  /** The partition keys all the records share, under dynamic partitioning. */
  readonly partitionKeys: Readonly<Record<string, string>> | undefined
  readonly signal: AbortSignal
}

export interface DestinationResult {
  readonly failed: readonly FailedRecord[]
}

export interface Destination {
  deliver(batch: DestinationBatch): Promise<DestinationResult>
}
