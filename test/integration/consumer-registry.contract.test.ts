import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest'

import { MemoryConsumerRegistry } from '../support/memory/memory-consumer-registry.ts'
import { createRedisClient } from '../../src/adapters/redis/redis-client.ts'
import { RedisConsumerRegistry } from '../../src/adapters/redis/redis-consumer-registry.ts'
import {
  ConsumerRegistryUnavailableError,
  type ConsumerRecord,
  type ConsumerRegistry,
} from '../../src/ports/consumer-registry.ts'
import type { StreamKey } from '../../src/ports/stream-catalog.ts'
import { uniqueName } from './fixture/names.ts'
import { deleteKeysWithPrefix, unreachableRedisUrl } from './fixture/redis.ts'

/** The store the registries of one test share; every registry it opens plays another replica of the gateway. */
interface SharedConsumerStore {
  openReplica(): ConsumerRegistry
}

const ACCOUNT = '123456789012'
const OTHER_ACCOUNT = '210987654321'
const REGION = 'us-east-1'
const OTHER_REGION = 'eu-west-1'
const ORDERS: StreamKey = { accountId: ACCOUNT, region: REGION, streamName: 'orders' }
const CREATED_AT = 1_700_000_000_000

/** The behaviour every ConsumerRegistry shares; `openStore` is called once per test. */
export function describeConsumerRegistryContract(name: string, openStore: () => SharedConsumerStore): void {
  describe(`${name} honours the ConsumerRegistry contract`, () => {
    it('registers a consumer and returns every field', async () => {
      const registry = openStore().openReplica()
      const record = aConsumer({ consumerName: 'analytics' })

      expect(await registry.register(record)).toBe(true)

      expect(await registry.get(ORDERS, 'analytics')).toEqual(record)
      expect(await registry.getByArn(record.consumerArn)).toEqual(record)
      expect(await registry.list(ORDERS)).toEqual([record])
      expect(await registry.count(ORDERS)).toBe(1)
    })

    it('finds nothing that was not registered', async () => {
      const registry = openStore().openReplica()
      const record = aConsumer({ consumerName: 'analytics' })
      await registry.register(record)

      expect(await registry.get(ORDERS, 'missing')).toBeUndefined()
      expect(await registry.get({ ...ORDERS, streamName: 'missing' }, 'analytics')).toBeUndefined()
      expect(await registry.getByArn(consumerArnOf(ORDERS, 'missing', 1_700_000_000))).toBeUndefined()
      expect(await registry.getByArn(consumerArnOf(ORDERS, 'analytics', 1_600_000_000))).toBeUndefined()
      expect(await registry.getByArn(record.streamArn)).toBeUndefined()
      expect(await registry.getByArn('not an ARN')).toBeUndefined()
      expect(await registry.list({ ...ORDERS, streamName: 'missing' })).toEqual([])
      expect(await registry.count({ ...ORDERS, streamName: 'missing' })).toBe(0)
    })

    it('refuses to register a consumer whose name is taken on the stream', async () => {
      const registry = openStore().openReplica()
      const first = aConsumer({ consumerName: 'analytics' })
      await registry.register(first)
      const second = aConsumer({ consumerName: 'analytics', creationEpochSeconds: 1_700_000_099 })

      expect(await registry.register(second)).toBe(false)

      expect(await registry.get(ORDERS, 'analytics')).toEqual(first)
      expect(await registry.getByArn(second.consumerArn)).toBeUndefined()
      expect(await registry.count(ORDERS)).toBe(1)
    })

    it('updates only the version it was given', async () => {
      const registry = openStore().openReplica()
      const record = aConsumer({ consumerName: 'analytics' })
      await registry.register(record)
      const { statusUntilMillis: _ended, ...active } = { ...record, status: 'ACTIVE' as const, version: 2 }

      expect(await registry.update(active)).toBe(true)
      expect(await registry.get(ORDERS, 'analytics')).toEqual(active)
      expect(await registry.getByArn(record.consumerArn)).toEqual(active)

      expect(await registry.update({ ...record, status: 'DELETING', version: 2 })).toBe(false)
      expect(await registry.update({ ...record, status: 'DELETING', version: 4 })).toBe(false)
      expect(await registry.get(ORDERS, 'analytics')).toEqual(active)

      expect(await registry.update(aConsumer({ consumerName: 'never-registered', version: 2 }))).toBe(false)
      expect(await registry.get(ORDERS, 'never-registered')).toBeUndefined()
      expect(await registry.count(ORDERS)).toBe(1)
    })

    it('lets exactly one of concurrent updates of the same version win', async () => {
      const store = openStore()
      const replicas = [store.openReplica(), store.openReplica(), store.openReplica()]
      const record = aConsumer({ consumerName: 'analytics' })
      expect(await store.openReplica().register(record)).toBe(true)

      const attempts = replicas.flatMap((replica, replicaIndex) =>
        Array.from({ length: 4 }, (_, attempt) => ({
          replica,
          record: { ...record, statusUntilMillis: CREATED_AT + replicaIndex * 10 + attempt, version: 2 },
        })),
      )
      const results = await Promise.all(attempts.map(({ replica, record }) => replica.update(record)))

      expect(results.filter((won) => won)).toHaveLength(1)
      const winner = attempts[results.indexOf(true)]?.record
      for (const replica of replicas) expect(await replica.get(ORDERS, 'analytics')).toEqual(winner)
    })

    it('lets exactly one of concurrent registrations of the same name win', async () => {
      const store = openStore()
      const replicas = [store.openReplica(), store.openReplica(), store.openReplica()]
      const candidates = replicas.map((replica, index) => ({
        replica,
        record: aConsumer({ consumerName: 'analytics', creationEpochSeconds: 1_700_000_000 + index }),
      }))

      const results = await Promise.all(candidates.map(({ replica, record }) => replica.register(record)))

      expect(results.filter((won) => won)).toHaveLength(1)
      const winner = candidates[results.indexOf(true)]?.record
      expect(await store.openReplica().list(ORDERS)).toEqual([winner])
    })

    it('removes a consumer only at the expected version', async () => {
      const registry = openStore().openReplica()
      const record = aConsumer({ consumerName: 'analytics' })
      const other = aConsumer({ consumerName: 'other' })
      await registry.register(record)
      await registry.register(other)

      expect(await registry.remove(ORDERS, 'analytics', 2)).toBe(false)
      expect(await registry.get(ORDERS, 'analytics')).toEqual(record)

      expect(await registry.remove(ORDERS, 'analytics', 1)).toBe(true)
      expect(await registry.get(ORDERS, 'analytics')).toBeUndefined()
      expect(await registry.getByArn(record.consumerArn)).toBeUndefined()
      expect(await registry.list(ORDERS)).toEqual([other])
      expect(await registry.remove(ORDERS, 'analytics', 1)).toBe(false)
      expect(await registry.remove(ORDERS, 'never-registered', 1)).toBe(false)

      const again = aConsumer({ consumerName: 'analytics', creationEpochSeconds: 1_700_000_500 })
      expect(await registry.register(again)).toBe(true)
      expect(await registry.getByArn(again.consumerArn)).toEqual(again)
      expect(await registry.getByArn(record.consumerArn)).toBeUndefined()
    })

    it('lists consumers by creation time, then by name in byte order', async () => {
      const registry = openStore().openReplica()
      const registrations: [string, number][] = [
        ['late', CREATED_AT + 2_000],
        ['b', CREATED_AT + 1_000],
        ['a_1', CREATED_AT + 1_000],
        ['Zeta', CREATED_AT + 1_000],
        ['a-1', CREATED_AT + 1_000],
        ['early', CREATED_AT],
        ['9', CREATED_AT + 1_000],
      ]
      for (const [consumerName, createdAtMillis] of registrations) {
        await registry.register(aConsumer({ consumerName, createdAtMillis }))
      }

      const listed = await registry.list(ORDERS)

      expect(listed.map((record) => record.consumerName)).toEqual([
        'early',
        '9',
        'Zeta',
        'a-1',
        'a_1',
        'b',
        'late',
      ])
      expect(await registry.count(ORDERS)).toBe(7)
    })

    it('removes every consumer of one stream at once', async () => {
      const registry = openStore().openReplica()
      const otherStream = { ...ORDERS, streamName: 'payments' }
      for (const consumerName of ['a', 'b', 'c']) await registry.register(aConsumer({ consumerName }))
      const survivor = aConsumer({ ...otherStream, consumerName: 'a' })
      await registry.register(survivor)

      expect(await registry.removeAll(ORDERS)).toBe(3)

      expect(await registry.list(ORDERS)).toEqual([])
      expect(await registry.count(ORDERS)).toBe(0)
      expect(await registry.get(ORDERS, 'a')).toBeUndefined()
      expect(await registry.list(otherStream)).toEqual([survivor])
      expect(await registry.removeAll(ORDERS)).toBe(0)

      const afterRecreation = aConsumer({ consumerName: 'a', streamIncarnation: 2 })
      expect(await registry.register(afterRecreation)).toBe(true)
      expect(await registry.list(ORDERS)).toEqual([afterRecreation])
    })

    it('keeps accounts, regions and streams apart', async () => {
      const registry = openStore().openReplica()
      const otherStreams: StreamKey[] = [
        { accountId: ACCOUNT, region: REGION, streamName: 'payments' },
        { accountId: ACCOUNT, region: OTHER_REGION, streamName: 'orders' },
        { accountId: OTHER_ACCOUNT, region: REGION, streamName: 'orders' },
        { accountId: OTHER_ACCOUNT, region: OTHER_REGION, streamName: 'orders' },
      ]
      const home = aConsumer({ consumerName: 'analytics' })
      const elsewhere = otherStreams.map((stream) => aConsumer({ ...stream, consumerName: 'analytics' }))
      for (const record of [home, ...elsewhere]) expect(await registry.register(record)).toBe(true)

      for (const record of [home, ...elsewhere]) {
        expect(await registry.get(record, 'analytics')).toEqual(record)
        expect(await registry.getByArn(record.consumerArn)).toEqual(record)
        expect(await registry.list(record)).toEqual([record])
        expect(await registry.count(record)).toBe(1)
      }

      expect(await registry.update({ ...home, status: 'ACTIVE', version: 2 })).toBe(true)
      expect(await registry.remove(ORDERS, 'analytics', 2)).toBe(true)
      expect(await registry.removeAll(ORDERS)).toBe(0)
      for (const record of elsewhere) expect(await registry.get(record, 'analytics')).toEqual(record)
    })

    it("shows one replica's writes to another at once", async () => {
      const store = openStore()
      const writer = store.openReplica()
      const reader = store.openReplica()
      const record = aConsumer({ consumerName: 'analytics' })

      await writer.register(record)
      expect(await reader.getByArn(record.consumerArn)).toEqual(record)

      const deleting = { ...record, status: 'DELETING' as const, version: 2 }
      await writer.update(deleting)
      expect(await reader.getByArn(record.consumerArn)).toEqual(deleting)

      await writer.remove(ORDERS, 'analytics', 2)
      expect(await reader.getByArn(record.consumerArn)).toBeUndefined()
    })
  })
}

describeConsumerRegistryContract('MemoryConsumerRegistry', () => {
  const registry = new MemoryConsumerRegistry()
  return { openReplica: () => registry }
})

describe('on the shared Redis', () => {
  const redisUrl = inject('stack').redisUrl
  const admin = createRedisClient(redisUrl, 'consumer-registry-test-admin')

  afterAll(async () => {
    await admin.quit()
  })

  describeConsumerRegistryContract('RedisConsumerRegistry', () => {
    const keyPrefix = `${uniqueName('consumers-test')}:`
    onTestFinished(() => deleteKeysWithPrefix(admin, keyPrefix))
    return { openReplica: () => openRedisReplica(redisUrl, keyPrefix) }
  })

  it('keeps consumers under the configured prefix, one hash per stream', async () => {
    const keyPrefix = `${uniqueName('consumers-layout')}:`
    onTestFinished(() => deleteKeysWithPrefix(admin, keyPrefix))
    const registry = openRedisReplica(redisUrl, keyPrefix)
    const record = aConsumer({ consumerName: 'analytics' })
    await registry.register(record)

    const key = `${keyPrefix}${ACCOUNT}:${REGION}:consumers:orders`
    expect(await admin.keys(`${keyPrefix}*`)).toEqual([key])
    expect(JSON.parse((await admin.hget(key, 'analytics')) ?? '')).toEqual(record)
  })
})

describe('RedisConsumerRegistry while Redis is down', () => {
  it('fails every call fast with ConsumerRegistryUnavailableError', async () => {
    const registry = openRedisReplica(await unreachableRedisUrl(), 'kinesis:')
    const record = aConsumer({ consumerName: 'analytics' })

    const startedAt = Date.now()
    const outcomes = await Promise.allSettled([
      registry.register(record),
      registry.get(ORDERS, 'analytics'),
      registry.getByArn(record.consumerArn),
      registry.list(ORDERS),
      registry.count(ORDERS),
      registry.update({ ...record, version: 2 }),
      registry.remove(ORDERS, 'analytics', 1),
      registry.removeAll(ORDERS),
    ])

    expect(Date.now() - startedAt).toBeLessThan(3_000)
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected')
      if (outcome.status === 'rejected')
        expect(outcome.reason).toBeInstanceOf(ConsumerRegistryUnavailableError)
    }
  })
})

function openRedisReplica(redisUrl: string, keyPrefix: string): RedisConsumerRegistry {
  const client = createRedisClient(redisUrl, 'consumer-registry-test')
  // Connection failures reach the test through the registry's calls; ioredis would also print each one.
  client.on('error', () => undefined)
  onTestFinished(() => {
    client.disconnect()
  })
  return new RedisConsumerRegistry(client, { keyPrefix })
}

function aConsumer(overrides: Partial<ConsumerRecord> & { consumerName: string }): ConsumerRecord {
  const accountId = overrides.accountId ?? ACCOUNT
  const region = overrides.region ?? REGION
  const streamName = overrides.streamName ?? ORDERS.streamName
  const creationEpochSeconds = overrides.creationEpochSeconds ?? 1_700_000_000
  return {
    accountId,
    region,
    streamName,
    streamArn: streamArnOf({ accountId, region, streamName }),
    streamIncarnation: 1,
    consumerArn: consumerArnOf(
      { accountId, region, streamName },
      overrides.consumerName,
      creationEpochSeconds,
    ),
    creationEpochSeconds,
    createdAtMillis: creationEpochSeconds * 1000,
    status: 'CREATING',
    statusUntilMillis: creationEpochSeconds * 1000 + 5_000,
    version: 1,
    ...overrides,
  }
}

function streamArnOf(stream: StreamKey): string {
  return `arn:aws:kinesis:${stream.region}:${stream.accountId}:stream/${stream.streamName}`
}

function consumerArnOf(stream: StreamKey, consumerName: string, creationEpochSeconds: number): string {
  return `${streamArnOf(stream)}/consumer/${consumerName}:${creationEpochSeconds}`
}
