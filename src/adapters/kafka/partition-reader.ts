import type { Kafka } from 'kafkajs'

import { createInternalCluster, dropTargetTopics, type InternalCluster } from './kafkajs-cluster.ts'
import type { FetchedPartition } from './protocol/fetch-response.ts'
import { decodeFetchesInOnePass } from './protocol/kafkajs-transport.ts'

const READ_COMMITTED = 1

/** Typed as Kafka's LEADER_NOT_AVAILABLE, which is what it means to callers: ask again after a refresh. */
export class NoLeaderKnownError extends Error {
  readonly type = 'LEADER_NOT_AVAILABLE'
}

/**
 * Reads one partition from a given offset, without a consumer group: kafkajs offers fetching only through
 * group consumers, but GetRecords needs "partition P from offset O", which is its broker-level Fetch.
 */
export class PartitionReader {
  private readonly cluster: InternalCluster
  private connected: Promise<void> | undefined
  private readonly knownTopics = new Set<string>()

  constructor(kafka: Kafka) {
    this.cluster = createInternalCluster(kafka)
    decodeFetchesInOnePass(this.cluster)
  }

  async fetch(
    topic: string,
    partition: number,
    fromOffset: number,
    limits: { maxBytes: number; maxWaitMs: number },
  ): Promise<FetchedPartition> {
    await this.ensureTopic(topic)
    const leaders = this.cluster.findLeaderForPartitions(topic, [partition])
    const nodeId = Object.keys(leaders)[0]
    if (nodeId === undefined) {
      await this.refresh()
      throw new NoLeaderKnownError(`no leader known for ${topic}/${partition}`)
    }
    const broker = await this.cluster.findBroker({ nodeId })
    const response = await broker.fetch({
      isolationLevel: READ_COMMITTED,
      maxWaitTime: limits.maxWaitMs,
      minBytes: 1,
      maxBytes: limits.maxBytes,
      topics: [
        { topic, partitions: [{ partition, fetchOffset: String(fromOffset), maxBytes: limits.maxBytes }] },
      ],
    })
    const fetched = response.responses[0]?.partitions.find((candidate) => candidate.partition === partition)
    if (fetched === undefined) throw new Error(`the broker returned no data for ${topic}/${partition}`)
    return fetched
  }

  /** Forgets cached metadata, e.g. after a topic gained partitions or changed leader. */
  async refresh(): Promise<void> {
    await this.cluster.refreshMetadata()
  }

  /** Forgets the topics that no longer exist (`exists` says which do). */
  async forgetDeletedTopics(exists: (topic: string) => boolean): Promise<void> {
    for (const topic of [...this.knownTopics]) if (!exists(topic)) this.knownTopics.delete(topic)
    await dropTargetTopics(this.cluster, exists)
  }

  /** One attempt at a time; a failed one is forgotten, so that the next read tries again (Kafka came back). */
  private connect(): Promise<void> {
    this.connected ??= this.cluster.connect().catch((error: unknown) => {
      this.connected = undefined
      throw error
    })
    return this.connected
  }

  async close(): Promise<void> {
    if (this.connected !== undefined) await this.cluster.disconnect()
    this.connected = undefined
  }

  private async ensureTopic(topic: string): Promise<void> {
    await this.connect()
    if (this.knownTopics.has(topic)) return
    await this.cluster.addTargetTopic(topic)
    this.knownTopics.add(topic)
  }
}
