import type { Redis } from 'ioredis'

import { parseConsumerArn } from '../../mapping/arns.ts'
import {
  ConsumerRegistryUnavailableError,
  type ConsumerRecord,
  type ConsumerRegistry,
} from '../../ports/consumer-registry.ts'
import type { StreamKey } from '../../ports/stream-catalog.ts'
import { ConsumerKeys } from './consumer-keys.ts'
import { REMOVE_ALL_CONSUMERS, REMOVE_CONSUMER, UPDATE_CONSUMER } from './consumer-scripts.ts'

export interface RedisConsumerRegistryOptions {
  /** Starts every key; default `kinesis:`. */
  keyPrefix?: string
}

/**
 * The ConsumerRegistry in Redis: one hash per stream, consumer name -> record as JSON (see consumer-keys.ts).
 * A stream has at most 20 consumers, so listing reads the whole hash.
 */
export class RedisConsumerRegistry implements ConsumerRegistry {
  private readonly keys: ConsumerKeys

  constructor(
    private readonly redis: Redis,
    options: RedisConsumerRegistryOptions = {},
  ) {
    this.keys = new ConsumerKeys(options.keyPrefix)
  }

  async register(record: ConsumerRecord): Promise<boolean> {
    const stored = await this.unavailableOnFailure(() =>
      this.redis.hsetnx(this.keys.consumers(record), record.consumerName, JSON.stringify(record)),
    )
    return stored === 1
  }

  async get(stream: StreamKey, consumerName: string): Promise<ConsumerRecord | undefined> {
    const doc = await this.unavailableOnFailure(() =>
      this.redis.hget(this.keys.consumers(stream), consumerName),
    )
    return doc === null ? undefined : parseRecord(doc)
  }

  async getByArn(consumerArn: string): Promise<ConsumerRecord | undefined> {
    const parts = parseConsumerArn(consumerArn)
    if (parts === undefined) return undefined
    const record = await this.get(parts, parts.consumerName)
    return record?.consumerArn === consumerArn ? record : undefined
  }

  async list(stream: StreamKey): Promise<ConsumerRecord[]> {
    const docs = await this.unavailableOnFailure(() => this.redis.hvals(this.keys.consumers(stream)))
    return docs.map(parseRecord).sort(byCreationThenName)
  }

  count(stream: StreamKey): Promise<number> {
    return this.unavailableOnFailure(() => this.redis.hlen(this.keys.consumers(stream)))
  }

  async update(record: ConsumerRecord): Promise<boolean> {
    const updated = await this.unavailableOnFailure(() =>
      this.redis.eval(
        UPDATE_CONSUMER,
        1,
        this.keys.consumers(record),
        record.consumerName,
        JSON.stringify(record),
        record.version,
      ),
    )
    return updated === 1
  }

  async remove(stream: StreamKey, consumerName: string, expectedVersion: number): Promise<boolean> {
    const removed = await this.unavailableOnFailure(() =>
      this.redis.eval(REMOVE_CONSUMER, 1, this.keys.consumers(stream), consumerName, expectedVersion),
    )
    return removed === 1
  }

  async removeAll(stream: StreamKey): Promise<number> {
    const removed = await this.unavailableOnFailure(() =>
      this.redis.eval(REMOVE_ALL_CONSUMERS, 1, this.keys.consumers(stream)),
    )
    return Number(removed)
  }

  private async unavailableOnFailure<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new ConsumerRegistryUnavailableError(`The consumer registry is unavailable (Redis: ${reason})`, {
        cause: error,
      })
    }
  }
}

function parseRecord(doc: string): ConsumerRecord {
  return JSON.parse(doc) as ConsumerRecord
}

/** Names in byte order, as Redis and the stream catalog order them. */
function byCreationThenName(a: ConsumerRecord, b: ConsumerRecord): number {
  return (
    a.createdAtMillis - b.createdAtMillis ||
    Buffer.compare(Buffer.from(a.consumerName), Buffer.from(b.consumerName))
  )
}
