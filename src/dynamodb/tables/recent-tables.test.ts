import { beforeEach, describe, expect, it } from 'vitest'

import { AwsError, type RequestContext, type Service } from '../../aws/index.ts'
import { MemoryTableStore } from '../../../test/support/memory/memory-table-store.ts'
import type { TableRef } from '../../ports/table-store.ts'
import { createDynamoDbService } from '../service.ts'
import { storageKeyOf } from './keys.ts'

// The item path takes one store round trip per write in steady state; the guesses it starts from never make a
// write or a refusal wrong. A mock store counts the calls; the in-memory store stands in for another replica's
// writes (made on the store directly, unseen by this service).

class CountingTableStore extends MemoryTableStore {
  readonly calls: string[] = []

  override getTable(...args: Parameters<MemoryTableStore['getTable']>) {
    this.calls.push('getTable')
    return super.getTable(...args)
  }

  override getItem(...args: Parameters<MemoryTableStore['getItem']>) {
    this.calls.push('getItem')
    return super.getItem(...args)
  }

  override swapItem(...args: Parameters<MemoryTableStore['swapItem']>) {
    this.calls.push('swapItem')
    return super.swapItem(...args)
  }
}

const context: RequestContext = {
  requestId: 'r',
  accountId: '123456789012',
  region: 'us-east-1',
  accessKeyId: undefined,
}
const TABLE = 'leases'

let store: CountingTableStore
let service: Service
let now: number

function call(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const found = service.operations.get(operation)
  if (found === undefined) throw new Error(`no ${operation}`)
  return found.handle(body, context) as Promise<Record<string, unknown>>
}

async function errorOf(operation: string, body: Record<string, unknown>): Promise<string> {
  try {
    await call(operation, body)
  } catch (error) {
    if (error instanceof AwsError) return error.type.replace(/.*#/, '')
    throw error
  }
  return 'no error'
}

/** A lease renewal as KCL sends it: the counter must still be what the worker last wrote. */
function renew(counter: number): Record<string, unknown> {
  return {
    TableName: TABLE,
    Key: { leaseKey: { S: 'shardId-000000000000' } },
    UpdateExpression: 'SET leaseCounter = :next',
    ConditionExpression: 'leaseCounter = :current',
    ExpressionAttributeValues: { ':next': { N: String(counter + 1) }, ':current': { N: String(counter) } },
    ReturnValues: 'ALL_NEW',
  }
}

/** The lease's place in the store, as another replica would write it. */
async function leaseInStore(): Promise<{ ref: TableRef; key: string; tableVersion: string }> {
  const table = await store.getTable(context, TABLE)
  if (table === undefined) throw new Error('no table')
  const key = storageKeyOf(table.value, { leaseKey: { S: 'shardId-000000000000' } })
  return { ref: { scope: context, name: TABLE, id: table.value.id }, key, tableVersion: table.version }
}

beforeEach(async () => {
  store = new CountingTableStore()
  now = 1_000_000
  service = createDynamoDbService({
    tables: store,
    clock: { now: () => now },
    settings: { creatingDelayMs: 0 },
  })
  await call('CreateTable', {
    TableName: TABLE,
    KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  })
  await call('PutItem', {
    TableName: TABLE,
    Item: { leaseKey: { S: 'shardId-000000000000' }, leaseCounter: { N: '0' } },
  })
})

describe('the item path of the DynamoDB service', () => {
  it('renews a lease it wrote last with one store call: the compare-and-set', async () => {
    await call('UpdateItem', renew(0))
    store.calls.length = 0
    const renewed = await call('UpdateItem', renew(1))
    expect(renewed.Attributes).toEqual({ leaseKey: { S: 'shardId-000000000000' }, leaseCounter: { N: '2' } })
    expect(store.calls).toEqual(['swapItem'])
  })

  it('writes on a table definition seen long ago without reading it: the compare-and-set checks it', async () => {
    now += 60_000
    store.calls.length = 0
    await call('UpdateItem', renew(0))
    expect(store.calls).toEqual(['swapItem'])
  })

  it('reads the table definition again for a read once it is a second old', async () => {
    now += 1_000
    store.calls.length = 0
    await call('GetItem', { TableName: TABLE, Key: { leaseKey: { S: 'shardId-000000000000' } } })
    expect(store.calls).toEqual(['getTable', 'getItem'])
  })

  it('makes a write anew on the definition another replica changed', async () => {
    const before = await store.getTable(context, TABLE)
    if (before === undefined) throw new Error('no table')
    const withIndex = {
      ...before.value,
      AttributeDefinitions: [
        ...before.value.AttributeDefinitions,
        { AttributeName: 'owner', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-owner',
          KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
          createdAt: now,
        },
      ],
    }
    expect(await store.replaceTable(context, before, withIndex as typeof before.value)).toBe(true)

    now += 60_000
    store.calls.length = 0
    // The new index's key must be a string: checked because the write is made on the changed definition.
    const wrongType = {
      ...renew(0),
      UpdateExpression: 'SET leaseCounter = :next, #owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':next': { N: '1' }, ':current': { N: '0' }, ':owner': { N: '1' } },
    }
    expect(await errorOf('UpdateItem', wrongType)).toBe('ValidationException')
    expect(store.calls).toEqual(['swapItem', 'getTable', 'getItem'])
    const renewed = await call('UpdateItem', renew(0))
    expect(renewed.Attributes).toMatchObject({ leaseCounter: { N: '1' } })
  })

  it('refuses a write on a table another replica deleted, also when it would write nothing', async () => {
    const table = await store.getTable(context, TABLE)
    if (table === undefined) throw new Error('no table')
    expect(await store.deleteTable(context, table.value)).toBe(true)
    now += 60_000

    store.calls.length = 0
    const missing = { TableName: TABLE, Key: { leaseKey: { S: 'no-such-lease' } } }
    expect(await errorOf('DeleteItem', missing)).toBe('ResourceNotFoundException')
    expect(store.calls).toEqual(['getItem', 'getTable'])
    expect(await errorOf('UpdateItem', renew(0))).toBe('ResourceNotFoundException')
  })

  it('confirms a refusal on an old definition against the stored one', async () => {
    now += 60_000
    store.calls.length = 0
    expect(await errorOf('UpdateItem', renew(3))).toBe('ConditionalCheckFailedException')
    expect(store.calls).toEqual(['getItem', 'getTable'])
  })

  it('does not refuse on a stale guess: a condition that fails on it is checked on the item read afresh', async () => {
    await call('UpdateItem', renew(0))
    // Another replica moves the counter to 5: this process remembers 1.
    const { ref, key, tableVersion } = await leaseInStore()
    const stored = await store.getItem(ref, key)
    expect(
      await store.swapItem(ref, key, stored, { ...stored?.value, leaseCounter: { N: '5' } }, tableVersion),
    ).toBe('swapped')

    store.calls.length = 0
    const renewed = await call('UpdateItem', renew(5))
    expect(renewed.Attributes).toMatchObject({ leaseCounter: { N: '6' } })
    expect(store.calls).toEqual(['getItem', 'swapItem'])
  })

  it('takes a stale guess that passes the condition for nothing: the write is made on the stored item', async () => {
    await call('UpdateItem', renew(0))
    const { ref, key, tableVersion } = await leaseInStore()
    const stored = await store.getItem(ref, key)
    await store.swapItem(ref, key, stored, { ...stored?.value, leaseCounter: { N: '7' } }, tableVersion)

    // The remembered counter is 1, so renew(1) passes on the guess; the stored counter is 7, so it must fail.
    store.calls.length = 0
    expect(await errorOf('UpdateItem', renew(1))).toBe('ConditionalCheckFailedException')
    expect(store.calls).toEqual(['swapItem', 'getItem'])
    const item = await call('GetItem', { TableName: TABLE, Key: { leaseKey: { S: 'shardId-000000000000' } } })
    expect(item.Item).toMatchObject({ leaseCounter: { N: '7' } })
  })
})
