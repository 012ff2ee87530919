import { setTimeout as delay } from 'node:timers/promises'

import kafkajs, { type Admin, type Kafka } from 'kafkajs'

import {
  RecordLogUnavailableError,
  TopicNotFoundError,
  type AppendedRecord,
  type OffsetRange,
  type ReadLimits,
  type ReadResult,
  type RecordLog,
  type RecordToAppend,
  type StoredRecord,
} from '../../ports/record-log.ts'
import { AppendBatcher } from './append-batcher.ts'
import { IdempotentProducer } from './idempotent-producer.ts'
import { kafkaErrorType } from './kafka-errors.ts'
import {
  createInternalCluster,
  createWithCluster,
  dropTargetTopics,
  narrowTargetTopics,
  type InternalCluster,
} from './kafkajs-cluster.ts'
import type { FetchedMessage } from './protocol/fetch-response.ts'
import { PartitionReader } from './partition-reader.ts'

const MAX_PRODUCE_BATCH_BYTES = 8 * 1024 * 1024

/** Connections for reads that do not wait. */
const READ_CONNECTIONS = 4

/** How long a partition's connection for waiting reads stays open without being used. */
const WAITING_READER_IDLE_MS = 60_000

/**
 * How long a read retries a partition that its broker does not serve yet, or whose leader is unknown: a topic
 * just created (or a leader just moved) takes a moment to be served everywhere, and a busy broker takes longer.
 */
const PARTITION_SETTLING_BUDGET_MS = 2_000
/** How long creating a topic, or adding partitions, waits for the broker to serve them. */
const PARTITION_SERVED_TIMEOUT_MS = 30_000
const SETTLING_RETRY_FIRST_MS = 25
const SETTLING_RETRY_MAX_MS = 400

interface WaitingReader {
  reader: PartitionReader
  /** Reads in flight on it. */
  busy: number
  lastUsedAt: number
}

/** The RecordLog on a Kafka cluster: appends through one idempotent producer, reads without consumer groups. */
export class KafkaRecordLog implements RecordLog {
  private readonly admin: Admin
  private readonly adminCluster: InternalCluster
  private readonly producer: IdempotentProducer
  private readonly producerCluster: InternalCluster
  private readonly batcher: AppendBatcher
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
  private connecting: Promise<void> | undefined

  constructor(private readonly kafka: Kafka) {
    const admin = createWithCluster(kafka, (owner) => owner.admin())
    this.admin = admin.client
    this.adminCluster = admin.cluster
    this.producerCluster = createInternalCluster(kafka)
    // Bounded, so that an unreachable cluster fails the request instead of holding it forever.
    this.producer = new IdempotentProducer(this.producerCluster, {
      retries: 6,
      initialDelayMs: 100,
      maxDelayMs: 2_000,
    })
    this.batcher = new AppendBatcher(this.producer, MAX_PRODUCE_BATCH_BYTES)
    this.readers = Array.from({ length: READ_CONNECTIONS }, () => new PartitionReader(kafka))
  }

  async createTopic(
    topic: string,
    partitions: number,
    config: Readonly<Record<string, string>>,
  ): Promise<void> {
    await this.connect()
    await this.forgetAdminTopics()
    await unavailableOnFailure(() =>
      this.admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: partitions,
            replicationFactor: -1,
            configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
          },
        ],
      }),
    )
    await this.untilServed(topic, partitions)
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.connect()
    // Deleting a topic that is gone already would spend kafkajs's whole retry budget on "unknown topic".
    const existing = await this.existingTopics()
    if (existing.has(topic)) {
      try {
        await this.admin.deleteTopics({ topics: [topic] })
      } catch (error) {
        if (!isUnknownTopic(error)) throw unavailable(error)
      }
    }
    await this.forgetDeletedTopics(new Set([...existing].filter((name) => name !== topic)))
  }

  async addPartitions(topic: string, totalPartitions: number): Promise<void> {
    await this.connect()
    await this.forgetAdminTopics()
    await unavailableOnFailure(() =>
      this.admin.createPartitions({ topicPartitions: [{ topic, count: totalPartitions }] }),
    )
    await this.untilServed(topic, totalPartitions)
    await Promise.all(this.readers.map((reader) => reader.refresh()))
  }

  /**
   * Waits until the broker answers for every partition of a topic just created or grown: Kafka acknowledges the
   * change before its brokers serve the new partitions, and a busy broker can take seconds more.
   */
  private async untilServed(topic: string, partitions: number): Promise<void> {
    const startedAt = performance.now()
    for (let attempt = 0; ; attempt++) {
      try {
        const offsets = await this.admin.fetchTopicOffsets(topic)
        if (offsets.length >= partitions) return
      } catch (error) {
        if (!isUnknownTopic(error) && !isStaleMetadata(error)) throw unavailable(error)
      }
      if (performance.now() - startedAt > PARTITION_SERVED_TIMEOUT_MS) {
        throw new RecordLogUnavailableError(`Kafka did not serve the partitions of ${topic} in time`)
      }
      await delay(Math.min(SETTLING_RETRY_MAX_MS, SETTLING_RETRY_FIRST_MS * 2 ** attempt))
    }
  }

  async setTopicConfig(topic: string, config: Readonly<Record<string, string>>): Promise<void> {
    await this.connect()
    await this.forgetAdminTopics()
    await unavailableOnFailure(() =>
      this.admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: kafkajs.ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
          },
        ],
      }),
    )
  }

  async append(topic: string, records: readonly RecordToAppend[]): Promise<AppendedRecord[]> {
    await this.connect()
    return this.retryingStaleTopics(topic, async () => {
      try {
        return await this.batcher.append(topic, records)
      } catch (error) {
        if (isUnknownTopic(error)) throw new TopicNotFoundError(topic, { cause: error })
        throw unavailable(error)
      }
    })
  }

  read(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<ReadResult> {
    return this.retryingStaleTopics(topic, () => this.readOnce(topic, partition, fromOffset, limits))
  }

  private async readOnce(
    topic: string,
    partition: number,
    fromOffset: number,
    limits: ReadLimits,
  ): Promise<ReadResult> {
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

  async offsetRange(topic: string, partition: number): Promise<OffsetRange> {
    await this.connect()
    const offsets = await this.retryingStaleTopics(topic, () => this.topicOffsets(topic))
    const entry = offsets.find((candidate) => candidate.partition === partition)
    if (entry === undefined) throw new TopicNotFoundError(`${topic}/${partition}`)
    return { earliest: Number(entry.low), latest: Number(entry.high) }
  }

  async offsetForTimestamp(topic: string, partition: number, timestampMs: number): Promise<number> {
    await this.connect()
    const offsets = await unavailableOnFailure(() =>
      this.admin.fetchTopicOffsetsByTimestamp(topic, timestampMs),
    )
    const entry = offsets.find((candidate) => candidate.partition === partition)
    if (entry === undefined) throw new TopicNotFoundError(`${topic}/${partition}`)
    const offset = Number(entry.offset)
    // Kafka answers -1 when no record is that recent: the position is the end of the log.
    return offset >= 0 ? offset : (await this.offsetRange(topic, partition)).latest
  }

  async ping(): Promise<void> {
    await this.connect()
    await unavailableOnFailure(() => this.admin.describeCluster())
  }

  async close(): Promise<void> {
    const waiting = [...this.waitingReaders.values()].map((entry) => entry.reader.close())
    this.waitingReaders.clear()
    await Promise.allSettled([
      this.producerCluster.disconnect(),
      this.admin.disconnect(),
      ...this.readers.map((reader) => reader.close()),
      ...waiting,
    ])
    this.connecting = undefined
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

  /**
   * A topic deleted elsewhere (by another gateway replica, or a Kafka tool) fails kafkajs's metadata refreshes
   * for every topic each client asked about. On "unknown topic", every client forgets the topics that no longer
   * exist, and the action is tried once more if its own topic still does. Clients keep the topics that exist, so
   * that the deletion of one stream never makes a produce for another refresh its metadata from scratch.
   */
  private async retryingStaleTopics<T>(topic: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action()
    } catch (error) {
      if (!(error instanceof TopicNotFoundError)) throw error
      const existing = await this.existingTopics()
      await this.forgetDeletedTopics(existing)
      if (!existing.has(topic)) throw error
      return action()
    }
  }

  /** Every topic of the cluster, asked with no topic of interest (which a deleted one would fail). */
  private async existingTopics(): Promise<ReadonlySet<string>> {
    await this.forgetAdminTopics()
    return new Set(await unavailableOnFailure(() => this.admin.listTopics()))
  }

  private async forgetDeletedTopics(existing: ReadonlySet<string>): Promise<void> {
    const exists = (topic: string): boolean => existing.has(topic)
    this.producer.forgetTopics(exists)
    await Promise.all([
      ...this.readers.map((reader) => reader.forgetDeletedTopics(exists)),
      ...[...this.waitingReaders.values()].map((entry) => entry.reader.forgetDeletedTopics(exists)),
      dropTargetTopics(this.producerCluster, exists),
    ])
  }

  /**
   * Topic administration is rare; starting it from an empty topic set keeps a topic deleted elsewhere from
   * failing the metadata refresh kafkajs makes afterwards.
   */
  private async forgetAdminTopics(): Promise<void> {
    await narrowTargetTopics(this.adminCluster, [])
  }

  private connect(): Promise<void> {
    this.connecting ??= Promise.all([this.admin.connect(), this.producerCluster.connect()]).then(
      () => undefined,
      (error: unknown) => {
        this.connecting = undefined
        throw unavailable(error)
      },
    )
    return this.connecting
  }

  private async topicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]> {
    try {
      return await this.admin.fetchTopicOffsets(topic)
    } catch (error) {
      if (isUnknownTopic(error)) throw new TopicNotFoundError(topic)
      throw unavailable(error)
    }
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

async function unavailableOnFailure<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (error) {
    throw unavailable(error)
  }
}

function unavailable(error: unknown): Error {
  if (error instanceof RecordLogUnavailableError || error instanceof TopicNotFoundError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new RecordLogUnavailableError(`Kafka did not complete the request: ${message}`, { cause: error })
}

function isOffsetOutOfRange(error: unknown): boolean {
  return kafkaErrorType(error) === 'OFFSET_OUT_OF_RANGE'
}

function isUnknownTopic(error: unknown): boolean {
  return kafkaErrorType(error) === 'UNKNOWN_TOPIC_OR_PARTITION'
}

function isStaleMetadata(error: unknown): boolean {
  const type = kafkaErrorType(error)
  return (
    type === 'NOT_LEADER_FOR_PARTITION' || type === 'LEADER_NOT_AVAILABLE' || type === 'UNKNOWN_LEADER_EPOCH'
  )
}
