// One member of a delivery stream's consumer group: reads the stream's records, passes each batch through the
// stream's processing, buffers what comes out (per partition prefix under dynamic partitioning), delivers full
// and due buffers, writes failed records to the error output (and every source record to the S3 backup when it
// is enabled), and commits a partition's offsets only up to what has been stored. A destination that fails is
// retried with backoff, nothing committed meanwhile; a worker that dies loses nothing (the records come again).
//
// Memory: the bytes buffered, in flight to the destination and waiting for the backup stay below
// `maxBufferedBytes` plus one fetch (the consumer's maxBytes) and the batch being processed: past the bound the
// worker pauses its consumer, and resumes below half of it.

import type { Clock } from '../../ports/clock.ts'
import type { ConsumerGroups, GroupMember, GroupStartPosition } from '../../ports/consumer-groups.ts'
import type { DeliveryStreamRecord } from '../../ports/delivery-streams.ts'
import type { KeyRing } from '../../ports/key-ring.ts'
import type { ObjectStore } from '../../ports/object-store.ts'
import type { StoredRecord } from '../../ports/record-log.ts'
import {
  deliveryConfigOf,
  deliveryGroupId,
  UnsupportedDestinationError,
  type DeliveryConfig,
  type S3Output,
} from './delivery-config.ts'
import { DeliveryBuffers, type SealedBuffer } from './delivery-buffers.ts'
import type { DeliveryCounters, DeliveryMetrics } from './delivery-metrics.ts'
import type { DeliveryRecord, FailedRecord, ProcessedRecord } from './delivery-record.ts'
import type { Destination } from './destination.ts'
import { byErrorOutputType, errorDocument } from './error-output.ts'
import {
  compilePrefix,
  errorPrefix,
  MissingPartitionKeyError,
  partitionOf,
  deliveryPrefix,
} from './object-keys.ts'
import { OffsetProgress, type Unit } from './offset-progress.ts'
import type { ProcessBatch } from './plain-processing.ts'
import { s3Destination, type ObjectBody } from './s3-destination.ts'
import { concatenated, writeObject } from './s3-objects.ts'
import { deliveryRecords } from './source-records.ts'

export interface DeliveryWorkerSettings {
  /** Bytes buffered and in flight past which the worker stops reading until half of them are delivered. */
  readonly maxBufferedBytes: number
  /** Backoff between attempts of a failed delivery: from the first delay, doubling, up to the last. */
  readonly retryInitialMs: number
  readonly retryMaxMs: number
  /** How long `stop` waits for in-flight deliveries before leaving them to the next owner. */
  readonly stopTimeoutMs: number
}

export const DEFAULT_DELIVERY_WORKER_SETTINGS: DeliveryWorkerSettings = {
  maxBufferedBytes: 256 * 1024 * 1024,
  retryInitialMs: 500,
  retryMaxMs: 30_000,
  stopTimeoutMs: 10_000,
}

/**
 * How much a delivery worker's consumer reads per fetch: objects are up to 128 MiB (SizeInMBs), and a backlog
 * delivers fastest when one fetch fills several objects, so the next fetch overlaps their uploads.
 */
export const DELIVERY_FETCH_BYTES = { maxBytes: 64 * 1024 * 1024, maxBytesPerPartition: 16 * 1024 * 1024 }

export type DeliveryLog = (level: 'info' | 'warn', message: string, detail: Record<string, unknown>) => void

export interface DeliveryWorkerDeps {
  readonly groups: ConsumerGroups
  readonly objectStore: ObjectStore
  readonly clock: Clock
  readonly keyRing: KeyRing | undefined
  readonly metrics: DeliveryMetrics
  readonly settings: DeliveryWorkerSettings
  readonly log: DeliveryLog
}

export interface DeliveryWorkerOptions {
  /** The stream's processing (plainProcessing without ProcessingConfiguration). */
  readonly process: ProcessBatch
  /** Where delivered records go; the S3 destination of the description when absent. */
  readonly destination?: Destination
  /**
   * The body of a delivered S3 object: required with record format conversion (the converter's Parquet file);
   * the records concatenated when absent.
   */
  readonly objectBody?: ObjectBody
}

type BackupRecord = DeliveryRecord

export class DeliveryWorker {
  private readonly progress = new OffsetProgress()
  private readonly buffers: DeliveryBuffers<ProcessedRecord>
  private readonly backup: DeliveryBuffers<BackupRecord> | undefined
  private readonly destination: Destination
  private readonly counters: DeliveryCounters
  private readonly prefix
  private readonly inFlight = new Set<Promise<void>>()
  private readonly stopping = new AbortController()
  private readonly bucketsReady = new Map<string, Promise<void>>()
  private inFlightBytes = 0
  private member: GroupMember | undefined
  private paused = false
  private committing: Promise<void> | undefined
  private commitAgain = false

  private constructor(
    readonly config: DeliveryConfig,
    private readonly stream: DeliveryStreamRecord,
    private readonly deps: DeliveryWorkerDeps,
    private readonly options: DeliveryWorkerOptions,
  ) {
    const hold = (unit: Unit): void => {
      this.progress.hold(unit)
    }
    this.buffers = new DeliveryBuffers(config.buffering.sizeBytes, hold)
    this.backup =
      config.backup === undefined ? undefined : new DeliveryBuffers(config.buffering.sizeBytes, hold)
    if (options.destination === undefined && config.destinationType !== 'S3') {
      throw new UnsupportedDestinationError(
        `delivery stream ${config.name} needs its ${config.destinationType} destination`,
      )
    }
    if (
      options.destination === undefined &&
      config.converted !== undefined &&
      options.objectBody === undefined
    ) {
      throw new UnsupportedDestinationError(`delivery stream ${config.name} needs its format converter`)
    }
    this.destination =
      options.destination ??
      s3Destination(deps.objectStore, config.converted ?? config.s3, options.objectBody)
    this.counters = deps.metrics.counters(config.account, config.region, config.name)
    this.prefix = config.s3.naming.prefix ?? compilePrefix('')
  }

  /** Joins the delivery stream's consumer group and starts delivering. */
  static async start(
    stream: DeliveryStreamRecord,
    deps: DeliveryWorkerDeps,
    options: DeliveryWorkerOptions,
  ): Promise<DeliveryWorker> {
    const worker = new DeliveryWorker(deliveryConfigOf(stream), stream, deps, options)
    await worker.join()
    return worker
  }

  /** The version of the delivery stream this worker delivers. */
  get versionId(): string {
    return this.config.versionId
  }

  /** Delivers the buffers whose interval has passed; the supervisor calls it on a timer. */
  tick(): void {
    if (this.stopped()) return
    const now = this.deps.clock.now()
    for (const buffer of this.buffers.due(now, this.config.buffering.intervalMs)) this.deliver(buffer)
    for (const buffer of this.backup?.due(now, this.config.buffering.intervalMs) ?? [])
      this.writeBackup(buffer)
  }

  /** Leaves the group after delivering what it holds (within stopTimeoutMs) and committing it. */
  async stop(): Promise<void> {
    if (this.stopped()) return
    this.member?.pause()
    for (const buffer of this.buffers.takeAll()) this.deliver(buffer)
    for (const buffer of this.backup?.takeAll() ?? []) this.writeBackup(buffer)
    const drained = Promise.all([...this.inFlight]).then(() => true)
    const timedOut = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        resolve(false)
      }, this.deps.settings.stopTimeoutMs)
      void drained.then(() => {
        clearTimeout(timer)
      })
    })
    if (!(await Promise.race([drained, timedOut]))) {
      this.deps.log('warn', 'firehose: stopping with deliveries unfinished; they will be read again', {
        deliveryStream: this.config.name,
      })
    }
    await this.commit()
    await this.leave()
  }

  /** Leaves the group at once, delivering and committing nothing more (what it held is read again). */
  async abandon(): Promise<void> {
    if (this.stopped()) return
    await this.leave()
  }

  private async leave(): Promise<void> {
    this.stopping.abort()
    this.deps.metrics.watchOldest(this.config.account, this.config.region, this.config.name, undefined)
    await this.member?.stop()
  }

  private async join(): Promise<void> {
    const { source } = this.config
    const startPosition: GroupStartPosition =
      source.type === 'KinesisStreamAsSource'
        ? { from: 'timestamp', timestampMs: source.startTimestampMs }
        : { from: 'earliest' }
    this.member = await this.deps.groups.join({
      groupId: deliveryGroupId(this.config),
      topic: this.config.topic,
      startPosition,
      handler: {
        assigned: (partitions) => {
          this.assigned(partitions)
        },
        records: (partition, records) => this.records(partition, records),
      },
    })
    this.deps.metrics.watchOldest(this.config.account, this.config.region, this.config.name, () =>
      this.oldestUndelivered(),
    )
  }

  private assigned(partitions: readonly number[]): void {
    this.progress.assign(partitions)
    const isCurrent = (unit: Unit): boolean => this.progress.isCurrent(unit)
    this.buffers.dropStale(isCurrent)
    this.backup?.dropStale(isCurrent)
  }

  private async records(partition: number, stored: readonly StoredRecord[]): Promise<void> {
    const first = stored[0]
    const last = stored[stored.length - 1]
    if (this.stopped() || first === undefined || last === undefined) return
    const now = this.deps.clock.now()
    const read = deliveryRecords(
      {
        source: this.config.source,
        keyRing: this.deps.keyRing,
        sourceStreamCreatedAtMs: this.stream.sourceStreamCreatedAtMs ?? 0,
      },
      partition,
      stored,
      now,
    )
    this.counters.recordsIn += stored.length
    for (const record of stored) this.counters.bytesIn += record.value?.length ?? 0
    const processed = await this.options.process(read.records)
    let oldestArrival = Infinity
    for (const record of stored) oldestArrival = Math.min(oldestArrival, record.timestamp)
    const unit = this.progress.open(partition, first.offset, last.offset + 1, oldestArrival)
    if (unit === undefined || this.stopped()) return

    if (this.backup !== undefined) {
      for (const record of [...read.records, ...read.failed.map((failed) => failed.record)]) {
        for (const buffer of this.backup.add('', unit, record, now)) this.writeBackup(buffer)
      }
    }
    const failed: FailedRecord[] = [...read.failed, ...processed.failed]
    const full: SealedBuffer<ProcessedRecord>[] = []
    for (const [index, record] of processed.records.entries()) {
      let key = ''
      if (this.config.dynamicPartitioning) {
        try {
          key = partitionOf(this.prefix, record, this.config.s3.naming.timeZone)
        } catch (error) {
          if (!(error instanceof MissingPartitionKeyError)) throw error
          failed.push(partitioningFailed(record, `${partition}.${first.offset}.${index}`, error.message, now))
          continue
        }
      }
      full.push(...this.buffers.add(key, unit, record, now))
    }
    if (failed.length > 0) this.writeErrors(failed, [unit])
    this.progress.seal(unit)
    if (this.config.buffering.intervalMs === 0) {
      full.push(...this.buffers.takeAll())
      for (const buffer of this.backup?.takeAll() ?? []) this.writeBackup(buffer)
    }
    for (const buffer of full) this.deliver(buffer)
    this.scheduleCommit()
    this.applyBackpressure()
  }

  private deliver(buffer: SealedBuffer<ProcessedRecord>): void {
    this.track(buffer.bytes, async () => {
      const result = await this.retrying(() =>
        this.destination.deliver({
          records: buffer.records,
          oldestArrival: buffer.oldestArrival,
          partitionKeys: buffer.partitionKeys,
          signal: this.stopping.signal,
        }),
      )
      if (result === undefined) return
      if (result.failed.length > 0) {
        const written = await this.writeErrorObjects(result.failed)
        if (!written) return
      }
      this.counters.recordsDelivered += buffer.records.length - result.failed.length
      this.counters.bytesDelivered += buffer.bytes
      this.counters.objectsWritten++
      this.release(buffer.chunks.map((chunk) => chunk.unit))
    })
  }

  private writeBackup(buffer: SealedBuffer<BackupRecord>): void {
    const output = this.config.backup
    if (output === undefined) return
    this.track(buffer.bytes, async () => {
      const values = { timestamp: buffer.oldestArrival }
      const written = await this.retrying(async () => {
        await this.bucketReady(output.bucket)
        return writeObject(
          this.deps.objectStore,
          output,
          deliveryPrefix(output.naming, values),
          values,
          concatenated(buffer.records),
        )
      })
      if (written === undefined) return
      this.counters.objectsWritten++
      this.release(buffer.chunks.map((chunk) => chunk.unit))
    })
  }

  private writeErrors(failed: readonly FailedRecord[], units: readonly Unit[]): void {
    for (const unit of units) this.progress.hold(unit)
    const bytes = failed.reduce((sum, record) => sum + record.record.data.length, 0)
    this.track(bytes, async () => {
      if (await this.writeErrorObjects(failed)) this.release(units)
    })
  }

  /** One object per error output type; true once all are stored, false when the worker stopped first. */
  private async writeErrorObjects(failed: readonly FailedRecord[]): Promise<boolean> {
    const output: S3Output = this.config.s3
    for (const [type, records] of byErrorOutputType(failed)) {
      let oldest = Infinity
      for (const record of records) oldest = Math.min(oldest, record.record.approximateArrivalTimestamp)
      const values = { timestamp: oldest }
      const body = Buffer.from(records.map(errorDocument).join(''), 'utf8')
      const written = await this.retrying(async () => {
        await this.bucketReady(output.bucket)
        return writeObject(
          this.deps.objectStore,
          output,
          errorPrefix(output.naming, type, values),
          values,
          body,
        )
      })
      if (written === undefined) return false
      this.counters.recordsFailed += records.length
      this.counters.objectsWritten++
    }
    return true
  }

  private bucketReady(bucket: string): Promise<void> {
    let ready = this.bucketsReady.get(bucket)
    if (ready === undefined) {
      ready = this.deps.objectStore.ensureBucket(bucket).catch((error: unknown) => {
        this.bucketsReady.delete(bucket)
        throw error
      })
      this.bucketsReady.set(bucket, ready)
    }
    return ready
  }

  /** Runs a delivery task, counting its bytes as in flight until it settles. */
  private track(bytes: number, task: () => Promise<void>): void {
    this.inFlightBytes += bytes
    const running = task()
      .catch((error: unknown) => {
        this.deps.log('warn', 'firehose: delivery task failed', {
          deliveryStream: this.config.name,
          error: error instanceof Error ? error.message : String(error),
        })
      })
      .finally(() => {
        this.inFlightBytes -= bytes
        this.inFlight.delete(running)
        this.applyBackpressure()
      })
    this.inFlight.add(running)
  }

  /** Runs `action` until it succeeds, with backoff; undefined when the worker stopped first. */
  private async retrying<T>(action: () => Promise<T>): Promise<T | undefined> {
    let delay = this.deps.settings.retryInitialMs
    for (let attempt = 1; ; attempt++) {
      if (this.stopped()) return undefined
      try {
        return await action()
      } catch (error) {
        if (this.stopped()) return undefined
        this.counters.deliveryRetries++
        if (attempt === 1 || attempt % 10 === 0) {
          this.deps.log('warn', 'firehose: delivery failed; retrying', {
            deliveryStream: this.config.name,
            attempt,
            error: error instanceof Error ? error.message : String(error),
          })
        }
        await sleep(delay, this.stopping.signal)
        delay = Math.min(delay * 2, this.deps.settings.retryMaxMs)
      }
    }
  }

  private release(units: readonly Unit[]): void {
    for (const unit of units) this.progress.release(unit)
    this.scheduleCommit()
  }

  private scheduleCommit(): void {
    if (this.committing !== undefined) {
      this.commitAgain = true
      return
    }
    this.committing = this.commit().finally(() => {
      this.committing = undefined
      if (this.commitAgain) {
        this.commitAgain = false
        this.scheduleCommit()
      }
    })
  }

  private async commit(): Promise<void> {
    const member = this.member
    if (member === undefined) return
    const offsets = this.progress.commitPoints()
    if (offsets.length === 0) return
    try {
      await member.commit(offsets)
      this.progress.committed(offsets)
    } catch (error) {
      // Delivered and not committed: read again (a duplicate) unless a later commit covers it.
      this.deps.log('warn', 'firehose: offset commit failed', {
        deliveryStream: this.config.name,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  private applyBackpressure(): void {
    const member = this.member
    if (member === undefined || this.stopped()) return
    const held = this.buffers.bytes + (this.backup?.bytes ?? 0) + this.inFlightBytes
    const limit = this.deps.settings.maxBufferedBytes
    if (!this.paused && held > limit) {
      this.paused = true
      member.pause()
    } else if (this.paused && held <= limit / 2) {
      this.paused = false
      member.resume()
    }
  }

  private stopped(): boolean {
    return this.stopping.signal.aborted
  }

  private oldestUndelivered(): number | undefined {
    return this.progress.oldestUndelivered()
  }
}

function partitioningFailed(
  record: ProcessedRecord,
  recordId: string,
  message: string,
  now: number,
): FailedRecord {
  return {
    record: { recordId, data: record.data, approximateArrivalTimestamp: record.approximateArrivalTimestamp },
    errorOutputType: 'partitioning-failed',
    errorCode: 'DynamicPartitioning.MissingPartitionKey',
    errorMessage: `The partition key is missing from the record: ${message}`,
    attemptsMade: 1,
    attemptEndingTimestamp: now,
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}
