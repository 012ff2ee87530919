import { setTimeout as delay } from 'node:timers/promises'

import kafkajs, { type Admin, type Kafka } from 'kafkajs'

import { RecordLogUnavailableError, TopicNotFoundError } from '../../ports/record-log.ts'
import { isStaleMetadata, isUnknownTopic, unavailable, unavailableOnFailure } from './kafka-errors.ts'
import { createWithCluster, narrowTargetTopics, type InternalCluster } from './kafkajs-cluster.ts'
import {
  PARTITION_SERVED_TIMEOUT_MS,
  SETTLING_RETRY_FIRST_MS,
  SETTLING_RETRY_MAX_MS,
} from './partition-settling.ts'

/**
 * The record log's administration on a kafkajs admin client: topics, partitions, topic configs and offset
 * lookups. Its callers connect it first (KafkaRecordLog connects it together with the producer).
 */
export class TopicAdmin {
  private readonly admin: Admin
  private readonly adminCluster: InternalCluster

  constructor(kafka: Kafka) {
    const admin = createWithCluster(kafka, (owner) => owner.admin())
    this.admin = admin.client
    this.adminCluster = admin.cluster
  }

  connect(): Promise<void> {
    return this.admin.connect()
  }

  close(): Promise<void> {
    return this.admin.disconnect()
  }

  async createTopic(
    topic: string,
    partitions: number,
    config: Readonly<Record<string, string>>,
  ): Promise<void> {
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

  /** Deletes `topic` if it exists, and resolves with the topics of the cluster that remain. */
  async deleteTopic(topic: string): Promise<ReadonlySet<string>> {
    // Deleting a topic that is gone already would spend kafkajs's whole retry budget on "unknown topic".
    const existing = await this.existingTopics()
    if (existing.has(topic)) {
      try {
        await this.admin.deleteTopics({ topics: [topic] })
      } catch (error) {
        if (!isUnknownTopic(error)) throw unavailable(error)
      }
    }
    return new Set([...existing].filter((name) => name !== topic))
  }

  async addPartitions(topic: string, totalPartitions: number): Promise<void> {
    await this.forgetAdminTopics()
    await unavailableOnFailure(() =>
      this.admin.createPartitions({ topicPartitions: [{ topic, count: totalPartitions }] }),
    )
    await this.untilServed(topic, totalPartitions)
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

  /** The earliest (`low`) and next (`high`) offsets of every partition of a topic. */
  async topicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]> {
    try {
      return await this.admin.fetchTopicOffsets(topic)
    } catch (error) {
      if (isUnknownTopic(error)) throw new TopicNotFoundError(topic)
      throw unavailable(error)
    }
  }

  /** The offset of the partition's first record at or after `timestampMs`, as Kafka answers it: -1 for none. */
  async offsetForTimestamp(topic: string, partition: number, timestampMs: number): Promise<number> {
    const offsets = await unavailableOnFailure(() =>
      this.admin.fetchTopicOffsetsByTimestamp(topic, timestampMs),
    )
    const entry = offsets.find((candidate) => candidate.partition === partition)
    if (entry === undefined) throw new TopicNotFoundError(`${topic}/${partition}`)
    return Number(entry.offset)
  }

  async ping(): Promise<void> {
    await unavailableOnFailure(() => this.admin.describeCluster())
  }

  /** Every topic of the cluster, asked with no topic of interest (which a deleted one would fail). */
  async existingTopics(): Promise<ReadonlySet<string>> {
    await this.forgetAdminTopics()
    return new Set(await unavailableOnFailure(() => this.admin.listTopics()))
  }

  /**
   * Topic administration is rare; starting it from an empty topic set keeps a topic deleted elsewhere from
   * failing the metadata refresh kafkajs makes afterwards.
   */
  private async forgetAdminTopics(): Promise<void> {
    await narrowTargetTopics(this.adminCluster, [])
  }
}
