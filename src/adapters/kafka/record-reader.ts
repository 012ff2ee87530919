import { setTimeout as delay } from 'node:timers/promises'

import type { Kafka } from 'kafkajs'

import {
  TopicNotFoundError,
  type OffsetRange,
  type ReadLimits,
  type ReadResult,
  type StoredRecord,
} from '../../ports/record-log.ts'
import { isOffsetOutOfRange, isStaleMetadata, isUnknownTopic, unavailable } from './kafka-errors.ts'
import { PartitionReader } from './partition-reader.ts'
import {
  PARTITION_SETTLING_BUDGET_MS,
  SETTLING_RETRY_FIRST_MS,
  SETTLING_RETRY_MAX_MS,
} from './partition-settling.ts'
import type { FetchedMessage } from './protocol/fetch-response.ts'

/** Connections for reads that do not wait. */
const READ_CONNECTIONS = 4

/** How long a partition's connection for waiting reads stays open without being used. */
const WAITING_READER_IDLE_MS = 60_000

interface WaitingReader {
  reader: PartitionReader
  /** Reads in flight on it. */
  busy: number
  lastUsedAt: number
}

/**
 * The record log's reads, without consumer groups: each read goes to a partition reader (shared by reads that
 * do not wait, one per partition for reads that wait), retries a partition that is not served yet or whose
 * leader moved, and reads on from the log start when retention removed the records asked for.
 */
export class RecordReader {
  /**
   * Reads that do not wait (GetRecords) share a few connections, by partition: a broker answers one connection's
   * requests one after the other, so reads of different partitions over one connection would queue.
   */
  private readonly readers: readonly PartitionReader[]
  /**
   * Reads that wait for records (SubscribeToShard's long polls) get a connection of their own per partition: a
   * broker serves the requests of one connection one at a time, so a waiting fetch would hold back every read
   * sharing its connection, and waiting fetches of several partitions would wait one after the other.
   */
  private readonly waitingReaders = new Map<string, WaitingReader>()

  constructor(
    private readonly kafka: Kafka,
    /** The partition's offsets, asked when a read falls outside them. */
    private readonly offsetRange: (topic: string, partition: number) => Promise<OffsetRange>,
  ) {
    this.readers = Array.from({ length: READ_CONNECTIONS }, () => new PartitionReader(kafka))
  }

  /** One read; KafkaRecordLog tries it once more when a topic deleted elsewhere failed it. */
  async read(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<ReadResult> {
    const waiting = limits.maxWaitMs > 0 ? this.waitingReaderFor(topic, partition) : undefined
    try {
      const reader = waiting?.reader ?? this.readerFor(topic, partition)
      return await this.fetchRecords(reader, topic, partition, fromOffset, limits)
    } finally {
      if (waiting !== undefined) {
        waiting.busy -= 1
        waiting.lastUsedAt = performance.now()
      }
    }
  }

  private async fetchRecords(
    reader: PartitionReader,
    topic: string,
    partition: number,
    fromOffset: number,
    limits: ReadLimits,
  ): Promise<ReadResult> {
    let offset = fromOffset
    const startedAt = performance.now()
    for (let attempt = 0; ; attempt++) {
      try {
        const fetched = await reader.fetch(topic, partition, offset, limits)
        return {
          records: toStoredRecords(fetched.messages, offset, limits.maxRecords),
          highWatermark: fetched.highWatermark,
          logStartOffset: fetched.logStartOffset,
        }
      } catch (error) {
        if (isOffsetOutOfRange(error)) {
          const range = await this.offsetRange(topic, partition)
          // Records below the log start were removed by retention: read on from the oldest one retained.
          if (offset < range.earliest && attempt === 0) {
            offset = range.earliest
            continue
          }
          return { records: [], highWatermark: range.latest, logStartOffset: range.earliest }
        }
        const settling = isUnknownTopic(error) || isStaleMetadata(error)
        if (settling && performance.now() - startedAt < PARTITION_SETTLING_BUDGET_MS) {
          await delay(Math.min(SETTLING_RETRY_MAX_MS, SETTLING_RETRY_FIRST_MS * 2 ** attempt))
          await reader.refresh().catch(() => undefined)
          continue
        }
        if (isUnknownTopic(error)) throw new TopicNotFoundError(topic)
        throw unavailable(error)
      }
    }
  }

  /** Refreshes the metadata of the shared readers, e.g. after a topic gained partitions. */
  async refresh(): Promise<void> {
    await Promise.all(this.readers.map((reader) => reader.refresh()))
  }

  /** Forgets the topics that no longer exist (`exists` says which do). */
  async forgetDeletedTopics(exists: (topic: string) => boolean): Promise<void> {
    await Promise.all([
      ...this.readers.map((reader) => reader.forgetDeletedTopics(exists)),
      ...[...this.waitingReaders.values()].map((entry) => entry.reader.forgetDeletedTopics(exists)),
    ])
  }

  /** Closes every reader; never rejects. */
  async close(): Promise<void> {
    const waiting = [...this.waitingReaders.values()].map((entry) => entry.reader.close())
    this.waitingReaders.clear()
    await Promise.allSettled([...this.readers.map((reader) => reader.close()), ...waiting])
  }

  /** Consecutive partitions of a topic read over different connections. */
  private readerFor(topic: string, partition: number): PartitionReader {
    let topicHash = 0
    for (let i = 0; i < topic.length; i++) topicHash = (topicHash * 31 + topic.charCodeAt(i)) >>> 0
    return this.readers[(topicHash + partition) % this.readers.length] as PartitionReader
  }

  /** The partition's reader for waiting reads; readers idle for a while are closed on the way. */
  private waitingReaderFor(topic: string, partition: number): WaitingReader {
    const now = performance.now()
    for (const [key, entry] of this.waitingReaders) {
      if (entry.busy === 0 && now - entry.lastUsedAt > WAITING_READER_IDLE_MS) {
        this.waitingReaders.delete(key)
        void entry.reader.close().catch(() => undefined)
      }
    }
    const key = `${topic}\u0000${String(partition)}`
    let entry = this.waitingReaders.get(key)
    if (entry === undefined) {
      entry = { reader: new PartitionReader(this.kafka), busy: 0, lastUsedAt: now }
      this.waitingReaders.set(key, entry)
    }
    entry.busy += 1
    return entry
  }
}

/** Record batches may start before the requested offset; those records and any past the limit are dropped. */
function toStoredRecords(
  messages: readonly FetchedMessage[],
  fromOffset: number,
  maxRecords: number,
): StoredRecord[] {
  let first = 0
  while (first < messages.length && (messages[first] as FetchedMessage).offset < fromOffset) first++
  return messages.slice(first, first + maxRecords)
}
