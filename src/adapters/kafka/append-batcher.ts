import type { Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs'

import type { AppendedRecord, RecordToAppend } from '../../ports/record-log.ts'
import type { InternalCluster } from './kafka-internals.ts'

/**
 * Turns concurrent appends into one produce request at a time.
 *
 * Appends that arrive while a produce is in flight wait and leave together in the next one. That keeps a
 * single request in flight, which the idempotent producer needs for its per-partition sequence numbers, and
 * it batches many small PutRecord calls into one round trip to the broker.
 */
export class AppendBatcher {
  private queue: PendingAppend[] = []
  private sending = false

  constructor(
    private readonly producer: Producer,
    private readonly producerCluster: InternalCluster,
    private readonly maxBatchBytes: number,
  ) {}

  append(topic: string, records: readonly RecordToAppend[]): Promise<AppendedRecord[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, records, bytes: sizeOf(records), resolve, reject })
      if (!this.sending) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.sending = true
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch()
        try {
          const topicMessages = toTopicMessages(batch)
          await this.refreshMetadataForNewPartitions(topicMessages)
          const metadata = await this.producer.sendBatch({ topicMessages, acks: -1 })
          settle(batch, metadata)
        } catch (error) {
          for (const pending of batch) pending.reject(error)
        }
      }
    } finally {
      this.sending = false
    }
  }

  /** A topic that gained partitions (resharding, possibly by another gateway) is unknown to the producer yet. */
  private async refreshMetadataForNewPartitions(topicMessages: readonly TopicMessages[]): Promise<void> {
    for (const { topic, messages } of topicMessages) {
      const known = this.producerCluster.findTopicPartitionMetadata(topic).length
      if (known > 0 && messages.some((message) => (message.partition ?? 0) >= known)) {
        await this.producerCluster.refreshMetadata()
        return
      }
    }
  }

  private takeBatch(): PendingAppend[] {
    let bytes = 0
    let count = 0
    for (const pending of this.queue) {
      if (count > 0 && bytes + pending.bytes > this.maxBatchBytes) break
      bytes += pending.bytes
      count++
    }
    return this.queue.splice(0, count)
  }
}

interface PendingAppend {
  topic: string
  records: readonly RecordToAppend[]
  bytes: number
  resolve: (appended: AppendedRecord[]) => void
  reject: (error: unknown) => void
}

function sizeOf(records: readonly RecordToAppend[]): number {
  let bytes = 0
  for (const record of records) bytes += record.key.length + record.value.length
  return bytes
}

/** One entry per topic: kafkajs keeps only the last entry when a topic appears twice. */
function toTopicMessages(batch: readonly PendingAppend[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>()
  for (const pending of batch) {
    let messages = byTopic.get(pending.topic)
    if (messages === undefined) {
      messages = []
      byTopic.set(pending.topic, messages)
    }
    for (const record of pending.records) {
      const message: Message = { partition: record.partition, key: record.key, value: record.value }
      if (record.headers !== undefined) message.headers = record.headers
      messages.push(message)
    }
  }
  return Array.from(byTopic, ([topic, messages]) => ({ topic, messages }))
}

/** Within a partition, records of one produce request take consecutive offsets from the batch's base offset. */
function settle(batch: readonly PendingAppend[], metadata: RecordMetadata[]): void {
  const next = new Map<string, { offset: number; timestamp: number }>()
  for (const entry of metadata) {
    if (entry.baseOffset === undefined)
      throw new Error(`no base offset for ${entry.topicName}/${entry.partition}`)
    next.set(`${entry.topicName}\u0000${entry.partition}`, {
      offset: Number(entry.baseOffset),
      timestamp: Number(entry.logAppendTime),
    })
  }
  const now = Date.now()
  for (const pending of batch) {
    const appended: AppendedRecord[] = []
    let missing: string | undefined
    for (const record of pending.records) {
      const cursor = next.get(`${pending.topic}\u0000${record.partition}`)
      if (cursor === undefined) {
        missing = `${pending.topic}/${record.partition}`
        break
      }
      appended.push({
        partition: record.partition,
        offset: cursor.offset++,
        timestamp: cursor.timestamp >= 0 ? cursor.timestamp : now,
      })
    }
    if (missing === undefined) pending.resolve(appended)
    else pending.reject(new Error(`the broker did not acknowledge ${missing}`))
  }
}
