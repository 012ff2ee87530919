// The DynamoDB subset on real Redis: several gateway instances sharing one store (as replicas do), racing KCL's
// conditional lease updates; items surviving a new instance; a Redis outage answered with a retriable 503.

import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import type { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'

import { createRedisClient } from '../../src/adapters/redis/redis-client.ts'
import { RedisTableStore } from '../../src/adapters/redis/redis-table-store.ts'
import { loadConfig } from '../../src/config.ts'
import { createDynamoDbService } from '../../src/dynamodb/service.ts'
import { createGatewayServer, createLogger, type GatewayServer } from '../../src/gateway/index.ts'
import { systemClock } from '../../src/ports/clock.ts'
import { WORKER, newLease } from '../support/dynamodb/kcl-requests.ts'
import { uniqueName } from './fixture/names.ts'
import { deleteKeysWithPrefix, unreachableRedisUrl } from './fixture/redis.ts'

const keyPrefix = `${uniqueName('dynamodb-test')}:`
const opened: { gateway: GatewayServer; redis: Redis; client: DynamoDBClient }[] = []

/** One gateway instance with its own Redis connection, as a replica has. */
async function startInstance(redisUrl: string = inject('stack').redisUrl): Promise<DynamoDBClient> {
  const redis = createRedisClient(redisUrl, 'dynamodb-test')
  redis.on('error', () => undefined)
  const gateway = createGatewayServer({
    settings: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    services: [
      createDynamoDbService({
        tables: new RedisTableStore(redis, { keyPrefix }),
        clock: systemClock,
        settings: { creatingDelayMs: 0 },
      }),
    ],
    healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
    logger: createLogger('silent'),
  })
  const { port } = await gateway.listen()
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'secret' },
    maxAttempts: 1,
  })
  opened.push({ gateway, redis, client })
  return client
}

async function stopAll(): Promise<void> {
  for (const { gateway, redis, client } of opened.splice(0)) {
    client.destroy()
    await gateway.close()
    redis.disconnect()
  }
}

afterAll(async () => {
  await stopAll()
  const redis = createRedisClient(inject('stack').redisUrl, 'dynamodb-test-cleanup')
  await deleteKeysWithPrefix(redis, keyPrefix)
  await redis.quit()
})

const TABLE = 'kcl-leases'
const SHARD = { leaseKey: { S: 'shardId-000000000000' } }

describe('DynamoDB on Redis', () => {
  it('lets exactly one of two gateway instances win each round of conditional lease renewals', async () => {
    const [first, second] = [await startInstance(), await startInstance()] as [DynamoDBClient, DynamoDBClient]
    await first.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    await first.send(
      new PutItemCommand({ TableName: TABLE, Item: newLease('shardId-000000000000') as never }),
    )

    const rounds = 25
    for (let round = 0; round < rounds; round++) {
      // Both replicas renew the lease they both read at counter `round` (KCL's Expected + ADD).
      const renew = (client: DynamoDBClient, owner: string) =>
        client
          .send(
            new UpdateItemCommand({
              TableName: TABLE,
              Key: SHARD,
              AttributeUpdates: {
                leaseCounter: { Action: 'ADD', Value: { N: '1' } },
                leaseOwner: { Action: 'PUT', Value: { S: owner } },
              },
              Expected: { leaseCounter: { Value: { N: String(round) } } },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          )
          .then(
            () => 'won',
            (error: unknown) => {
              if (error instanceof ConditionalCheckFailedException) return 'lost'
              throw error
            },
          )
      const outcomes = await Promise.all([renew(first, 'first'), renew(second, 'second')])
      expect(outcomes.filter((outcome) => outcome === 'won')).toHaveLength(1)
    }
    const lease = await second.send(
      new GetItemCommand({ TableName: TABLE, Key: SHARD, ConsistentRead: true }),
    )
    expect(lease.Item?.leaseCounter).toEqual({ N: String(rounds) })
  })

  it('lets exactly one of several instances take an unowned lease', async () => {
    const clients = [await startInstance(), await startInstance(), await startInstance()]
    const shard = { leaseKey: { S: 'shardId-000000000001' } }
    await clients[0]?.send(
      new PutItemCommand({ TableName: TABLE, Item: newLease('shardId-000000000001') as never }),
    )
    const outcomes = await Promise.all(
      clients.map((client, index) =>
        client
          .send(
            new UpdateItemCommand({
              TableName: TABLE,
              Key: shard,
              UpdateExpression: 'SET leaseOwner = :me ADD leaseCounter :one',
              ConditionExpression: 'attribute_exists(leaseKey) AND attribute_not_exists(leaseOwner)',
              ExpressionAttributeValues: { ':me': { S: `${WORKER}-${index}` }, ':one': { N: '1' } },
            }),
          )
          .then(
            () => true,
            (error: unknown) => {
              if (error instanceof ConditionalCheckFailedException) return false
              throw error
            },
          ),
      ),
    )
    expect(outcomes.filter(Boolean)).toHaveLength(1)
  })

  it('keeps the items for a new gateway instance', async () => {
    await stopAll()
    const fresh = await startInstance()
    const lease = await fresh.send(new GetItemCommand({ TableName: TABLE, Key: SHARD }))
    expect(lease.Item?.leaseKey).toEqual(SHARD.leaseKey)
    expect(lease.Item?.leaseCounter).toEqual({ N: '25' })
  })

  it('answers a retriable 503 while Redis is unreachable', async () => {
    const down = await startInstance(await unreachableRedisUrl())
    const error = await down
      .send(new GetItemCommand({ TableName: TABLE, Key: SHARD }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } })
  })
})
