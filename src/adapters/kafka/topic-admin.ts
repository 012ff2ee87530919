import { setTimeout as delay } from 'node:timers/promises'

import kafkajs, { type Admin, type Kafka } from 'kafkajs'

import { RecordLogUnavailableError, TopicNotFoundError } from '../../ports/record-log.ts'
import { isStaleMetadata, isUnknownTopic, unavailable, unavailableOnFailure } from './kafka-errors.ts'
import { createWithCluster, narrowTargetTopics, type InternalCluster } from './kafkajs-cluster.ts'
import {
  PARTITION_SERVED_TIMEOUT_MS,
  PARTITION_SETTLING_BUDGET_MS,
  SETTLING_RETRY_FIRST_MS,
  SETTLING_RETRY_MAX_MS,
} from './partition-settling.ts'

/** How long the controller may take over a topic creation or deletion before it answers. */
const TOPIC_REQUEST_TIMEOUT_MS = 10_000

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

  /**
   * Creates the topic, or accepts it when it exists (growing it to `partitions` if it has fewer, and giving it
   * `config`), and waits,
   * within PARTITION_SERVED_TIMEOUT_MS, until every partition is served. kafkajs's own wait for leaders is not
   * used: on a busy broker it gives up with "This server does not host this topic-partition" while the topic
   * is still being created.
   */
  async createTopic(
    topic: string,
    partitions: number,
    config: Readonly<Record<string, string>>,
  ): Promise<void> {
    await this.forgetAdminTopics()
    let created: boolean
    try {
      created = await this.admin.createTopics({
        waitForLeaders: false,
        timeout: TOPIC_REQUEST_TIMEOUT_MS,
        topics: [
          {
            topic,
            numPartitions: partitions,
            replicationFactor: -1,
            configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
          },
        ],
      })
    } catch (error) {
      // A request that timed out may still have created the topic; the wait below settles whether it did.
      if (!(await this.existingTopics()).has(topic)) throw unavailable(error)
      created = false
    }
    if (!created) {
      // Left by an earlier attempt, perhaps of another size or with other settings: made what was asked.
      await this.growTo(topic, partitions)
      await this.setTopicConfig(topic, config)
    }
    await this.untilServed(topic, partitions)
  }

  /** Adds partitions to an existing topic that has fewer than `partitions` (an earlier, smaller creation). */
  private async growTo(topic: string, partitions: number): Promise<void> {
    const counts = await this.admin.fetchTopicMetadata({ topics: [topic] }).then(
      (metadata) => metadata.topics.map((entry) => entry.partitions.length),
      () => [],
    )
    const existing = counts[0]
    if (existing === undefined || existing >= partitions) return
    await unavailableOnFailure(() =>
      this.admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] }),
    )
  }

  /**
   * Deletes `topic` if it exists, waits until the cluster no longer lists it, and resolves with the topics of
   * the cluster that remain.
   */
  async deleteTopic(topic: string): Promise<ReadonlySet<string>> {
    // Deleting a topic that is gone already would spend kafkajs's whole retry budget on "unknown topic".
    let existing = await this.existingTopics()
    if (!existing.has(topic)) return existing
    try {
      await this.admin.deleteTopics({ topics: [topic], timeout: TOPIC_REQUEST_TIMEOUT_MS })
    } catch (error) {
      if (!isUnknownTopic(error)) throw unavailable(error)
    }
    const startedAt = performance.now()
    for (let attempt = 0; ; attempt++) {
      existing = await this.existingTopics()
      if (!existing.has(topic)) return existing
      if (performance.now() - startedAt > PARTITION_SERVED_TIMEOUT_MS) {
        throw new RecordLogUnavailableError(`Kafka did not complete the deletion of ${topic} in time`)
      }
      await delay(Math.min(SETTLING_RETRY_MAX_MS, SETTLING_RETRY_FIRST_MS * 2 ** attempt))
    }
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
    const deadline = Date.now() + PARTITION_SETTLING_BUDGET_MS
    let wait = SETTLING_RETRY_FIRST_MS
    for (;;) {
      try {
        return await this.admin.fetchTopicOffsets(topic)
      } catch (error) {
        if (isUnknownTopic(error)) throw new TopicNotFoundError(topic)
        // kafkajs fails with a TypeError when its metadata knows the topic but none of its partitions yet (a
        // topic just created, read on a busy broker): ask again with fresh metadata for a moment.
        if (!(error instanceof TypeError) || Date.now() + wait > deadline) throw unavailable(error)
        await delay(wait)
        wait = Math.min(wait * 2, SETTLING_RETRY_MAX_MS)
        await this.adminCluster.refreshMetadata().catch(() => undefined)
      }
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
