import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { createRedisClient } from '../../src/adapters/redis/redis-client.ts'
import { kinesisClient, startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream } from './fixture/streams.ts'

/** Commands Redis has executed, by name, from its own statistics. */
async function commandCounts(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats')
  const counts = new Map<string, number>()
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    counts.set(match[1] ?? '', Number(match[2]))
  return counts
}

describe('the data path on a warm gateway (design invariant 5)', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let gateway: TestGateway
  let client: KinesisClient
  const redis = createRedisClient(stack.redisUrl, 'data-path-test')

  beforeAll(async () => {
    // Its own key prefix and no periodic reconciler run: the Redis commands counted are the data path's, not
    // those of a reconciler looking at every stream other test files left on the shared Redis.
    gateway = await startTestGateway(stack, {
      REDIS_KEY_PREFIX: `${uniqueName('warm-prefix')}:`,
      STREAM_RECONCILE_INTERVAL_MS: String(3_600_000),
    })
    client = kinesisClient(gateway.endpoint, accountId, 'HTTP/2')
  })

  afterAll(async () => {
    client.destroy()
    await gateway.stop()
    await redis.quit()
  })

  it('issues no Redis command for PutRecord, PutRecords, GetShardIterator and GetRecords', async () => {
    const streamName = uniqueName('warm')
    await createActiveStream(client, streamName, 2)
    const shard = { StreamName: streamName, ShardId: 'shardId-000000000000' }
    // Warm up: the first data-plane call loads the stream into the gateway's cache.
    await client.send(
      new PutRecordCommand({ StreamName: streamName, PartitionKey: 'warm', Data: Buffer.from('x') }),
    )
    await client.send(new GetShardIteratorCommand({ ...shard, ShardIteratorType: 'TRIM_HORIZON' }))

    const before = await commandCounts(redis)
    for (let round = 0; round < 20; round++) {
      await client.send(
        new PutRecordCommand({ StreamName: streamName, PartitionKey: `k${round}`, Data: Buffer.from('x') }),
      )
      await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: Array.from({ length: 50 }, (_, index) => ({
            PartitionKey: `p${index}`,
            Data: Buffer.from('y'),
          })),
        }),
      )
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({ ...shard, ShardIteratorType: 'TRIM_HORIZON' }),
      )
      await client.send(new GetRecordsCommand({ ShardIterator }))
    }
    const after = await commandCounts(redis)

    const issued = [...after].filter(([name, calls]) => name !== 'info' && calls !== (before.get(name) ?? 0))
    expect(issued).toEqual([])

    await client.send(new DeleteStreamCommand({ StreamName: streamName }))
  })
})
