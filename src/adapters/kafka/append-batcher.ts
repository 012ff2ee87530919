import type { AppendedRecord, RecordToAppend } from '../../ports/record-log.ts'
import type { AppendsByPartition, IdempotentProducer, RecordsByPartition } from './idempotent-producer.ts'

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
    private readonly producer: IdempotentProducer,
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
          settle(batch, await this.producer.produce(byPartition(batch)))
        } catch (error) {
          for (const pending of batch) pending.reject(error)
        }
      }
    } finally {
      this.sending = false
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
  for (const record of records) bytes += (record.key?.length ?? 0) + record.value.length
  return bytes
}

/** The batch's records by topic and partition, each partition's in the order they were appended. */
function byPartition(batch: readonly PendingAppend[]): RecordsByPartition {
  const topics = new Map<string, Map<number, RecordToAppend[]>>()
  for (const pending of batch) {
    let partitions = topics.get(pending.topic)
    if (partitions === undefined) {
      partitions = new Map()
      topics.set(pending.topic, partitions)
    }
    for (const record of pending.records) {
      const records = partitions.get(record.partition)
      if (records === undefined) partitions.set(record.partition, [record])
      else records.push(record)
    }
  }
  return topics
}

/** Within a partition, records of one produce request take consecutive offsets from the batch's base offset. */
function settle(batch: readonly PendingAppend[], appends: AppendsByPartition): void {
  const now = Date.now()
  const nextOffsets = new Map<string, number[]>()
  for (const pending of batch) {
    const partitions = appends.get(pending.topic)
    let next = nextOffsets.get(pending.topic)
    if (next === undefined) {
      next = []
      nextOffsets.set(pending.topic, next)
    }
    const appended: AppendedRecord[] = []
    let missing: string | undefined
    for (const record of pending.records) {
      const partitionAppend = partitions?.get(record.partition)
      if (partitionAppend === undefined) {
        missing = `${pending.topic}/${record.partition}`
        break
      }
      const offset = next[record.partition] ?? partitionAppend.baseOffset
      next[record.partition] = offset + 1
      appended.push({
        partition: record.partition,
        offset,
        timestamp: partitionAppend.logAppendTime >= 0 ? partitionAppend.logAppendTime : now,
      })
    }
    if (missing === undefined) pending.resolve(appended)
    else pending.reject(new Error(`the broker did not acknowledge ${missing}`))
  }
}
