// The DynamoDB subset behind the real gateway, driven by @aws-sdk/client-dynamodb over HTTP/2 and HTTP/1.1 with
// the call sequence a KCL 3.x worker makes (the recorded requests), on the memory table store.

import { crc32 } from 'node:zlib'

import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../../src/config.ts'
import { createDynamoDbService } from '../../src/dynamodb/service.ts'
import { createGatewayServer, createLogger, type GatewayServer } from '../../src/gateway/index.ts'
import { KCL_REQUESTS, WORKER, newLease } from '../support/dynamodb/kcl-requests.ts'
import { MemoryTableStore } from '../support/memory/memory-table-store.ts'

let gateway: GatewayServer
let endpoint: string

beforeAll(async () => {
  gateway = createGatewayServer({
    settings: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    services: [
      createDynamoDbService({
        tables: new MemoryTableStore(),
        clock: { now: () => Date.now() },
        settings: { creatingDelayMs: 0 },
      }),
    ],
    healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
    logger: createLogger('silent'),
  })
  const { port } = await gateway.listen()
  endpoint = `http://127.0.0.1:${port}`
})

afterAll(async () => {
  await gateway.close()
})

function client(http1: boolean): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: http1 ? new NodeHttpHandler() : new NodeHttp2Handler(),
  })
}

/** The recorded request `index`, for the test's own table, as sent (typed as whatever the command takes). */
function recorded(index: number, table: string): never {
  return { ...KCL_REQUESTS[index]?.body, TableName: table } as never
}

describe.each([
  ['HTTP/2', false],
  ['HTTP/1.1', true],
])('KCL call sequence over %s', (_, http1) => {
  it('creates the lease table and index, takes and checkpoints a lease, and queries by owner', async () => {
    const dynamo = client(http1)
    const table = `kcl-app-${http1 ? 'h1' : 'h2'}`
    const created = await dynamo.send(new CreateTableCommand(recorded(0, table)))
    expect(created.TableDescription?.TableStatus).toBe('CREATING')
    const described = await dynamo.send(new DescribeTableCommand({ TableName: table }))
    expect(described.Table?.TableStatus).toBe('ACTIVE')

    await dynamo.send(new PutItemCommand(recorded(1, table)))
    await expect(dynamo.send(new PutItemCommand(recorded(1, table)))).rejects.toThrow(
      ConditionalCheckFailedException,
    )
    const updated = await dynamo.send(new UpdateTableCommand(recorded(2, table)))
    expect(updated.TableDescription?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('LeaseOwnerToLeaseKeyIndex')
    const withIndex = await dynamo.send(new DescribeTableCommand({ TableName: table }))
    expect(withIndex.Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus).toBe('ACTIVE')

    await dynamo.send(new PutItemCommand(recorded(3, table)))
    await dynamo.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          ...newLease('shardId-000000000000'),
          leaseCounter: { N: '3' },
        },
      }),
    )
    const scanned = await dynamo.send(new ScanCommand(recorded(4, table)))
    expect(scanned.Count).toBe(3)
    await dynamo.send(new UpdateItemCommand(recorded(5, table)))

    const taken = await dynamo.send(new UpdateItemCommand(recorded(6, table)))
    expect(taken.Attributes?.leaseCounter).toEqual({ N: '4' })
    const lost = await dynamo.send(new UpdateItemCommand(recorded(6, table))).catch((error: unknown) => error)
    expect(lost).toBeInstanceOf(ConditionalCheckFailedException)
    expect((lost as ConditionalCheckFailedException).Item?.leaseOwner).toEqual({ S: WORKER })

    await dynamo.send(new UpdateItemCommand(recorded(7, table)))
    const lease = await dynamo.send(
      new GetItemCommand({
        TableName: table,
        Key: { leaseKey: { S: 'shardId-000000000000' } },
        ConsistentRead: true,
      }),
    )
    expect(lease.Item?.leaseCounter).toEqual({ N: '5' })
    const owned = await dynamo.send(new QueryCommand(recorded(8, table)))
    expect(owned.Items).toEqual([{ leaseKey: { S: 'shardId-000000000000' }, leaseOwner: { S: WORKER } }])

    const tables = await dynamo.send(new ListTablesCommand({}))
    expect(tables.TableNames).toContain(table)
    await expect(dynamo.send(new DescribeTableCommand({ TableName: 'missing-table' }))).rejects.toThrow(
      ResourceNotFoundException,
    )
    dynamo.destroy()
  })
})

describe('the wire format', () => {
  it('sends x-amz-crc32 with the CRC32 of every body, errors included, and DynamoDB error shapes', async () => {
    const post = async (target: string, body: unknown, checksum = true) => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${target}`,
        },
        body: JSON.stringify(body),
      })
      const bytes = Buffer.from(await response.arrayBuffer())
      // An operation no service serves is answered before any service is known: no checksum (the SDKs check
      // it only when present).
      if (checksum) expect(response.headers.get('x-amz-crc32')).toBe(String(crc32(bytes)))
      return { status: response.status, document: JSON.parse(bytes.toString()) as Record<string, unknown> }
    }
    expect((await post('ListTables', {})).status).toBe(200)
    expect(await post('GetItem', { TableName: 'missing-table', Key: { k: { S: 'a' } } })).toEqual({
      status: 400,
      document: {
        __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
        message: 'Requested resource not found',
      },
    })
    expect((await post('BatchWriteItem', {}, false)).document.__type).toBe('UnknownOperationException')
  })
})
