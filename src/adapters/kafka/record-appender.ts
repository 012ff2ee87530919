import type { Kafka } from 'kafkajs'

import { TopicNotFoundError, type AppendedRecord, type RecordToAppend } from '../../ports/record-log.ts'
import { AppendBatcher } from './append-batcher.ts'
import { IdempotentProducer } from './idempotent-producer.ts'
import { isUnknownTopic, unavailable } from './kafka-errors.ts'
import { createInternalCluster, dropTargetTopics, type InternalCluster } from './kafkajs-cluster.ts'

const MAX_PRODUCE_BATCH_BYTES = 8 * 1024 * 1024

/**
 * The record log's appends: through one idempotent producer, concurrent appends batched into one produce
 * request at a time. Its caller connects it first (KafkaRecordLog connects it together with the admin).
 */
export class RecordAppender {
  private readonly producer: IdempotentProducer
  private readonly producerCluster: InternalCluster
  private readonly batcher: AppendBatcher

  constructor(kafka: Kafka) {
    this.producerCluster = createInternalCluster(kafka)
    // Bounded, so that an unreachable cluster fails the request instead of holding it forever.
    this.producer = new IdempotentProducer(this.producerCluster, {
      retries: 6,
      initialDelayMs: 100,
      maxDelayMs: 2_000,
    })
    this.batcher = new AppendBatcher(this.producer, MAX_PRODUCE_BATCH_BYTES)
  }

  connect(): Promise<void> {
    return this.producerCluster.connect()
  }

  close(): Promise<void> {
    return this.producerCluster.disconnect()
  }

  async append(topic: string, records: readonly RecordToAppend[]): Promise<AppendedRecord[]> {
    try {
      return await this.batcher.append(topic, records)
    } catch (error) {
      if (isUnknownTopic(error)) throw new TopicNotFoundError(topic, { cause: error })
      throw unavailable(error)
    }
  }

  /** Forgets the topics that no longer exist (`exists` says which do). */
  forgetDeletedTopics(exists: (topic: string) => boolean): Promise<void> {
    this.producer.forgetTopics(exists)
    return dropTargetTopics(this.producerCluster, exists)
  }
}
