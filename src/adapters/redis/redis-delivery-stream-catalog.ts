import type { Redis } from 'ioredis'

import {
  DeliveryStreamCatalogUnavailableError,
  type DeliveryStreamCatalog,
  type DeliveryStreamKey,
  type DeliveryStreamScope,
  type StoredDeliveryStream,
} from '../../ports/delivery-stream-catalog.ts'
import type { DeliveryStreamRecord } from '../../ports/delivery-streams.ts'
import { deepFreeze, RecordCache } from './catalog-cache.ts'
import { encodeCatalogChange, type CatalogChange } from './catalog-change.ts'
import { CatalogChangeFeed, changeSubscriberFor } from './catalog-change-feed.ts'

export interface RedisDeliveryStreamCatalogOptions {
  /** Starts every key and channel name; default `kinesis:`. */
  keyPrefix?: string
  /** Opens the connection that receives change notices; default: a duplicate of the command connection. */
  createSubscriber?: () => Redis
}

// Each write and its change notice are one script, so that no crash can separate them (as the stream
// catalog's, catalog-scripts.ts).

// KEYS: the delivery streams hash. ARGV: field, JSON, channel, notice. Returns 1, or 0 when the name is taken.
const CREATE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`

// KEYS: the delivery streams hash. ARGV: field, expected revision, channel, notice, next JSON (absent to
// remove). The stored delivery stream is replaced (or removed) only if its revision is still the expected
// one, in one step, so writes from several replicas never overwrite each other.
const SWAP = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if cjson.decode(current).revision ~= tonumber(ARGV[2]) then return 0 end
if ARGV[5] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[5])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`

/**
 * Delivery streams in Redis: one hash `<prefix>firehose:delivery-streams` of JSON documents, by
 * `<account>/<region>/<name>`. One key for all of them keeps every write a single-key script and lets the
 * delivery workers list all accounts and regions with one command; delivery streams number in the thousands
 * at most (AWS's quota is 5,000 per account and region).
 *
 * Every write publishes a change notice on `<prefix>firehose:delivery-stream-changes`, in the stream catalog's
 * format (catalog-change.ts: `streamName` is the delivery stream's name, `version` its revision); getCached
 * serves this replica's copy and drops an entry when a notice names it, as RedisStreamCatalog does.
 */
export class RedisDeliveryStreamCatalog implements DeliveryStreamCatalog {
  private readonly key: string
  private readonly channel: string
  private readonly cache = new RecordCache<StoredDeliveryStream>()
  private readonly changes: CatalogChangeFeed

  constructor(
    private readonly redis: Redis,
    options: RedisDeliveryStreamCatalogOptions = {},
  ) {
    const prefix = options.keyPrefix ?? 'kinesis:'
    this.key = `${prefix}firehose:delivery-streams`
    this.channel = `${prefix}firehose:delivery-stream-changes`
    const subscriber = options.createSubscriber?.() ?? changeSubscriberFor(redis, 'delivery-stream-changes')
    this.changes = new CatalogChangeFeed(subscriber, this.channel, {
      onChange: (change) => {
        const { accountId, region, streamName } = change
        this.cache.invalidate(fieldOf({ accountId, region, name: streamName }))
      },
      onGap: () => {
        this.cache.clear()
      },
    })
  }

  async get(key: DeliveryStreamKey): Promise<StoredDeliveryStream | undefined> {
    const text = await this.run(() => this.redis.hget(this.key, fieldOf(key)))
    return text === null ? undefined : parseStored(text)
  }

  async getCached(key: DeliveryStreamKey): Promise<StoredDeliveryStream | undefined> {
    if (!this.changes.isLive()) await this.changes.ensureSubscribed()
    const readShared = async (): Promise<StoredDeliveryStream | undefined> => deepFreeze(await this.get(key))
    // Without a live subscription, changes could pass unnoticed: nothing is cached until it is back.
    if (!this.changes.isLive()) return readShared()
    return this.cache.get(fieldOf(key), readShared)
  }

  async create(stream: StoredDeliveryStream): Promise<boolean> {
    const created = await this.run(() =>
      this.redis.eval(
        CREATE,
        1,
        this.key,
        fieldOf(stream),
        JSON.stringify(stream),
        this.channel,
        notice('created', stream, stream.revision),
      ),
    )
    return this.afterWrite(stream, created)
  }

  async update(stream: StoredDeliveryStream): Promise<boolean> {
    const swapped = await this.run(() =>
      this.redis.eval(
        SWAP,
        1,
        this.key,
        fieldOf(stream),
        String(stream.revision - 1),
        this.channel,
        notice('updated', stream, stream.revision),
        JSON.stringify(stream),
      ),
    )
    return this.afterWrite(stream, swapped)
  }

  async remove(key: DeliveryStreamKey, expectedRevision: number): Promise<boolean> {
    const removed = await this.run(() =>
      this.redis.eval(
        SWAP,
        1,
        this.key,
        fieldOf(key),
        String(expectedRevision),
        this.channel,
        notice('removed', key, expectedRevision),
      ),
    )
    return this.afterWrite(key, removed)
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

  /** Closes the change notices' connection; the command connection is the composition root's. */
  async close(): Promise<void> {
    await this.changes.close()
    this.cache.clear()
  }

  /** This replica's copy goes at once; the notice, published by the script, reaches the other replicas. */
  private afterWrite(key: DeliveryStreamKey, scriptResult: unknown): boolean {
    const written = scriptResult === 1
    if (written) this.cache.invalidate(fieldOf(key))
    return written
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

function notice(kind: CatalogChange['kind'], key: DeliveryStreamKey, revision: number): string {
  const { accountId, region, name } = key
  return encodeCatalogChange({ kind, accountId, region, streamName: name, version: revision })
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
