import type { ApplicationCatalog } from '../../ports/application-catalog.ts'
import type { ApplicationCheckpoints } from '../../ports/application-checkpoints.ts'
import type { Clock } from '../../ports/clock.ts'
import type { ConsumerGroups } from '../../ports/consumer-groups.ts'
import type { KeyRing } from '../../ports/key-ring.ts'
import type { LambdaInvoker } from '../../ports/lambda-invoker.ts'
import type { ObjectStore } from '../../ports/object-store.ts'
import type { StreamCatalog } from '../../ports/stream-catalog.ts'
import type { RuntimeMetrics } from './runtime-metrics.ts'

/** What the runtime that runs applications reaches; the composition root fills it. */
export interface AnalyticsRuntimeDeps {
  readonly applications: ApplicationCatalog
  /** Input streams: their topics (the records an application reads) and their state. */
  readonly streams: StreamCatalog
  /** One consumer group per application over its input stream's topic. */
  readonly groups: ConsumerGroups
  /** Reference data (S3ReferenceDataSource). */
  readonly objects: ObjectStore
  /** Data keys of encrypted input streams. */
  readonly keyRing?: KeyRing | undefined
  readonly clock: Clock
  /** Where output rows go. */
  readonly destinations: OutputDestinations
  /** Lambda outputs and input preprocessing; without it, applications that need one do not start. */
  readonly lambda?: LambdaInvoker | undefined
  readonly log: RuntimeLog
  /**
   * Where window state is checkpointed with the offsets it covers; without it, offsets are committed after each
   * batch and a restart starts the windows empty.
   */
  readonly checkpoints?: ApplicationCheckpoints | undefined
  /** Where the workers count what they read and write (/metrics). */
  readonly metrics?: RuntimeMetrics | undefined
}

export type RuntimeLog = (level: 'info' | 'warn', message: string, detail: Record<string, unknown>) => void

/** A record for a Kinesis stream output. */
export interface KinesisOutputRecord {
  readonly partitionKey: string
  readonly data: Uint8Array
}

/**
 * The writes an application's outputs make, as the gateway's own PutRecords and PutRecordBatch do them (routing
 * by partition key, sequence numbers, encryption, the delivery stream's topic). Each resolves with the positions
 * of the records that were not stored (to be written again); a rejection means none was stored for sure.
 */
export interface OutputDestinations {
  putKinesisRecords(streamArn: string, records: readonly KinesisOutputRecord[]): Promise<number[]>
  putFirehoseRecords(deliveryStreamArn: string, records: readonly Uint8Array[]): Promise<number[]>
}
