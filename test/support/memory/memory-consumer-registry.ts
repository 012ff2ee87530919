import type { ConsumerRecord, ConsumerRegistry } from '../../../src/ports/consumer-registry.ts'
import type { StreamKey } from '../../../src/ports/stream-catalog.ts'

/** In-memory ConsumerRegistry for unit tests: same contract as the Redis one, one process only. */
export class MemoryConsumerRegistry implements ConsumerRegistry {
  /** Stream -> consumer name -> record. */
  private readonly streams = new Map<string, Map<string, ConsumerRecord>>()

  register(record: ConsumerRecord): Promise<boolean> {
    const consumers = this.consumersOf(record)
    if (consumers.has(record.consumerName)) return Promise.resolve(false)
    consumers.set(record.consumerName, structuredClone(record))
    return Promise.resolve(true)
  }

  get(stream: StreamKey, consumerName: string): Promise<ConsumerRecord | undefined> {
    return Promise.resolve(copy(this.streams.get(keyOf(stream))?.get(consumerName)))
  }

  getByArn(consumerArn: string): Promise<ConsumerRecord | undefined> {
    for (const consumers of this.streams.values()) {
      for (const record of consumers.values()) {
        if (record.consumerArn === consumerArn) return Promise.resolve(copy(record))
      }
    }
    return Promise.resolve(undefined)
  }

  list(stream: StreamKey): Promise<ConsumerRecord[]> {
    const records = [...(this.streams.get(keyOf(stream))?.values() ?? [])].map((record) =>
      structuredClone(record),
    )
    return Promise.resolve(records.sort(byCreationThenName))
  }

  count(stream: StreamKey): Promise<number> {
    return Promise.resolve(this.streams.get(keyOf(stream))?.size ?? 0)
  }

  update(record: ConsumerRecord): Promise<boolean> {
    const consumers = this.streams.get(keyOf(record))
    if (consumers?.get(record.consumerName)?.version !== record.version - 1) return Promise.resolve(false)
    consumers.set(record.consumerName, structuredClone(record))
    return Promise.resolve(true)
  }

  remove(stream: StreamKey, consumerName: string, expectedVersion: number): Promise<boolean> {
    const consumers = this.streams.get(keyOf(stream))
    if (consumers?.get(consumerName)?.version !== expectedVersion) return Promise.resolve(false)
    consumers.delete(consumerName)
    if (consumers.size === 0) this.streams.delete(keyOf(stream))
    return Promise.resolve(true)
  }

  removeAll(stream: StreamKey): Promise<number> {
    const removed = this.streams.get(keyOf(stream))?.size ?? 0
    this.streams.delete(keyOf(stream))
    return Promise.resolve(removed)
  }

  private consumersOf(stream: StreamKey): Map<string, ConsumerRecord> {
    const key = keyOf(stream)
    let consumers = this.streams.get(key)
    if (consumers === undefined) {
      consumers = new Map()
      this.streams.set(key, consumers)
    }
    return consumers
  }
}

function keyOf(stream: StreamKey): string {
  return `${stream.accountId}/${stream.region}/${stream.streamName}`
}

function copy(record: ConsumerRecord | undefined): ConsumerRecord | undefined {
  return record === undefined ? undefined : structuredClone(record)
}

/** Names in byte order, as the Redis registry orders them. */
function byCreationThenName(a: ConsumerRecord, b: ConsumerRecord): number {
  return (
    a.createdAtMillis - b.createdAtMillis ||
    Buffer.compare(Buffer.from(a.consumerName), Buffer.from(b.consumerName))
  )
}
