import type { Redis } from 'ioredis'

import {
  DeliveryStreamCatalogUnavailableError,
  type DeliveryStreamCatalog,
  type DeliveryStreamKey,
  type DeliveryStreamScope,
  type StoredDeliveryStream,
} from '../../ports/delivery-stream-catalog.ts'
import type { DeliveryStreamRecord } from '../../ports/delivery-streams.ts'

export interface RedisDeliveryStreamCatalogOptions {
  /** Starts every key; default `kinesis:`. */
  keyPrefix?: string
}

// KEYS: the delivery streams hash. ARGV: field, expected revision, next JSON (absent to remove). The stored
// delivery stream is replaced (or removed) only if its revision is still the expected one, in one step, so
// writes from several replicas never overwrite each other.
const SWAP = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if cjson.decode(current).revision ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
end
return 1
`

/**
 * Delivery streams in Redis: one hash `<prefix>firehose:delivery-streams` of JSON documents, by
 * `<account>/<region>/<name>`. One key for all of them keeps every write a single-key script and lets the
 * delivery workers list all accounts and regions with one command; delivery streams number in the thousands
 * at most (AWS's quota is 5,000 per account and region).
 */
export class RedisDeliveryStreamCatalog implements DeliveryStreamCatalog {
  private readonly key: string

  constructor(
    private readonly redis: Redis,
    options: RedisDeliveryStreamCatalogOptions = {},
  ) {
    this.key = `${options.keyPrefix ?? 'kinesis:'}firehose:delivery-streams`
  }

  async get(key: DeliveryStreamKey): Promise<StoredDeliveryStream | undefined> {
    const text = await this.run(() => this.redis.hget(this.key, fieldOf(key)))
    return text === null ? undefined : parseStored(text)
  }

  async create(stream: StoredDeliveryStream): Promise<boolean> {
    const created = await this.run(() => this.redis.hsetnx(this.key, fieldOf(stream), JSON.stringify(stream)))
    return created === 1
  }

  async update(stream: StoredDeliveryStream): Promise<boolean> {
    const swapped = await this.run(() =>
      this.redis.eval(
        SWAP,
        1,
        this.key,
        fieldOf(stream),
        String(stream.revision - 1),
        JSON.stringify(stream),
      ),
    )
    return swapped === 1
  }

  async remove(key: DeliveryStreamKey, expectedRevision: number): Promise<boolean> {
    const removed = await this.run(() =>
      this.redis.eval(SWAP, 1, this.key, fieldOf(key), String(expectedRevision)),
    )
    return removed === 1
  }

  async listAll(scope: DeliveryStreamScope): Promise<StoredDeliveryStream[]> {
    const prefix = `${scope.accountId}/${scope.region}/`
    const entries = await this.run(() => this.redis.hgetall(this.key))
    return Object.keys(entries)
      .filter((field) => field.startsWith(prefix))
      .sort(byCodePoint)
      .map((field) => parseStored(entries[field] as string))
  }

  async listEvery(): Promise<StoredDeliveryStream[]> {
    const texts = await this.run(() => this.redis.hvals(this.key))
    return texts.map(parseStored)
  }

  async listDeliveryStreamRecords(): Promise<DeliveryStreamRecord[]> {
    return (await this.listEvery())
      .filter((stream) => stream.description.DeliveryStreamStatus === 'ACTIVE')
      .map((stream) => ({
        account: stream.accountId,
        region: stream.region,
        topic: stream.topic,
        description: stream.description,
        ...(stream.httpEndpointAccessKey === undefined
          ? {}
          : { httpEndpointAccessKey: stream.httpEndpointAccessKey }),
      }))
  }

  close(): Promise<void> {
    // The connection is the composition root's.
    return Promise.resolve()
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new DeliveryStreamCatalogUnavailableError(
        `The delivery stream catalog is unavailable (Redis: ${reason})`,
        { cause: error },
      )
    }
  }
}

function fieldOf(key: DeliveryStreamKey): string {
  return `${key.accountId}/${key.region}/${key.name}`
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** JSON keeps Dates as ISO text; every `...Timestamp` member of a description is a Date again. */
function parseStored(text: string): StoredDeliveryStream {
  return JSON.parse(text, (key, value: unknown) =>
    key.endsWith('Timestamp') && typeof value === 'string' ? new Date(value) : value,
  ) as StoredDeliveryStream
}
