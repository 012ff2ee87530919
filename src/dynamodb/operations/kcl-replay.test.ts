import { beforeEach, describe, expect, it } from 'vitest'

import { AwsError, type RequestContext } from '../../aws/index.ts'
import { MemoryTableStore } from '../../../test/support/memory/memory-table-store.ts'
import { KCL_REQUESTS, WORKER, newLease } from '../../../test/support/dynamodb/kcl-requests.ts'
import { createDynamoDbService } from '../service.ts'
import type { Service } from '../../aws/index.ts'

const context: RequestContext = {
  requestId: 'r',
  accountId: '123456789012',
  region: 'us-east-1',
  accessKeyId: undefined,
}

let store: MemoryTableStore
let service: Service
let now = 1_000_000

function call(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const found = service.operations.get(operation)
  if (found === undefined) throw new Error(`no ${operation}`)
  return found.handle(body, context) as Promise<Record<string, unknown>>
}

async function failure(operation: string, body: Record<string, unknown>): Promise<AwsError> {
  try {
    await call(operation, body)
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error('expected an error')
}

const TABLE = 'probe-app-dump'

beforeEach(() => {
  store = new MemoryTableStore()
  now = 1_000_000
  service = createDynamoDbService({
    tables: store,
    clock: { now: () => now },
    settings: { creatingDelayMs: 1000 },
  })
})

describe('the KCL 3.5.1 requests, replayed as recorded', () => {
  it('create the table and index, take a lease, checkpoint, and find the leases by owner', async () => {
    const [create, migration, addIndex, leader, scan, renewLeader, takeLease, checkpoint, byOwner] =
      KCL_REQUESTS.map((request) => request.body)

    const created = (await call('CreateTable', create as Record<string, unknown>)).TableDescription as Record<
      string,
      unknown
    >
    expect(created.TableStatus).toBe('CREATING')
    // Items cannot be written while the table is CREATING, as in DynamoDB.
    expect((await failure('PutItem', migration as Record<string, unknown>)).type).toMatch(
      /ResourceNotFoundException$/,
    )
    now += 1000
    const described = (await call('DescribeTable', { TableName: TABLE })).Table as Record<string, unknown>
    expect(described.TableStatus).toBe('ACTIVE')

    await call('PutItem', migration as Record<string, unknown>)
    // Expected {Exists: false} on the key: a second put fails.
    const again = await failure('PutItem', migration as Record<string, unknown>)
    expect(again.type).toBe('com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException')
    expect(again.message).toBe('The conditional request failed')

    const updated = (await call('UpdateTable', addIndex as Record<string, unknown>)).TableDescription as {
      GlobalSecondaryIndexes: { IndexName: string; IndexStatus: string }[]
    }
    expect(updated.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({ IndexName: 'LeaseOwnerToLeaseKeyIndex', IndexStatus: 'CREATING' }),
    ])
    now += 1000
    const withIndex = (await call('DescribeTable', { TableName: TABLE })).Table as typeof updated
    expect(withIndex.GlobalSecondaryIndexes[0]?.IndexStatus).toBe('ACTIVE')

    await call('PutItem', leader as Record<string, unknown>)
    expect((await failure('PutItem', leader as Record<string, unknown>)).message).toBe(
      'The conditional request failed',
    )

    await call('PutItem', {
      TableName: TABLE,
      Item: { ...newLease('shardId-000000000000'), leaseCounter: { N: '3' } },
    })
    const scanned = await call('Scan', scan as Record<string, unknown>)
    expect(scanned.Count).toBe(3)

    await call('UpdateItem', renewLeader as Record<string, unknown>)
    // The record version changed: the same renewal now fails.
    expect((await failure('UpdateItem', renewLeader as Record<string, unknown>)).message).toBe(
      'The conditional request failed',
    )

    const taken = await call('UpdateItem', takeLease as Record<string, unknown>)
    expect(taken.Attributes).toMatchObject({ leaseCounter: { N: '4' }, leaseOwner: { S: WORKER } })
    // Taken: leaseOwner exists now, so the same take fails and returns the item (ALL_OLD).
    const lost = await failure('UpdateItem', takeLease as Record<string, unknown>)
    expect(lost.details?.Item).toMatchObject({ leaseOwner: { S: WORKER }, leaseCounter: { N: '4' } })

    await call('UpdateItem', checkpoint as Record<string, unknown>)
    const lease = (
      await call('GetItem', {
        TableName: TABLE,
        Key: { leaseKey: { S: 'shardId-000000000000' } },
        ConsistentRead: true,
      })
    ).Item as Record<string, unknown>
    expect(lease).toMatchObject({
      checkpoint: { S: '52417862354729835827182797750608741186829965629266591744' },
      leaseCounter: { N: '5' },
      leaseOwner: { S: WORKER },
    })
    // The checkpoint expected leaseCounter 4; it is 5 now.
    expect((await failure('UpdateItem', checkpoint as Record<string, unknown>)).message).toBe(
      'The conditional request failed',
    )

    const owned = await call('Query', byOwner as Record<string, unknown>)
    // KEYS_ONLY: the table key and the index key.
    expect(owned.Items).toEqual([{ leaseKey: { S: 'shardId-000000000000' }, leaseOwner: { S: WORKER } }])
  })
})

describe('items', () => {
  beforeEach(async () => {
    now = 0
    await call('CreateTable', {
      TableName: 'table-1',
      AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    })
    now = 5000
  })

  it('pages a scan and splits it into segments that hold every item exactly once', async () => {
    for (let index = 0; index < 57; index++)
      await call('PutItem', { TableName: 'table-1', Item: { k: { S: `item-${index}` } } })
    const seen: string[] = []
    let start: unknown
    do {
      const page = await call('Scan', {
        TableName: 'table-1',
        Limit: 10,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      })
      seen.push(...(page.Items as { k: { S: string } }[]).map((item) => item.k.S))
      start = page.LastEvaluatedKey
    } while (start !== undefined)
    expect(seen.sort()).toEqual(Array.from({ length: 57 }, (_, index) => `item-${index}`).sort())

    for (const total of [1, 2, 3, 7, 100]) {
      const segments: string[] = []
      for (let segment = 0; segment < total; segment++) {
        const page = await call('Scan', { TableName: 'table-1', Segment: segment, TotalSegments: total })
        segments.push(...(page.Items as { k: { S: string } }[]).map((item) => item.k.S))
      }
      expect(segments.sort()).toEqual(seen)
    }
  })

  it('keeps KCL integers exact through ADD and SET arithmetic', async () => {
    await call('PutItem', { TableName: 'table-1', Item: { k: { S: 'a' }, n: { N: '9007199254740993' } } })
    await call('UpdateItem', {
      TableName: 'table-1',
      Key: { k: { S: 'a' } },
      AttributeUpdates: { n: { Action: 'ADD', Value: { N: '1' } } },
    })
    const out = await call('UpdateItem', {
      TableName: 'table-1',
      Key: { k: { S: 'a' } },
      UpdateExpression:
        'SET n = n + :one, c = if_not_exists(c, :zero) - :one, l = list_append(if_not_exists(l, :empty), :l)',
      ExpressionAttributeValues: {
        ':one': { N: '1' },
        ':zero': { N: '0' },
        ':empty': { L: [] },
        ':l': { L: [{ S: 'x' }] },
      },
      ReturnValues: 'UPDATED_NEW',
    })
    expect(out.Attributes).toEqual({ n: { N: '9007199254740995' }, c: { N: '-1' }, l: { L: [{ S: 'x' }] } })
  })

  it('answers DynamoDB validation errors and changes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { Key: { k: { S: 'a' } }, UpdateExpression: 'SET a = :x' },
        'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x',
      ],
      [
        {
          Key: { k: { S: 'a' } },
          UpdateExpression: 'SET a = :x',
          ExpressionAttributeValues: { ':x': { S: 'v' }, ':y': { S: 'w' } },
        },
        'Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}',
      ],
      [
        {
          Key: { k: { S: 'a' } },
          UpdateExpression: 'SET k = :x',
          ExpressionAttributeValues: { ':x': { S: 'v' } },
        },
        'One or more parameter values were invalid: Cannot update attribute k. This attribute is part of the key',
      ],
      [
        { Key: { k: { N: '1' } }, UpdateExpression: 'REMOVE a' },
        'The provided key element does not match the schema',
      ],
      [
        { Key: { k: { S: 'a' } }, UpdateExpression: 'REMOVE a', Expected: { a: { Exists: false } } },
        'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {UpdateExpression}',
      ],
      [
        {
          Key: { k: { S: 'a' } },
          UpdateExpression: 'ADD a :x',
          ExpressionAttributeValues: { ':x': { S: 'v' } },
        },
        'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING',
      ],
      [
        { Key: { k: { S: 'a' } }, UpdateExpression: 'SET a = b' },
        'The provided expression refers to an attribute that does not exist in the item',
      ],
      [
        { Key: { k: { S: 'a' } }, UpdateExpression: '' },
        'Invalid UpdateExpression: The expression can not be empty;',
      ],
    ]
    for (const [body, message] of cases) {
      const error = await failure('UpdateItem', { TableName: 'table-1', ...body })
      expect(error.type).toBe('ValidationException')
      expect(error.message).toBe(message)
    }
    expect((await call('Scan', { TableName: 'table-1' })).Count).toBe(0)
  })

  it('answers ResourceNotFoundException, ResourceInUseException and 503 when the store is down', async () => {
    expect((await failure('GetItem', { TableName: 'nope', Key: { k: { S: 'a' } } })).message).toBe(
      'Requested resource not found',
    )
    const inUse = await failure('CreateTable', {
      TableName: 'table-1',
      AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    })
    expect(inUse.type).toBe('com.amazonaws.dynamodb.v20120810#ResourceInUseException')
    store.unavailable = true
    const outage = await failure('GetItem', { TableName: 'table-1', Key: { k: { S: 'a' } } })
    expect(outage.status).toBe(503)
  })
})
