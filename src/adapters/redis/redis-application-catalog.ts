import type { Redis } from 'ioredis'

import {
  ApplicationCatalogUnavailableError,
  type ApplicationCatalog,
  type ApplicationKey,
  type ApplicationRecord,
  type ApplicationScope,
} from '../../ports/application-catalog.ts'

export interface RedisApplicationCatalogOptions {
  /** Starts every key; default `kinesis:`. */
  keyPrefix?: string
}

// Per account and region: a sorted set of application names (all scores 0, so ordered by name) and per
// application a hash { record: JSON, revision: n }; one set of every `<account>:<region>` with applications. Every write is a Lua script that checks the revision and
// writes in one step, so two replicas cannot both change an application from the same read.

// KEYS: application hash, names set, scopes set. ARGV: name, record, revision, scope.
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'record', ARGV[2], 'revision', ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('SADD', KEYS[3], ARGV[4])
return 1
`

// KEYS: application hash. ARGV: expected revision, record, revision.
const UPDATE = `
if redis.call('HGET', KEYS[1], 'revision') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'record', ARGV[2], 'revision', ARGV[3])
return 1
`

// KEYS: application hash, names set. ARGV: expected revision, name.
const REMOVE = `
if redis.call('HGET', KEYS[1], 'revision') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
`

/** Kinesis Data Analytics applications in Redis (see the layout above); Redis's AOF makes the writes durable. */
export class RedisApplicationCatalog implements ApplicationCatalog {
  private readonly prefix: string

  constructor(
    private readonly redis: Redis,
    options: RedisApplicationCatalogOptions = {},
  ) {
    this.prefix = `${options.keyPrefix ?? 'kinesis:'}analytics:`
  }

  async get(key: ApplicationKey): Promise<ApplicationRecord | undefined> {
    const text = await this.run(() => this.redis.hget(this.applicationKey(key), 'record'))
    return text === null ? undefined : (JSON.parse(text) as ApplicationRecord)
  }

  async create(record: ApplicationRecord): Promise<boolean> {
    const created = await this.run(() =>
      this.redis.eval(
        CREATE,
        3,
        this.applicationKey(record),
        this.namesKey(record),
        this.scopesKey(),
        record.applicationName,
        JSON.stringify(record),
        String(record.revision),
        `${record.accountId}:${record.region}`,
      ),
    )
    return created === 1
  }

  async update(record: ApplicationRecord): Promise<boolean> {
    const updated = await this.run(() =>
      this.redis.eval(
        UPDATE,
        1,
        this.applicationKey(record),
        String(record.revision - 1),
        JSON.stringify(record),
        String(record.revision),
      ),
    )
    return updated === 1
  }

  async remove(key: ApplicationKey, expectedRevision: number): Promise<boolean> {
    const removed = await this.run(() =>
      this.redis.eval(
        REMOVE,
        2,
        this.applicationKey(key),
        this.namesKey(key),
        String(expectedRevision),
        key.applicationName,
      ),
    )
    return removed === 1
  }

  async list(
    scope: ApplicationScope,
    exclusiveStartName: string | undefined,
    limit: number,
  ): Promise<ApplicationRecord[]> {
    const start = exclusiveStartName === undefined ? '-' : `(${exclusiveStartName}`
    const names = await this.run(() =>
      this.redis.zrangebylex(this.namesKey(scope), start, '+', 'LIMIT', 0, limit),
    )
    if (names.length === 0) return []
    const pipeline = this.redis.pipeline()
    for (const name of names)
      pipeline.hget(this.applicationKey({ ...scope, applicationName: name }), 'record')
    const results = await this.run(() => pipeline.exec())
    const records: ApplicationRecord[] = []
    for (const [error, text] of results ?? []) {
      if (error !== null)
        throw new ApplicationCatalogUnavailableError(unavailableMessage(error), { cause: error })
      // A name whose application was removed between the two reads is skipped.
      if (typeof text === 'string') records.push(JSON.parse(text) as ApplicationRecord)
    }
    return records
  }

  count(scope: ApplicationScope): Promise<number> {
    return this.run(() => this.redis.zcard(this.namesKey(scope)))
  }

  async scopes(): Promise<ApplicationScope[]> {
    const members = await this.run(() => this.redis.smembers(this.scopesKey()))
    return members.map((member) => {
      const [accountId = '', region = ''] = member.split(':')
      return { accountId, region }
    })
  }

  private scopesKey(): string {
    return `${this.prefix}scopes`
  }

  private applicationKey(key: ApplicationKey): string {
    return `${this.prefix}${key.accountId}:${key.region}:application:${key.applicationName}`
  }

  private namesKey(scope: ApplicationScope): string {
    return `${this.prefix}${scope.accountId}:${scope.region}:applications`
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command()
    } catch (error) {
      throw new ApplicationCatalogUnavailableError(unavailableMessage(error), { cause: error })
    }
  }
}

function unavailableMessage(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error)
  return `The application catalog is unavailable (Redis: ${reason})`
}
