// Push delivery of a partition's new records to every SubscribeToShard of its shard, with one upstream read.
//
// A ShardTail long-polls one (topic, partition) from the offset after the last record it read, and hands every
// batch to the readers waiting at the end of the log. There is at most one tail per partition in this process:
// it starts with its first reader and stops when its last one leaves.
//
// A ShardReader is one subscriber's position in the partition. A reader that starts behind the end of the log
// (TRIM_HORIZON, an old sequence number, AT_TIMESTAMP) catches up with reads of its own, paced by its client,
// and joins the tail once it has reached it. A joined reader holds at most `queuedBatches` batches; when the
// tail has a batch for a reader whose queue is full, the reader is dropped from the tail, drains what it holds,
// and catches up alone again. So a slow client never makes the gateway hold more than a few batches for it:
// the rest stays in Kafka, and the client's pace reaches the log through HTTP/2 flow control.

import type { ReadResult, RecordLog, StoredRecord } from '../../ports/record-log.ts'

export interface ShardBatch {
  /** Consecutive records of the partition, in offset order; never empty. */
  readonly records: readonly StoredRecord[]
  /** The partition's high watermark when the batch was read. */
  readonly highWatermark: number
}

export interface ShardTailLimits {
  /** How long one upstream read waits for records to arrive (Kafka's fetch max wait). */
  waitMs: number
  maxRecords: number
  maxBytes: number
  /** Batches a joined reader may hold before the tail drops it. */
  queuedBatches: number
}

/**
 * The batches a joined reader queues are the tail's own objects, shared by all its readers: however many
 * subscribers lag, a partition keeps at most `queuedBatches` batches (16 MiB) alive. That much lets subscribers
 * fall behind during a burst of writes and still be fed by the one upstream read.
 */
export const DEFAULT_SHARD_TAIL_LIMITS: ShardTailLimits = {
  waitMs: 500,
  maxRecords: 10_000,
  maxBytes: 1024 * 1024,
  queuedBatches: 16,
}

/**
 * A log that answers an empty read at once instead of waiting (an in-memory one) would make a tail spin; after
 * such a read the tail pauses this long. Kafka waits `waitMs` itself, so the pause never applies there.
 */
const FAST_EMPTY_READ_PAUSE_MS = 20

/** The tails of this process, by partition. */
export class ShardTails {
  private readonly tails = new Map<string, ShardTail>()

  constructor(
    private readonly recordLog: RecordLog,
    private readonly limits: ShardTailLimits = DEFAULT_SHARD_TAIL_LIMITS,
  ) {}

  /** A reader of the partition from `fromOffset`; close it when done. */
  reader(topic: string, partition: number, fromOffset: number): ShardReader {
    return new ShardReader(this, { topic, partition }, fromOffset, this.limits)
  }

  /** How many tails are reading (one per partition that has readers at its end). */
  get runningTails(): number {
    return this.tails.size
  }

  /** A read of the reader's own, to catch up: it does not wait for records. */
  readOnce(partition: PartitionRef, fromOffset: number): Promise<ReadResult> {
    const { maxRecords, maxBytes } = this.limits
    return this.recordLog.read(partition.topic, partition.partition, fromOffset, {
      maxRecords,
      maxBytes,
      maxWaitMs: 0,
    })
  }

  /**
   * Adds the reader to its partition's tail when the tail is not past the reader's next offset. Without a tail,
   * one is started at the reader's offset only if the reader is at the end of the log (`atEnd`): a tail started
   * behind would re-read what readers at the end already have.
   */
  join(reader: ShardReader, atEnd: boolean): ShardTail | undefined {
    const key = keyOf(reader.partition)
    let tail = this.tails.get(key)
    if (tail === undefined) {
      if (!atEnd) return undefined
      tail = new ShardTail(this.recordLog, reader.partition, reader.nextFetchOffset, this.limits, () => {
        if (this.tails.get(key) === tail) this.tails.delete(key)
      })
      this.tails.set(key, tail)
      tail.add(reader)
      tail.start()
      return tail
    }
    if (tail.position > reader.nextFetchOffset) return undefined
    tail.add(reader)
    return tail
  }
}

export interface PartitionRef {
  readonly topic: string
  readonly partition: number
}

/** One upstream long-poll of a partition, shared by the readers at its end. */
export class ShardTail {
  private readonly readers = new Set<ShardReader>()
  private stopped = false

  constructor(
    private readonly recordLog: RecordLog,
    private readonly partition: PartitionRef,
    /** The offset the next upstream read starts at. */
    public position: number,
    private readonly limits: ShardTailLimits,
    private readonly onStop: () => void,
  ) {}

  add(reader: ShardReader): void {
    this.readers.add(reader)
  }

  remove(reader: ShardReader): void {
    this.readers.delete(reader)
    if (this.readers.size === 0) this.stop()
  }

  start(): void {
    void this.run()
  }

  private async run(): Promise<void> {
    const { topic, partition } = this.partition
    const { maxRecords, maxBytes, waitMs } = this.limits
    while (!this.stopped) {
      const startedAt = performance.now()
      let result: ReadResult
      try {
        result = await this.recordLog.read(topic, partition, this.position, {
          maxRecords,
          maxBytes,
          maxWaitMs: waitMs,
        })
      } catch (error) {
        this.fail(error)
        return
      }
      if (this.hasStopped()) return
      const records = result.records.filter((record) => record.offset >= this.position)
      const last = records.at(-1)
      if (last === undefined) {
        this.position = Math.max(this.position, result.logStartOffset)
        if (performance.now() - startedAt < FAST_EMPTY_READ_PAUSE_MS) await pause(FAST_EMPTY_READ_PAUSE_MS)
        continue
      }
      this.position = last.offset + 1
      const batch: ShardBatch = { records, highWatermark: result.highWatermark }
      for (const reader of [...this.readers]) {
        if (!reader.offer(batch)) this.remove(reader)
      }
    }
  }

  /** A method, so that it is read again after every await. */
  private hasStopped(): boolean {
    return this.stopped
  }

  private stop(): void {
    this.stopped = true
    this.onStop()
  }

  private fail(error: unknown): void {
    this.stop()
    for (const reader of this.readers) reader.fail(error)
    this.readers.clear()
  }
}

/** One subscriber's position in a partition; see the top of this file. */
export class ShardReader {
  private readonly queue: ShardBatch[] = []
  private tail: ShardTail | undefined
  /** The offset after the last record queued or handed out: where this reader's next batch must start. */
  private fetchFrom: number
  /** The offset after the last record handed out (where the subscriber is). */
  private handedOutUntil: number
  private failure: { error: unknown } | undefined
  private closed = false
  private wake: (() => void) | undefined

  constructor(
    private readonly tails: ShardTails,
    readonly partition: PartitionRef,
    fromOffset: number,
    private readonly limits: Pick<ShardTailLimits, 'queuedBatches' | 'maxRecords' | 'maxBytes'>,
  ) {
    this.fetchFrom = fromOffset
    this.handedOutUntil = fromOffset
  }

  /** The offset of the next record this reader hands out. */
  get position(): number {
    return this.handedOutUntil
  }

  get nextFetchOffset(): number {
    return this.fetchFrom
  }

  /** How many batches wait for the subscriber to take them (at most `queuedBatches`). */
  get queuedBatchCount(): number {
    return this.queue.length
  }

  /** Whether the reader is fed by its partition's tail (else it is catching up, or closed). */
  get isJoined(): boolean {
    return this.tail !== undefined
  }

  /**
   * The next records, as soon as there are any; undefined when none came within `timeoutMs`, or when `signal`
   * aborted or the reader was closed meanwhile. Rejects with the error of a failed read.
   */
  async next(timeoutMs: number, signal?: AbortSignal): Promise<ShardBatch | undefined> {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      if (this.closed || signal?.aborted === true) return undefined
      if (this.failure !== undefined) throw this.failure.error
      const queued = this.takeQueued()
      if (queued !== undefined) return this.handOut(queued)
      if (this.tail === undefined) {
        const caughtUp = await this.catchUp()
        if (caughtUp !== undefined) return this.handOut(caughtUp)
        if (!this.isJoined) continue
      }
      const remaining = deadline - performance.now()
      if (remaining <= 0) return undefined
      await this.waitForBatch(remaining, signal)
    }
  }

  /** Called by the tail; false when this reader cannot take the batch and must leave the tail. */
  offer(batch: ShardBatch): boolean {
    const first = batch.records[0]
    if (
      this.closed ||
      first === undefined ||
      this.queue.length >= this.limits.queuedBatches ||
      first.offset > this.fetchFrom
    ) {
      this.tail = undefined
      return false
    }
    const records =
      first.offset === this.fetchFrom
        ? batch.records
        : batch.records.filter((record) => record.offset >= this.fetchFrom)
    const last = records.at(-1)
    if (last !== undefined) {
      this.queue.push(records === batch.records ? batch : { records, highWatermark: batch.highWatermark })
      this.fetchFrom = last.offset + 1
      this.wake?.()
    }
    return true
  }

  /** Called by the tail when its read failed. */
  fail(error: unknown): void {
    this.tail = undefined
    this.failure = { error }
    this.wake?.()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.tail?.remove(this)
    this.tail = undefined
    this.queue.length = 0
    this.wake?.()
  }

  /** One read of its own; the batch it found, or undefined at the end of the log (then it tried to join). */
  private async catchUp(): Promise<ShardBatch | undefined> {
    const read = await this.tails.readOnce(this.partition, this.fetchFrom)
    if (this.closed) return undefined
    const records = read.records.filter((record) => record.offset >= this.fetchFrom)
    const last = records.at(-1)
    if (last === undefined) {
      // Records that retention removed are skipped.
      this.fetchFrom = Math.max(this.fetchFrom, read.logStartOffset)
      this.handedOutUntil = this.fetchFrom
      this.tail = this.tails.join(this, true)
      return undefined
    }
    this.fetchFrom = last.offset + 1
    this.tail = this.tails.join(this, this.fetchFrom >= read.highWatermark)
    return { records, highWatermark: read.highWatermark }
  }

  /**
   * The first queued batch, joined with those after it up to the read limits: a subscriber that fell behind gets
   * fewer, larger events (each event costs a client a round of processing and often a checkpoint).
   */
  private takeQueued(): ShardBatch | undefined {
    const first = this.queue.shift()
    if (first === undefined || this.queue.length === 0) return first
    const records = [...first.records]
    let bytes = batchBytes(first.records)
    let highWatermark = first.highWatermark
    for (let next = this.queue[0]; next !== undefined; next = this.queue[0]) {
      const nextBytes = batchBytes(next.records)
      if (
        records.length + next.records.length > this.limits.maxRecords ||
        bytes + nextBytes > this.limits.maxBytes
      ) {
        break
      }
      this.queue.shift()
      records.push(...next.records)
      bytes += nextBytes
      highWatermark = next.highWatermark
    }
    return { records, highWatermark }
  }

  private handOut(batch: ShardBatch): ShardBatch {
    const last = batch.records.at(-1)
    if (last !== undefined) this.handedOutUntil = last.offset + 1
    return batch
  }

  private waitForBatch(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        this.wake = undefined
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      signal?.addEventListener('abort', done)
      this.wake = done
    })
  }
}

function batchBytes(records: readonly StoredRecord[]): number {
  let bytes = 0
  for (const record of records) bytes += (record.key?.length ?? 0) + (record.value?.length ?? 0)
  return bytes
}

function keyOf(partition: PartitionRef): string {
  return `${partition.topic}\u0000${String(partition.partition)}`
}

function pause(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis))
}
