import type { Redis } from 'ioredis'

import {
  CatalogUnavailableError,
  type AccountScope,
  type StreamCatalog,
  type StreamKey,
  type StreamRecord,
  type TopicClaim,
} from '../../ports/stream-catalog.ts'
import { deepFreeze, RecordCache } from './catalog-cache.ts'
import { encodeCatalogChange, type CatalogChange } from './catalog-change.ts'
import { CatalogChangeFeed, changeSubscriberFor } from './catalog-change-feed.ts'
import { CatalogKeys, DEFAULT_CATALOG_KEY_PREFIX } from './catalog-keys.ts'
import { CREATE_STREAM, REMOVE_STREAM, REPLACE_TOPIC_CLAIM, UPDATE_STREAM } from './catalog-scripts.ts'

export interface RedisStreamCatalogOptions {
  /** Starts every key and channel name; default `kinesis:`. */
  keyPrefix?: string
  /** Opens the connection that receives change notices; default: a duplicate of the command connection. */
  createSubscriber?: () => Redis
}

/**
 * The StreamCatalog in Redis (layout in catalog-keys.ts). Writes are Lua scripts that compare and set, and
 * publish a change notice; getCached serves this replica's copy and drops an entry when a notice names it.
 */
export class RedisStreamCatalog implements StreamCatalog {
  private readonly keys: CatalogKeys
  private readonly cache = new RecordCache<StreamRecord>()
  private readonly changes: CatalogChangeFeed

  constructor(
    private readonly redis: Redis,
    options: RedisStreamCatalogOptions = {},
  ) {
    this.keys = new CatalogKeys(options.keyPrefix ?? DEFAULT_CATALOG_KEY_PREFIX)
    const subscriber = options.createSubscriber?.() ?? changeSubscriberFor(redis, 'catalog-changes')
    this.changes = new CatalogChangeFeed(subscriber, this.keys.changes(), {
      onChange: (change) => {
        this.cache.invalidate(this.keys.stream(change))
      },
      onGap: () => {
        this.cache.clear()
      },
    })
  }

  async get(key: StreamKey): Promise<StreamRecord | undefined> {
    const doc = await this.unavailableOnFailure(() => this.redis.hget(this.keys.stream(key), 'doc'))
    return doc === null ? undefined : parseRecord(doc)
  }

  /** Records from here are frozen: every caller of this replica shares them. */
  async getCached(key: StreamKey): Promise<StreamRecord | undefined> {
    if (!this.changes.isLive()) await this.changes.ensureSubscribed()
    const readShared = async (): Promise<StreamRecord | undefined> => deepFreeze(await this.get(key))
    // Without a live subscription, changes could pass unnoticed: nothing is cached until it is back.
    if (!this.changes.isLive()) return readShared()
    return this.cache.get(this.keys.stream(key), readShared)
  }

  async create(record: StreamRecord): Promise<boolean> {
    const created = await this.unavailableOnFailure(() =>
      this.redis.eval(
        CREATE_STREAM,
        2,
        this.keys.stream(record),
        this.keys.streamNames(record),
        JSON.stringify(record),
        record.version,
        record.streamName,
        this.keys.changes(),
        notice('created', record, record.version),
      ),
    )
    return this.afterWrite(record, created)
  }

  async update(record: StreamRecord): Promise<boolean> {
    const updated = await this.unavailableOnFailure(() =>
      this.redis.eval(
        UPDATE_STREAM,
        1,
        this.keys.stream(record),
        JSON.stringify(record),
        record.version,
        this.keys.changes(),
        notice('updated', record, record.version),
      ),
    )
    return this.afterWrite(record, updated)
  }

  async remove(key: StreamKey, expectedVersion: number): Promise<boolean> {
    const removed = await this.unavailableOnFailure(() =>
      this.redis.eval(
        REMOVE_STREAM,
        2,
        this.keys.stream(key),
        this.keys.streamNames(key),
        expectedVersion,
        key.streamName,
        this.keys.changes(),
        notice('removed', key, expectedVersion),
      ),
    )
    return this.afterWrite(key, removed)
  }

  async listNames(
    scope: AccountScope,
    exclusiveStartName: string | undefined,
    limit: number,
  ): Promise<string[]> {
    if (limit <= 0) return []
    const start = exclusiveStartName === undefined ? '-' : `(${exclusiveStartName}`
    return this.unavailableOnFailure(() =>
      this.redis.zrangebylex(this.keys.streamNames(scope), start, '+', 'LIMIT', 0, limit),
    )
  }

  async listAll(scope: AccountScope): Promise<StreamRecord[]> {
    const docs = await this.unavailableOnFailure(async () => {
      const names = await this.redis.zrange(this.keys.streamNames(scope), 0, -1)
      // Sent together: ioredis writes commands issued in the same tick as one pipeline.
      return Promise.all(
        names.map((streamName) => this.redis.hget(this.keys.stream({ ...scope, streamName }), 'doc')),
      )
    })
    // A stream removed between the two reads has no document any more.
    return docs.filter((doc) => doc !== null).map(parseRecord)
  }

  async claimTopic(claim: TopicClaim): Promise<void> {
    await this.unavailableOnFailure(() =>
      this.redis.hset(this.keys.topicClaims(), claim.topic, encodeClaim(claim)),
    )
  }

  async topicClaim(topic: string): Promise<TopicClaim | undefined> {
    const doc = await this.unavailableOnFailure(() => this.redis.hget(this.keys.topicClaims(), topic))
    return doc === null ? undefined : (JSON.parse(doc) as TopicClaim)
  }

  async topicClaims(): Promise<TopicClaim[]> {
    const claims = await this.unavailableOnFailure(() => this.redis.hgetall(this.keys.topicClaims()))
    return Object.values(claims).map((doc) => JSON.parse(doc) as TopicClaim)
  }

  async replaceTopicClaim(expected: TopicClaim, next: TopicClaim | undefined): Promise<boolean> {
    const replaced = await this.unavailableOnFailure(() =>
      this.redis.eval(
        REPLACE_TOPIC_CLAIM,
        1,
        this.keys.topicClaims(),
        expected.topic,
        encodeClaim(expected),
        next === undefined ? '' : encodeClaim(next),
      ),
    )
    return replaced === 1
  }

  async close(): Promise<void> {
    await this.changes.close()
    this.cache.clear()
  }

  /** This replica's copy goes at once; the notice, published by the script, reaches the other replicas. */
  private afterWrite(key: StreamKey, scriptResult: unknown): boolean {
    const written = scriptResult === 1
    if (written) this.cache.invalidate(this.keys.stream(key))
    return written
  }

  private async unavailableOnFailure<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new CatalogUnavailableError(`The stream catalog is unavailable (Redis: ${reason})`, {
        cause: error,
      })
    }
  }
}

function notice(kind: CatalogChange['kind'], key: StreamKey, version: number): string {
  const { accountId, region, streamName } = key
  return encodeCatalogChange({ kind, accountId, region, streamName, version })
}

/** The members in a fixed order, so that equal claims encode to equal strings (release compares them). */
function encodeClaim(claim: TopicClaim): string {
  const { topic, accountId, region, streamName, claimedAtMillis, deletingSinceMillis } = claim
  return JSON.stringify({ topic, accountId, region, streamName, claimedAtMillis, deletingSinceMillis })
}

function parseRecord(doc: string): StreamRecord {
  return JSON.parse(doc) as StreamRecord
}
