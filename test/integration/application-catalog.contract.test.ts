import type { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'

import { createRedisClient } from '../../src/adapters/redis/redis-client.ts'
import { RedisApplicationCatalog } from '../../src/adapters/redis/redis-application-catalog.ts'
import {
  ApplicationCatalogUnavailableError,
  type ApplicationCatalog,
  type ApplicationRecord,
} from '../../src/ports/application-catalog.ts'
import { MemoryApplicationCatalog } from '../support/memory/memory-application-catalog.ts'
import { uniqueName } from './fixture/names.ts'
import { deleteKeysWithPrefix, unreachableRedisUrl } from './fixture/redis.ts'

const scope = { accountId: '123456789012', region: 'us-east-1' }

function application(applicationName: string, overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    ...scope,
    applicationName,
    applicationArn: `arn:aws:kinesisanalytics:us-east-1:123456789012:application/${applicationName}`,
    status: 'READY',
    versionId: 1,
    createdAtMillis: 1_700_000_000_000,
    updatedAtMillis: 1_700_000_000_000,
    inputs: [],
    outputs: [],
    referenceDataSources: [],
    cloudWatchLoggingOptions: [],
    tags: [{ Key: 'team', Value: 'a' }],
    nextOrdinals: { input: 1, output: 1, referenceDataSource: 1, cloudWatchLoggingOption: 1 },
    revision: 1,
    ...overrides,
  }
}

/** The behaviour every ApplicationCatalog shares; `open` gives a fresh, empty catalog. */
function describeApplicationCatalogContract(name: string, open: () => ApplicationCatalog): void {
  describe(`${name} honours the ApplicationCatalog contract`, () => {
    it('creates once, reads back what it stored, lists by name in pages and counts', async () => {
      const catalog = open()
      const alpha = application('alpha', { code: 'SELECT 1', run: { requestedAtMillis: 5, inputs: [] } })
      expect(await catalog.create(alpha)).toBe(true)
      expect(await catalog.create(application('alpha'))).toBe(false)
      for (const other of ['delta', 'beta', 'gamma']) await catalog.create(application(other))
      expect(await catalog.get(alpha)).toEqual(alpha)
      expect(await catalog.get({ ...scope, applicationName: 'nope' })).toBeUndefined()
      const names = async (after: string | undefined, limit: number): Promise<string[]> =>
        (await catalog.list(scope, after, limit)).map((record) => record.applicationName)
      expect(await names(undefined, 3)).toEqual(['alpha', 'beta', 'delta'])
      expect(await names('beta', 3)).toEqual(['delta', 'gamma'])
      expect(await names('gamma', 3)).toEqual([])
      expect(await catalog.count(scope)).toBe(4)
      expect(await catalog.count({ ...scope, region: 'eu-west-1' })).toBe(0)
      expect(await catalog.list({ ...scope, region: 'eu-west-1' }, undefined, 10)).toEqual([])
      await catalog.create({ ...application('elsewhere'), accountId: '210987654321', region: 'eu-west-1' })
      expect((await catalog.scopes()).sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual([
        scope,
        { accountId: '210987654321', region: 'eu-west-1' },
      ])
    })

    it('updates and removes only from the revision read', async () => {
      const catalog = open()
      const record = application('app')
      await catalog.create(record)
      const next = { ...record, versionId: 2, revision: 2 }
      expect(await catalog.update(next)).toBe(true)
      expect(await catalog.update({ ...record, status: 'STARTING', revision: 2 })).toBe(false)
      expect(await catalog.get(record)).toEqual(next)
      expect(await catalog.remove(record, 1)).toBe(false)
      expect(await catalog.remove(record, 2)).toBe(true)
      expect(await catalog.get(record)).toBeUndefined()
      expect(await catalog.update({ ...next, revision: 3 })).toBe(false)
      expect(await catalog.count(scope)).toBe(0)
    })

    it('lets exactly one of many concurrent writers from the same read win', async () => {
      const catalog = open()
      const record = application('contended')
      await catalog.create(record)
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          catalog.update({ ...record, description: `writer ${index}`, revision: 2 }),
        ),
      )
      expect(outcomes.filter(Boolean)).toHaveLength(1)
    })
  })
}

describeApplicationCatalogContract('MemoryApplicationCatalog', () => new MemoryApplicationCatalog())

const prefixes: string[] = []
const clients: Redis[] = []
describeApplicationCatalogContract('RedisApplicationCatalog', () => {
  // Two clients on one prefix: two replicas of the gateway sharing the catalog.
  const keyPrefix = `${uniqueName('application-catalog')}:`
  prefixes.push(keyPrefix)
  const replicas = [0, 1].map(() => {
    const redis = createRedisClient(inject('stack').redisUrl, 'application-catalog-contract')
    clients.push(redis)
    return new RedisApplicationCatalog(redis, { keyPrefix })
  })
  let turn = 0
  const next = (): RedisApplicationCatalog => replicas[turn++ % replicas.length] as RedisApplicationCatalog
  return {
    get: (key) => next().get(key),
    create: (record) => next().create(record),
    update: (record) => next().update(record),
    remove: (key, revision) => next().remove(key, revision),
    list: (listScope, after, limit) => next().list(listScope, after, limit),
    count: (countScope) => next().count(countScope),
    scopes: () => next().scopes(),
  }
})

describe('RedisApplicationCatalog while Redis is unreachable', () => {
  it('fails with ApplicationCatalogUnavailableError', async () => {
    const redis = createRedisClient(await unreachableRedisUrl(), 'application-catalog-down')
    redis.on('error', () => undefined)
    clients.push(redis)
    const catalog = new RedisApplicationCatalog(redis)
    await expect(catalog.get({ ...scope, applicationName: 'a' })).rejects.toThrow(
      ApplicationCatalogUnavailableError,
    )
    await expect(catalog.create(application('a'))).rejects.toThrow(ApplicationCatalogUnavailableError)
    await expect(catalog.list(scope, undefined, 5)).rejects.toThrow(ApplicationCatalogUnavailableError)
  })
})

afterAll(async () => {
  const redis = clients[0]
  if (redis !== undefined) for (const prefix of prefixes) await deleteKeysWithPrefix(redis, prefix)
  for (const client of clients) client.disconnect()
})
