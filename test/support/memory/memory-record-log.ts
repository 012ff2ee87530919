import {
  TopicNotFoundError,
  type AppendedRecord,
  type OffsetRange,
  type ReadLimits,
  type ReadResult,
  type RecordLog,
  type RecordToAppend,
  type StoredRecord,
} from '../../../src/ports/record-log.ts'
import type { Clock } from '../../../src/ports/clock.ts'
import { Faults } from './faults.ts'

export type RecordLogAdminMethod = 'createTopic' | 'deleteTopic' | 'addPartitions' | 'setTopicConfig'

interface MemoryTopic {
  config: Record<string, string>
  partitions: StoredRecord[][]
  /** Per partition, the offset of its first retained record (raised by `trim` to imitate retention). */
  logStart: number[]
}

/** In-memory RecordLog for unit tests: Kafka's offsets, timestamps and partition rules, one process only. */
export class MemoryRecordLog implements RecordLog {
  private readonly topics = new Map<string, MemoryTopic>()
  /** Failures of the administrative calls, planned by tests. */
  readonly faults = new Faults<RecordLogAdminMethod>()

  constructor(private readonly clock: Clock = { now: () => Date.now() }) {}

  createTopic(topic: string, partitions: number, config: Readonly<Record<string, string>>): Promise<void> {
    return this.faults.run('createTopic', () => {
      // Idempotent, as the port says: a topic that exists is accepted, grown to `partitions` if smaller.
      const existing = this.topics.get(topic)
      if (existing !== undefined) {
        while (existing.partitions.length < partitions) {
          existing.partitions.push([])
          existing.logStart.push(0)
        }
        Object.assign(existing.config, config)
        return
      }
      this.topics.set(topic, {
        config: { ...config },
        partitions: Array.from({ length: partitions }, () => []),
        logStart: Array.from({ length: partitions }, () => 0),
      })
    })
  }

  deleteTopic(topic: string): Promise<void> {
    return this.faults.run('deleteTopic', () => {
      this.topics.delete(topic)
    })
  }

  topicExists(topic: string): Promise<boolean> {
    return Promise.resolve(this.topics.has(topic))
  }

  /** The topics that exist. */
  topicNames(): string[] {
    return [...this.topics.keys()]
  }

  partitionCount(topic: string): number {
    return this.topic(topic).partitions.length
  }

  addPartitions(topic: string, totalPartitions: number): Promise<void> {
    return this.faults.run('addPartitions', () => {
      const entry = this.topic(topic)
      if (totalPartitions <= entry.partitions.length) {
        throw new Error(`${topic} has ${entry.partitions.length} partitions already`)
      }
      while (entry.partitions.length < totalPartitions) {
        entry.partitions.push([])
        entry.logStart.push(0)
      }
    })
  }

  setTopicConfig(topic: string, config: Readonly<Record<string, string>>): Promise<void> {
    return this.faults.run('setTopicConfig', () => {
      Object.assign(this.topic(topic).config, config)
    })
  }

  topicConfig(topic: string): Readonly<Record<string, string>> {
    return this.topic(topic).config
  }

  append(topic: string, records: readonly RecordToAppend[]): Promise<AppendedRecord[]> {
    return settle(() => {
      const entry = this.topic(topic)
      for (const record of records) {
        if (entry.partitions[record.partition] === undefined) {
          throw new Error(`${topic} has no partition ${record.partition}`)
        }
      }
      const timestamp = this.clock.now()
      return records.map((record) => {
        const partition = entry.partitions[record.partition] as StoredRecord[]
        const offset = (entry.logStart[record.partition] ?? 0) + partition.length
        partition.push({
          offset,
          timestamp,
          key: record.key,
          value: record.value,
          headers: { ...record.headers },
        })
        return { partition: record.partition, offset, timestamp }
      })
    })
  }

  read(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<ReadResult> {
    return settle(() => this.readNow(topic, partition, fromOffset, limits))
  }

  private readNow(topic: string, partition: number, fromOffset: number, limits: ReadLimits): ReadResult {
    const range = this.range(topic, partition)
    const records = this.partition(topic, partition)
    const start = Math.max(fromOffset, range.earliest) - range.earliest
    const selected: StoredRecord[] = []
    let bytes = 0
    for (let index = start; index < records.length && selected.length < limits.maxRecords; index++) {
      const record = records[index] as StoredRecord
      const size = (record.value?.length ?? 0) + (record.key?.length ?? 0)
      if (selected.length > 0 && bytes + size > limits.maxBytes) break
      bytes += size
      selected.push(record)
    }
    return { records: selected, highWatermark: range.latest, logStartOffset: range.earliest }
  }

  offsetRange(topic: string, partition: number): Promise<OffsetRange> {
    return settle(() => this.range(topic, partition))
  }

  offsetForTimestamp(topic: string, partition: number, timestampMs: number): Promise<number> {
    return settle(() => {
      const found = this.partition(topic, partition).find((record) => record.timestamp >= timestampMs)
      return found?.offset ?? this.range(topic, partition).latest
    })
  }

  /** Drops a partition's records below `offset`, as retention would. */
  trim(topic: string, partition: number, offset: number): void {
    const entry = this.topic(topic)
    const start = entry.logStart[partition] ?? 0
    const records = this.partition(topic, partition)
    records.splice(0, Math.max(0, Math.min(offset - start, records.length)))
    entry.logStart[partition] = Math.max(start, offset)
  }

  ping(): Promise<void> {
    return Promise.resolve()
  }

  close(): Promise<void> {
    return Promise.resolve()
  }

  private range(topic: string, partition: number): OffsetRange {
    const earliest = this.topic(topic).logStart[partition] ?? 0
    return { earliest, latest: earliest + this.partition(topic, partition).length }
  }

  private partition(topic: string, partition: number): StoredRecord[] {
    const records = this.topic(topic).partitions[partition]
    if (records === undefined) throw new TopicNotFoundError(`${topic}/${partition}`)
    return records
  }

  private topic(topic: string): MemoryTopic {
    const entry = this.topics.get(topic)
    if (entry === undefined) throw new TopicNotFoundError(topic)
    return entry
  }
}

/** Runs synchronous work as a promise, so that a throw becomes a rejection as with the real adapter. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work())
  })
}
