import type { Kafka } from 'kafkajs'

import {
  TopicNotFoundError,
  type AppendedRecord,
  type OffsetRange,
  type ReadLimits,
  type ReadResult,
  type RecordLog,
  type RecordToAppend,
} from '../../ports/record-log.ts'
import { unavailable } from './kafka-errors.ts'
import { RecordAppender } from './record-appender.ts'
import { RecordReader } from './record-reader.ts'
import { TopicAdmin } from './topic-admin.ts'

/**
 * The RecordLog on a Kafka cluster: appends through one idempotent producer, reads without consumer groups.
 * Administration (TopicAdmin), appends (RecordAppender) and reads (RecordReader) are composed here, with what
 * spans them: connecting, and recovering from topics deleted elsewhere.
 */
export class KafkaRecordLog implements RecordLog {
  private readonly admin: TopicAdmin
  private readonly appender: RecordAppender
  private readonly reader: RecordReader
  private connecting: Promise<void> | undefined

  constructor(kafka: Kafka) {
    this.admin = new TopicAdmin(kafka)
    this.appender = new RecordAppender(kafka)
    this.reader = new RecordReader(kafka, (topic, partition) => this.offsetRange(topic, partition))
  }

  async createTopic(
    topic: string,
    partitions: number,
    config: Readonly<Record<string, string>>,
  ): Promise<void> {
    await this.connect()
    await this.admin.createTopic(topic, partitions, config)
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.connect()
    await this.forgetDeletedTopics(await this.admin.deleteTopic(topic))
  }

  async topicExists(topic: string): Promise<boolean> {
    await this.connect()
    return (await this.admin.existingTopics()).has(topic)
  }

  async addPartitions(topic: string, totalPartitions: number): Promise<void> {
    await this.connect()
    await this.admin.addPartitions(topic, totalPartitions)
    await this.reader.refresh()
  }

  async setTopicConfig(topic: string, config: Readonly<Record<string, string>>): Promise<void> {
    await this.connect()
    await this.admin.setTopicConfig(topic, config)
  }

  async append(topic: string, records: readonly RecordToAppend[]): Promise<AppendedRecord[]> {
    await this.connect()
    return this.retryingStaleTopics(topic, () => this.appender.append(topic, records))
  }

  read(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<ReadResult> {
    return this.retryingStaleTopics(topic, () => this.reader.read(topic, partition, fromOffset, limits))
  }

  async offsetRange(topic: string, partition: number): Promise<OffsetRange> {
    await this.connect()
    const offsets = await this.retryingStaleTopics(topic, () => this.admin.topicOffsets(topic))
    const entry = offsets.find((candidate) => candidate.partition === partition)
    if (entry === undefined) throw new TopicNotFoundError(`${topic}/${partition}`)
    return { earliest: Number(entry.low), latest: Number(entry.high) }
  }

  async offsetForTimestamp(topic: string, partition: number, timestampMs: number): Promise<number> {
    await this.connect()
    const offset = await this.admin.offsetForTimestamp(topic, partition, timestampMs)
    // Kafka answers -1 when no record is that recent: the position is the end of the log.
    return offset >= 0 ? offset : (await this.offsetRange(topic, partition)).latest
  }

  async ping(): Promise<void> {
    await this.connect()
    await this.admin.ping()
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.appender.close(), this.admin.close(), this.reader.close()])
    this.connecting = undefined
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
      const existing = await this.admin.existingTopics()
      await this.forgetDeletedTopics(existing)
      if (!existing.has(topic)) throw error
      return action()
    }
  }

  private async forgetDeletedTopics(existing: ReadonlySet<string>): Promise<void> {
    const exists = (topic: string): boolean => existing.has(topic)
    await Promise.all([this.appender.forgetDeletedTopics(exists), this.reader.forgetDeletedTopics(exists)])
  }

  private connect(): Promise<void> {
    this.connecting ??= Promise.all([this.admin.connect(), this.appender.connect()]).then(
      () => undefined,
      (error: unknown) => {
        this.connecting = undefined
        throw unavailable(error)
      },
    )
    return this.connecting
  }
}
