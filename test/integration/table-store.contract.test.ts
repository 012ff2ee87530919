import { randomUUID } from 'node:crypto'

import type { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'

import { createRedisClient } from '../../src/adapters/redis/redis-client.ts'
import { RedisTableStore } from '../../src/adapters/redis/redis-table-store.ts'
import {
  TableStoreUnavailableError,
  type TableDefinition,
  type TableStore,
} from '../../src/ports/table-store.ts'
import { MemoryTableStore } from '../support/memory/memory-table-store.ts'
import { uniqueName } from './fixture/names.ts'
import { deleteKeysWithPrefix, unreachableRedisUrl } from './fixture/redis.ts'

const scope = { accountId: '123456789012', region: 'us-east-1' }

function definition(name: string): TableDefinition {
  return {
    id: randomUUID(),
    TableName: name,
    KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    DeletionProtectionEnabled: false,
    GlobalSecondaryIndexes: [],
    createdAt: 0,
  }
}

async function versionOfTable(store: TableStore, name: string): Promise<string> {
  const table = await store.getTable(scope, name)
  if (table === undefined) throw new Error(`no table ${name}`)
  return table.version
}

/** The behaviour every TableStore shares; `open` gives a fresh, empty store. */
function describeTableStoreContract(name: string, open: () => TableStore): void {
  describe(`${name} honours the TableStore contract`, () => {
    it('creates a table once, lists, replaces by version and deletes it with its items', async () => {
      const store = open()
      const table = definition('alpha')
      expect(await store.createTable(scope, table)).toBe(true)
      expect(await store.createTable(scope, definition('alpha'))).toBe(false)
      await store.createTable(scope, definition('beta'))
      expect(await store.listTables(scope)).toEqual(['alpha', 'beta'])
      expect(await store.listTables({ ...scope, region: 'eu-west-1' })).toEqual([])

      const read = await store.getTable(scope, 'alpha')
      expect(read?.value).toEqual(table)
      const next = { ...table, DeletionProtectionEnabled: true }
      expect(await store.replaceTable(scope, read as NonNullable<typeof read>, next)).toBe(true)
      expect(await store.replaceTable(scope, read as NonNullable<typeof read>, table)).toBe(false)

      const ref = { scope, name: 'alpha', id: table.id }
      const replaced = await versionOfTable(store, 'alpha')
      await store.swapItem(ref, 'a', undefined, { k: { S: 'a' } }, replaced)
      expect(await store.deleteTable(scope, table)).toBe(true)
      expect(await store.getTable(scope, 'alpha')).toBeUndefined()
      expect(await store.swapItem(ref, 'a', undefined, { k: { S: 'a' } }, replaced)).toBe('no-table')
    })

    it('writes an item only if it is still the version read', async () => {
      const store = open()
      const table = definition('items')
      await store.createTable(scope, table)
      const ref = { scope, name: 'items', id: table.id }
      const version = await versionOfTable(store, 'items')
      expect(await store.swapItem(ref, 'a', undefined, { k: { S: 'a' }, n: { N: '1' } }, version)).toBe(
        'swapped',
      )
      expect(await store.swapItem(ref, 'a', undefined, { k: { S: 'a' } }, version)).toBe('changed')
      const read = await store.getItem(ref, 'a')
      expect(read?.value).toEqual({ k: { S: 'a' }, n: { N: '1' } })
      expect(await store.swapItem(ref, 'a', read, { k: { S: 'a' }, n: { N: '2' } }, version)).toBe('swapped')
      expect(await store.swapItem(ref, 'a', read, undefined, version)).toBe('changed')
      expect((await store.tableStats(ref)).itemCount).toBe(1)
      expect(await store.items(ref)).toEqual([{ k: { S: 'a' }, n: { N: '2' } }])
      expect(await store.swapItem(ref, 'a', await store.getItem(ref, 'a'), undefined, version)).toBe(
        'swapped',
      )
      expect(await store.tableStats(ref)).toEqual({ itemCount: 0, sizeBytes: 0 })
    })

    it('writes an item only while the table definition is the version given', async () => {
      const store = open()
      const table = definition('versioned')
      await store.createTable(scope, table)
      const ref = { scope, name: 'versioned', id: table.id }
      const first = await store.getTable(scope, 'versioned')
      if (first === undefined) throw new Error('no table')
      expect(await store.swapItem(ref, 'a', undefined, { k: { S: 'a' } }, first.version)).toBe('swapped')

      await store.replaceTable(scope, first, { ...table, DeletionProtectionEnabled: true })
      const second = await versionOfTable(store, 'versioned')
      const item = await store.getItem(ref, 'a')
      expect(await store.swapItem(ref, 'a', item, undefined, first.version)).toBe('table-changed')
      expect(await store.getItem(ref, 'a')).toEqual(item)
      expect(await store.swapItem(ref, 'a', item, undefined, second)).toBe('swapped')

      await store.deleteTable(scope, table)
      await store.createTable(scope, definition('versioned'))
      expect(await store.swapItem(ref, 'b', undefined, { k: { S: 'b' } }, second)).toBe('table-changed')
      await store.deleteTable(scope, (await store.getTable(scope, 'versioned'))?.value as TableDefinition)
      expect(await store.swapItem(ref, 'b', undefined, { k: { S: 'b' } }, second)).toBe('no-table')
    })
  })
}

describeTableStoreContract('MemoryTableStore', () => new MemoryTableStore())

const prefixes: string[] = []
const clients: Redis[] = []
describeTableStoreContract('RedisTableStore', () => {
  const redis = createRedisClient(inject('stack').redisUrl, 'table-store-contract')
  clients.push(redis)
  const keyPrefix = `${uniqueName('table-store')}:`
  prefixes.push(keyPrefix)
  return new RedisTableStore(redis, { keyPrefix })
})

describe('RedisTableStore while Redis is unreachable', () => {
  it('fails with TableStoreUnavailableError', async () => {
    const redis = createRedisClient(await unreachableRedisUrl(), 'table-store-down')
    redis.on('error', () => undefined)
    clients.push(redis)
    await expect(new RedisTableStore(redis).listTables(scope)).rejects.toThrow(TableStoreUnavailableError)
  })
})

afterAll(async () => {
  const redis = clients[0]
  if (redis !== undefined) for (const prefix of prefixes) await deleteKeysWithPrefix(redis, prefix)
  for (const client of clients) client.disconnect()
})
