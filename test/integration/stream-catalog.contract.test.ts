import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest'

import { MemoryStreamCatalog } from '../support/memory/memory-stream-catalog.ts'
import { createRedisClient } from '../../src/adapters/redis/redis-client.ts'
import { RedisStreamCatalog } from '../../src/adapters/redis/redis-stream-catalog.ts'
import {
  CatalogUnavailableError,
  type AccountScope,
  type StreamCatalog,
  type StreamKey,
  type StreamRecord,
} from '../../src/ports/stream-catalog.ts'
import { redisAnswersPing } from '../../src/stack/redis.ts'
import { REDIS_SERVER, requireExecutable } from '../../src/stack/prerequisites.ts'
import { uniqueName } from './fixture/names.ts'
import { freePort } from '../../src/stack/processes.ts'

/** The store the catalogs of one test share; every catalog it opens plays another replica of the gateway. */
interface SharedCatalogStore {
  openReplica(): StreamCatalog
}

const ACCOUNT = '123456789012'
const OTHER_ACCOUNT = '210987654321'
const REGION = 'us-east-1'
const OTHER_REGION = 'eu-west-1'
const SCOPE: AccountScope = { accountId: ACCOUNT, region: REGION }
/** How long a change made on one replica may take to reach the cache of another. */
const PROPAGATION = { timeout: 2_000, interval: 20 }

/** The behaviour every StreamCatalog shares; `openStore` is called once per test. */
export function describeStreamCatalogContract(name: string, openStore: () => SharedCatalogStore): void {
  describe(`${name} honours the StreamCatalog contract`, () => {
    it('stores a new stream and returns every field', async () => {
      const catalog = openStore().openReplica()
      const record = aStream({ streamName: 'orders' })

      expect(await catalog.create(record)).toBe(true)

      expect(await catalog.get(keyOf(record))).toEqual(record)
      expect(await catalog.getCached(keyOf(record))).toEqual(record)
      expect(await catalog.get({ ...SCOPE, streamName: 'missing' })).toBeUndefined()
      expect(await catalog.getCached({ ...SCOPE, streamName: 'missing' })).toBeUndefined()
    })

    it('refuses to create a stream whose name is taken', async () => {
      const catalog = openStore().openReplica()
      const first = aStream({ streamName: 'orders', topic: 'first' })
      await catalog.create(first)

      expect(await catalog.create(aStream({ streamName: 'orders', topic: 'second' }))).toBe(false)

      expect(await catalog.get(keyOf(first))).toEqual(first)
      expect(await catalog.listNames(SCOPE, undefined, 10)).toEqual(['orders'])
    })

    it('updates only the version it was given', async () => {
      const catalog = openStore().openReplica()
      const record = aStream({ streamName: 'orders' })
      await catalog.create(record)
      const active = { ...record, status: 'ACTIVE' as const, version: 2 }
      const { statusUntilMillis: _ended, ...withoutDeadline } = active

      expect(await catalog.update(withoutDeadline)).toBe(true)
      expect(await catalog.get(keyOf(record))).toEqual(withoutDeadline)

      const stale = { ...record, retentionPeriodHours: 48, version: 2 }
      expect(await catalog.update(stale)).toBe(false)
      expect(await catalog.update({ ...record, version: 4 })).toBe(false)
      expect(await catalog.get(keyOf(record))).toEqual(withoutDeadline)

      expect(await catalog.update(aStream({ streamName: 'never-created', version: 2 }))).toBe(false)
      expect(await catalog.get({ ...SCOPE, streamName: 'never-created' })).toBeUndefined()
    })

    it('lets exactly one of concurrent updates of the same version win', async () => {
      const store = openStore()
      const replicas = [store.openReplica(), store.openReplica(), store.openReplica()]
      const record = aStream({ streamName: 'orders' })
      expect(await store.openReplica().create(record)).toBe(true)

      const attempts = replicas.flatMap((replica, replicaIndex) =>
        Array.from({ length: 4 }, (_, attempt) => ({
          replica,
          record: { ...record, tags: { writer: `${replicaIndex}-${attempt}` }, version: 2 },
        })),
      )
      const results = await Promise.all(attempts.map(({ replica, record }) => replica.update(record)))

      expect(results.filter((won) => won)).toHaveLength(1)
      const winner = attempts[results.indexOf(true)]?.record
      for (const replica of replicas) expect(await replica.get(keyOf(record))).toEqual(winner)
    })

    it('keeps topic marks: set, read, listed, and replaced or removed only when unchanged', async () => {
      const store = openStore()
      const [one, other] = [store.openReplica(), store.openReplica()]
      const topic = `kinesis.${ACCOUNT}.${REGION}.${uniqueName('claimed')}`
      const claim = { accountId: ACCOUNT, region: REGION, streamName: 'claimed', topic, claimedAtMillis: 1 }
      await one.claimTopic(claim)
      expect(await other.topicClaim(topic)).toEqual(claim)
      expect(await other.topicClaims()).toContainEqual(claim)
      const deleting = { ...claim, deletingSinceMillis: 5 }
      expect(await other.replaceTopicClaim(claim, deleting)).toBe(true)
      expect(await one.replaceTopicClaim(claim, undefined)).toBe(false)
      expect(await one.topicClaim(topic)).toEqual(deleting)
      expect(await one.replaceTopicClaim(deleting, undefined)).toBe(true)
      expect(await other.topicClaim(topic)).toBeUndefined()
    })

    it('removes a stream only at the expected version', async () => {
      const catalog = openStore().openReplica()
      const record = aStream({ streamName: 'orders' })
      await catalog.create(record)
      await catalog.create(aStream({ streamName: 'other' }))

      expect(await catalog.remove(keyOf(record), 2)).toBe(false)
      expect(await catalog.get(keyOf(record))).toEqual(record)

      expect(await catalog.remove(keyOf(record), 1)).toBe(true)
      expect(await catalog.get(keyOf(record))).toBeUndefined()
      expect(await catalog.getCached(keyOf(record))).toBeUndefined()
      expect(await catalog.listNames(SCOPE, undefined, 10)).toEqual(['other'])
      expect(await catalog.remove(keyOf(record), 1)).toBe(false)

      const recreated = aStream({ streamName: 'orders', incarnation: 2 })
      expect(await catalog.create(recreated)).toBe(true)
      expect(await catalog.get(keyOf(record))).toEqual(recreated)
    })

    it('lists names in ascending byte order, a page at a time', async () => {
      const catalog = openStore().openReplica()
      const names = ['b', 'a.b', 'Zeta', 'a-1', 'a_1', 'A', '9', 'a', 'beta', 'a1']
      for (const streamName of names) await catalog.create(aStream({ streamName }))
      const ascending = ['9', 'A', 'Zeta', 'a', 'a-1', 'a.b', 'a1', 'a_1', 'b', 'beta']

      expect(await catalog.listNames(SCOPE, undefined, 100)).toEqual(ascending)
      expect(await catalog.listNames(SCOPE, undefined, 3)).toEqual(['9', 'A', 'Zeta'])
      expect(await catalog.listNames(SCOPE, 'Zeta', 3)).toEqual(['a', 'a-1', 'a.b'])
      expect(await catalog.listNames(SCOPE, 'a0', 2)).toEqual(['a1', 'a_1'])
      expect(await catalog.listNames(SCOPE, 'beta', 3)).toEqual([])

      const paged: string[] = []
      let page = await catalog.listNames(SCOPE, undefined, 4)
      while (page.length > 0) {
        paged.push(...page)
        page = await catalog.listNames(SCOPE, page.at(-1), 4)
      }
      expect(paged).toEqual(ascending)
    })

    it('lists every record of one account and region', async () => {
      const catalog = openStore().openReplica()
      const records = ['c', 'a', 'b'].map((streamName) => aStream({ streamName }))
      for (const record of records) await catalog.create(record)
      await catalog.create(aStream({ streamName: 'elsewhere', region: OTHER_REGION }))

      const all = await catalog.listAll(SCOPE)

      expect(sortedByName(all)).toEqual(sortedByName(records))
      expect(await catalog.listAll({ accountId: OTHER_ACCOUNT, region: REGION })).toEqual([])
    })

    it('keeps accounts and regions apart', async () => {
      const catalog = openStore().openReplica()
      const otherScopes: AccountScope[] = [
        { accountId: ACCOUNT, region: OTHER_REGION },
        { accountId: OTHER_ACCOUNT, region: REGION },
        { accountId: OTHER_ACCOUNT, region: OTHER_REGION },
      ]
      const home = aStream({ streamName: 'orders', topic: topicFor(SCOPE) })
      const elsewhere = otherScopes.map((scope) =>
        aStream({ ...scope, streamName: 'orders', topic: topicFor(scope) }),
      )
      for (const record of [home, ...elsewhere]) expect(await catalog.create(record)).toBe(true)

      for (const record of [home, ...elsewhere]) {
        expect(await catalog.get(keyOf(record))).toEqual(record)
        expect(await catalog.getCached(keyOf(record))).toEqual(record)
        expect(await catalog.listNames(record, undefined, 10)).toEqual(['orders'])
        expect(await catalog.listAll(record)).toEqual([record])
      }

      expect(await catalog.update({ ...home, retentionPeriodHours: 72, version: 2 })).toBe(true)
      expect(await catalog.remove(keyOf(home), 2)).toBe(true)
      for (const record of elsewhere) expect(await catalog.get(keyOf(record))).toEqual(record)
    })

    it('shows this replica its own writes in getCached at once', async () => {
      const catalog = openStore().openReplica()
      const record = aStream({ streamName: 'orders' })
      expect(await catalog.getCached(keyOf(record))).toBeUndefined()

      await catalog.create(record)
      expect(await catalog.getCached(keyOf(record))).toEqual(record)

      const updated = { ...record, shardLevelMetrics: ['IncomingBytes'], version: 2 }
      await catalog.update(updated)
      expect(await catalog.getCached(keyOf(record))).toEqual(updated)

      await catalog.remove(keyOf(record), 2)
      expect(await catalog.getCached(keyOf(record))).toBeUndefined()
    })

    it("refreshes getCached after another replica's update and removal", async () => {
      const store = openStore()
      const reader = store.openReplica()
      const writer = store.openReplica()
      const record = aStream({ streamName: 'orders' })
      await writer.create(record)
      expect(await reader.getCached(keyOf(record))).toEqual(record)
      expect(await reader.getCached(keyOf(record))).toEqual(record)

      const updated = { ...record, status: 'UPDATING' as const, version: 2 }
      expect(await writer.update(updated)).toBe(true)
      await expect.poll(() => reader.getCached(keyOf(record)), PROPAGATION).toEqual(updated)

      expect(await writer.remove(keyOf(record), 2)).toBe(true)
      await expect.poll(() => reader.getCached(keyOf(record)), PROPAGATION).toBeUndefined()
    })

    it('sees in getCached a stream another replica has just created', async () => {
      const store = openStore()
      const reader = store.openReplica()
      const writer = store.openReplica()
      const record = aStream({ streamName: 'orders' })
      expect(await reader.getCached(keyOf(record))).toBeUndefined()
      expect(await reader.getCached(keyOf(record))).toBeUndefined()

      await writer.create(record)

      await expect.poll(() => reader.getCached(keyOf(record)), PROPAGATION).toEqual(record)
    })
  })
}

describeStreamCatalogContract('MemoryStreamCatalog', () => {
  const catalog = new MemoryStreamCatalog()
  return { openReplica: () => catalog }
})

describe('on the shared Redis', () => {
  const redisUrl = inject('stack').redisUrl
  const admin = createRedisClient(redisUrl, 'stream-catalog-test-admin')

  afterAll(async () => {
    await admin.quit()
  })

  describeStreamCatalogContract('RedisStreamCatalog', () => {
    const keyPrefix = `${uniqueName('catalog-test')}:`
    onTestFinished(() => deleteKeysWithPrefix(admin, keyPrefix))
    return { openReplica: () => openRedisReplica(redisUrl, keyPrefix) }
  })
})

describe('RedisStreamCatalog on a Redis server of its own', () => {
  const server = new PrivateRedisServer()
  let admin: Redis

  beforeAll(async () => {
    await server.start()
    admin = createRedisClient(server.url, 'stream-catalog-test-admin')
    admin.on('error', () => undefined)
  })

  afterAll(async () => {
    admin.disconnect()
    await server.destroy()
  })

  it('asks Redis nothing for getCached once its cache is warm, and one HGET for concurrent misses', async () => {
    const catalog = openRedisReplica(server.url, `${uniqueName('warm-cache')}:`)
    const [first, second, third] = [
      aStream({ streamName: 'a' }),
      aStream({ streamName: 'b' }),
      aStream({ streamName: 'c' }),
    ]
    for (const record of [first, second, third]) await catalog.create(record)
    await catalog.getCached(keyOf(first))

    const beforeMisses = await commandCounts(admin)
    const concurrentMisses = await Promise.all(
      Array.from({ length: 50 }, () => catalog.getCached(keyOf(second))),
    )
    expect(concurrentMisses.every((record) => record?.streamName === 'b')).toBe(true)
    expect(difference(await commandCounts(admin), beforeMisses)).toEqual({ hget: 1 })

    await catalog.getCached(keyOf(third))
    const beforeWarm = await commandCounts(admin)
    for (let round = 0; round < 334; round++) {
      for (const record of [first, second, third]) {
        expect((await catalog.getCached(keyOf(record)))?.version).toBe(1)
      }
    }
    expect(difference(await commandCounts(admin), beforeWarm)).toEqual({})
  })

  it('hands out getCached records frozen, since every caller shares them', async () => {
    const catalog = openRedisReplica(server.url, `${uniqueName('frozen')}:`)
    const record = aStream({ streamName: 'orders' })
    await catalog.create(record)

    const shared = await catalog.getCached(keyOf(record))

    expect(shared).toEqual(record)
    expect(Object.isFrozen(shared?.shards[0])).toBe(true)
    expect(() => {
      if (shared !== undefined) shared.tags.team = 'someone else'
    }).toThrow(TypeError)
    expect(Object.isFrozen(await catalog.get(keyOf(record)))).toBe(false)
  })

  it('forgets its cache when its subscription drops, since notices sent meanwhile are lost', async () => {
    const keyPrefix = `${uniqueName('lost-notices')}:`
    const reader = openRedisReplica(server.url, keyPrefix)
    const writer = openRedisReplica(server.url, keyPrefix)
    const record = aStream({ streamName: 'orders' })
    await writer.create(record)
    expect(await reader.getCached(keyOf(record))).toEqual(record)
    expect(await reader.getCached(keyOf(record))).toEqual(record)

    await admin.client('KILL', 'TYPE', 'pubsub')
    const updated = { ...record, status: 'ACTIVE' as const, version: 2 }
    expect(await writer.update(updated)).toBe(true)

    await expect.poll(() => reader.getCached(keyOf(record)), PROPAGATION).toEqual(updated)
    const further = { ...updated, retentionPeriodHours: 48, version: 3 }
    expect(await writer.update(further)).toBe(true)
    await expect.poll(() => reader.getCached(keyOf(record)), PROPAGATION).toEqual(further)
  })

  it('keeps its data across a Redis restart and fails fast while Redis is down', async () => {
    const keyPrefix = `${uniqueName('restart')}:`
    const reader = openRedisReplica(server.url, keyPrefix)
    const writer = openRedisReplica(server.url, keyPrefix)
    const record = aStream({ streamName: 'orders' })
    await writer.create(record)
    expect(await reader.getCached(keyOf(record))).toEqual(record)
    expect(await reader.getCached(keyOf(record))).toEqual(record)

    await server.kill()

    // Long enough for the clients' reconnection delays to grow.
    await sleep(3_000)
    for (const call of [
      () => reader.getCached(keyOf(record)),
      () => reader.get(keyOf(record)),
      () => writer.update({ ...record, version: 2 }),
      () => writer.create(aStream({ streamName: 'while-down' })),
      () => writer.remove(keyOf(record), 1),
      () => reader.listNames(SCOPE, undefined, 10),
      () => reader.listAll(SCOPE),
    ]) {
      const startedAt = Date.now()
      await expect(call()).rejects.toBeInstanceOf(CatalogUnavailableError)
      expect(Date.now() - startedAt).toBeLessThan(3_000)
    }

    await server.start()

    await expect.poll(() => reader.get(keyOf(record)), { timeout: 10_000, interval: 100 }).toEqual(record)
    expect(await reader.listAll(SCOPE)).toEqual([record])
    const updated = { ...record, status: 'ACTIVE' as const, version: 2 }
    expect(await writer.update(updated)).toBe(true)
    await expect.poll(() => reader.getCached(keyOf(record)), PROPAGATION).toEqual(updated)
  }, 60_000)
})

function openRedisReplica(redisUrl: string, keyPrefix: string): RedisStreamCatalog {
  const client = createRedisClient(redisUrl, 'stream-catalog-test')
  // Connection failures reach the test through the catalog's calls; ioredis would also print each one.
  client.on('error', () => undefined)
  const catalog = new RedisStreamCatalog(client, { keyPrefix })
  onTestFinished(async () => {
    await catalog.close()
    client.disconnect()
  })
  return catalog
}

async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    if (keys.length > 0) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')
}

/** Calls per command since the server started, from INFO commandstats, without INFO itself. */
async function commandCounts(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats')
  const counts: Record<string, number> = {}
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const [, command, calls] = match
    if (command !== undefined && command !== 'info') counts[command] = Number(calls)
  }
  return counts
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const changed: Record<string, number> = {}
  for (const [command, calls] of Object.entries(after)) {
    const added = calls - (before[command] ?? 0)
    if (added !== 0) changed[command] = added
  }
  return changed
}

/**
 * A redis-server of this test file alone, on a free port, with an append-only file fsynced at every write.
 * `kill` stops it without warning; `start` again reopens the same data directory.
 */
class PrivateRedisServer {
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'stream-catalog-redis-'))
  private port = 0
  private process: ChildProcess | undefined

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort()
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dataDir]
    args.push('--appendonly', 'yes', '--appendfsync', 'always', '--save', '')
    this.process = spawn(requireExecutable(REDIS_SERVER), args, { stdio: 'ignore' })
    const deadline = Date.now() + 10_000
    while (!(await redisAnswersPing(this.port, 500))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${this.port}`)
      await sleep(50)
    }
  }

  async kill(): Promise<void> {
    const running = this.process
    this.process = undefined
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return
    running.kill('SIGKILL')
    await once(running, 'exit')
  }

  async destroy(): Promise<void> {
    await this.kill()
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}

function aStream(overrides: Partial<StreamRecord> & { streamName: string }): StreamRecord {
  const accountId = overrides.accountId ?? ACCOUNT
  const region = overrides.region ?? REGION
  return {
    accountId,
    region,
    streamArn: `arn:aws:kinesis:${region}:${accountId}:stream/${overrides.streamName}`,
    topic: `kinesis.${accountId}.${region}.${overrides.streamName}`,
    incarnation: 1,
    createdAtMillis: 1_700_000_000_000,
    status: 'CREATING',
    statusUntilMillis: 1_700_000_001_000,
    mode: 'PROVISIONED',
    retentionPeriodHours: 24,
    encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' },
    shardLevelMetrics: ['IncomingRecords', 'OutgoingBytes'],
    maxRecordSizeKiB: 1024,
    shards: [
      {
        index: 0,
        startingHashKey: '0',
        endingHashKey: '340282366920938463463374607431768211455',
        createdAtMillis: 1_700_000_000_000,
        endingOffset: 42,
        closedAtMillis: 1_700_000_500_000,
      },
      {
        index: 1,
        parentIndex: 0,
        startingHashKey: '0',
        endingHashKey: '170141183460469231731687303715884105727',
        createdAtMillis: 1_700_000_500_000,
      },
      {
        index: 2,
        parentIndex: 0,
        adjacentParentIndex: 1,
        startingHashKey: '170141183460469231731687303715884105728',
        endingHashKey: '340282366920938463463374607431768211455',
        createdAtMillis: 1_700_000_500_000,
      },
    ],
    tags: { team: 'payments', 'cost-center': '42' },
    resourcePolicy: '{"Version":"2012-10-17","Statement":[]}',
    version: 1,
    ...overrides,
  }
}

function keyOf(key: StreamKey): StreamKey {
  return { accountId: key.accountId, region: key.region, streamName: key.streamName }
}

function topicFor(scope: AccountScope): string {
  return `kinesis.${scope.accountId}.${scope.region}.orders`
}

function sortedByName(records: StreamRecord[]): StreamRecord[] {
  return records.toSorted((a, b) => (a.streamName < b.streamName ? -1 : 1))
}
