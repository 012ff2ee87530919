import { randomUUID } from 'node:crypto'

import type { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'

import { createRedisClient } from '../../src/adapters/redis/redis-client.ts'
import { RedisDeliveryStreamCatalog } from '../../src/adapters/redis/redis-delivery-stream-catalog.ts'
import {
  DeliveryStreamCatalogUnavailableError,
  type DeliveryStreamCatalog,
  type StoredDeliveryStream,
} from '../../src/ports/delivery-stream-catalog.ts'
import { MemoryDeliveryStreamCatalog } from '../support/memory/memory-delivery-stream-catalog.ts'
import { uniqueName } from './fixture/names.ts'
import { deleteKeysWithPrefix, unreachableRedisUrl } from './fixture/redis.ts'

const scope = { accountId: '123456789012', region: 'us-east-1' }

function deliveryStream(
  name: string,
  status: 'CREATING' | 'ACTIVE' | 'DELETING' = 'ACTIVE',
  where = scope,
): StoredDeliveryStream {
  return {
    ...where,
    name,
    revision: 1,
    id: randomUUID(),
    topic: `firehose.${where.accountId}.${where.region}.${name}`,
    partitions: 4,
    tags: [{ Key: 'team', Value: 'web' }],
    httpEndpointAccessKey: 'secret',
    description: {
      DeliveryStreamName: name,
      DeliveryStreamARN: `arn:aws:firehose:${where.region}:${where.accountId}:deliverystream/${name}`,
      DeliveryStreamStatus: status,
      DeliveryStreamType: 'DirectPut',
      VersionId: '1',
      CreateTimestamp: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, 123)),
      Source: {
        KinesisStreamSourceDescription: { DeliveryStartTimestamp: new Date(Date.UTC(2026, 0, 1)) },
      },
      Destinations: [{ DestinationId: 'destinationId-000000000001' }],
      HasMoreDestinations: false,
    },
  }
}

/** How long a change made on one replica may take to reach the cache of another. */
const PROPAGATION = { timeout: 2_000, interval: 20 }

/**
 * The behaviour every DeliveryStreamCatalog shares; `open` gives a fresh, empty catalog, and `openReplica`
 * another catalog on the same store (another gateway process).
 */
function describeCatalogContract(
  name: string,
  open: () => DeliveryStreamCatalog,
  openReplica: (of: DeliveryStreamCatalog) => DeliveryStreamCatalog,
): void {
  describe(`${name} honours the DeliveryStreamCatalog contract`, () => {
    it('creates a name once and reads it back as stored, timestamps as Dates', async () => {
      const catalog = open()
      const stream = deliveryStream('clicks')
      expect(await catalog.create(stream)).toBe(true)
      expect(await catalog.create(deliveryStream('clicks'))).toBe(false)
      expect(await catalog.get(stream)).toEqual(stream)
      expect(await catalog.get({ ...scope, name: 'absent' })).toBeUndefined()
      expect(await catalog.get({ ...stream, region: 'eu-west-1' })).toBeUndefined()
    })

    it('updates and removes only the revision read', async () => {
      const catalog = open()
      const stream = deliveryStream('orders', 'CREATING')
      await catalog.create(stream)
      const active = {
        ...stream,
        revision: 2,
        description: { ...stream.description, DeliveryStreamStatus: 'ACTIVE' as const },
      }
      expect(await catalog.update(active)).toBe(true)
      expect(await catalog.update(active)).toBe(false)
      expect(await catalog.update({ ...stream, revision: 5 })).toBe(false)
      expect((await catalog.get(stream))?.description.DeliveryStreamStatus).toBe('ACTIVE')
      expect(await catalog.update({ ...deliveryStream('never-created'), revision: 2 })).toBe(false)
      expect(await catalog.remove(stream, 1)).toBe(false)
      expect(await catalog.remove(stream, 2)).toBe(true)
      expect(await catalog.get(stream)).toBeUndefined()
    })

    it('lets exactly one of concurrent writers of one revision win', async () => {
      const catalog = open()
      const stream = deliveryStream('contended')
      await catalog.create(stream)
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          catalog.update({ ...stream, revision: 2, tags: [{ Key: 'writer', Value: String(index) }] }),
        ),
      )
      expect(outcomes.filter(Boolean)).toHaveLength(1)
    })

    it('lists one account and region by name, and every ACTIVE delivery stream for the workers', async () => {
      const catalog = open()
      const elsewhere = { accountId: '210987654321', region: 'eu-west-1' }
      for (const stream of [
        deliveryStream('b'),
        deliveryStream('a', 'CREATING'),
        deliveryStream('c', 'DELETING'),
        deliveryStream('A'),
        deliveryStream('z', 'ACTIVE', elsewhere),
      ]) {
        await catalog.create(stream)
      }
      expect((await catalog.listAll(scope)).map((stream) => stream.name)).toEqual(['A', 'a', 'b', 'c'])
      expect((await catalog.listEvery()).map((stream) => stream.name).sort()).toEqual([
        'A',
        'a',
        'b',
        'c',
        'z',
      ])
      const records = await catalog.listDeliveryStreamRecords()
      expect(
        records
          .map(
            (record) => `${record.account}/${record.region}/${String(record.description.DeliveryStreamName)}`,
          )
          .sort(),
      ).toEqual(['123456789012/us-east-1/A', '123456789012/us-east-1/b', '210987654321/eu-west-1/z'])
      const [first] = records
      expect(first?.topic).toMatch(/^firehose\./)
      expect(first?.description.CreateTimestamp).toBeInstanceOf(Date)
      expect(first?.httpEndpointAccessKey).toBe('secret')
    })

    it('shows this replica its own writes in getCached at once, frozen', async () => {
      const catalog = open()
      const stream = deliveryStream('own-writes', 'CREATING')
      expect(await catalog.getCached(stream)).toBeUndefined()

      await catalog.create(stream)
      const cached = await catalog.getCached(stream)
      expect(cached).toEqual(stream)
      expect(Object.isFrozen(cached?.description)).toBe(true)

      const active = {
        ...stream,
        revision: 2,
        description: { ...stream.description, DeliveryStreamStatus: 'ACTIVE' as const },
      }
      await catalog.update(active)
      expect(await catalog.getCached(stream)).toEqual(active)

      await catalog.remove(stream, 2)
      expect(await catalog.getCached(stream)).toBeUndefined()
    })

    it("refreshes getCached after another replica's creation, update and removal", async () => {
      const writer = open()
      const reader = openReplica(writer)
      const stream = deliveryStream('elsewhere')
      expect(await reader.getCached(stream)).toBeUndefined()

      await writer.create(stream)
      await expect.poll(() => reader.getCached(stream), PROPAGATION).toEqual(stream)
      expect(await reader.getCached(stream)).toEqual(stream)

      const deleting = {
        ...stream,
        revision: 2,
        description: { ...stream.description, DeliveryStreamStatus: 'DELETING' as const },
      }
      expect(await writer.update(deleting)).toBe(true)
      await expect.poll(() => reader.getCached(stream), PROPAGATION).toEqual(deleting)

      expect(await writer.remove(stream, 2)).toBe(true)
      await expect.poll(() => reader.getCached(stream), PROPAGATION).toBeUndefined()
    })
  })
}

describeCatalogContract(
  'MemoryDeliveryStreamCatalog',
  () => new MemoryDeliveryStreamCatalog(),
  (of) => of,
)

const prefixes: string[] = []
const clients: Redis[] = []
const catalogs: DeliveryStreamCatalog[] = []
const replicaPrefixes = new WeakMap<DeliveryStreamCatalog, string>()
function openRedisCatalog(keyPrefix: string): RedisDeliveryStreamCatalog {
  const redis = createRedisClient(inject('stack').redisUrl, 'delivery-stream-catalog-contract')
  clients.push(redis)
  const catalog = new RedisDeliveryStreamCatalog(redis, { keyPrefix })
  catalogs.push(catalog)
  replicaPrefixes.set(catalog, keyPrefix)
  return catalog
}
describeCatalogContract(
  'RedisDeliveryStreamCatalog',
  () => {
    const keyPrefix = `${uniqueName('delivery-streams')}:`
    prefixes.push(keyPrefix)
    return openRedisCatalog(keyPrefix)
  },
  (of) => openRedisCatalog(replicaPrefixes.get(of) ?? ''),
)

describe('RedisDeliveryStreamCatalog while Redis is unreachable', () => {
  it('fails with DeliveryStreamCatalogUnavailableError', async () => {
    const redis = createRedisClient(await unreachableRedisUrl(), 'delivery-stream-catalog-down')
    redis.on('error', () => undefined)
    clients.push(redis)
    const catalog = new RedisDeliveryStreamCatalog(redis)
    catalogs.push(catalog)
    await expect(catalog.listAll(scope)).rejects.toThrow(DeliveryStreamCatalogUnavailableError)
    const startedAt = Date.now()
    await expect(catalog.getCached({ ...scope, name: 'x' })).rejects.toThrow(
      DeliveryStreamCatalogUnavailableError,
    )
    expect(Date.now() - startedAt).toBeLessThan(3_000)
    await expect(catalog.update(deliveryStream('x'))).rejects.toThrow(DeliveryStreamCatalogUnavailableError)
  })
})

afterAll(async () => {
  for (const catalog of catalogs) await catalog.close()
  const redis = clients[0]
  if (redis !== undefined) for (const prefix of prefixes) await deleteKeysWithPrefix(redis, prefix)
  for (const client of clients) client.disconnect()
})
