import { KINESIS_ENDPOINT } from '../../src/streams/service.ts'
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../../src/config.ts'
import { createGatewayServer, createLogger, type GatewayServer } from '../../src/gateway/index.ts'
import { defineService } from '../../src/aws/index.ts'
import { createTestDataPlane, createTestStream, splitTestShard } from '../support/streams/test-streams.ts'
import { dataPlaneOperations } from '../../src/streams/operations/data-plane.ts'

describe('the data-plane operations through the gateway, driven by the AWS SDK', () => {
  const plane = createTestDataPlane()
  let gateway: GatewayServer
  let endpoint: string

  beforeAll(async () => {
    await createTestStream(plane, { name: 'wire', shardCount: 1 })
    await createTestStream(plane, { name: 'resharded', shardCount: 1 })
    gateway = createGatewayServer({
      settings: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
      services: [
        defineService({
          ...KINESIS_ENDPOINT,
          operations: dataPlaneOperations(plane.deps),
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

  function client(http1: boolean): KinesisClient {
    return new KinesisClient({
      endpoint,
      region: plane.context.region,
      credentials: { accessKeyId: plane.context.accountId, secretAccessKey: 'secret' },
      ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
    })
  }

  it.each([
    ['HTTP/2', false],
    ['HTTP/1.1', true],
  ])('writes and reads records back over %s', async (_, http1) => {
    const kinesis = client(http1)
    const single = await kinesis.send(
      new PutRecordCommand({ StreamName: 'wire', PartitionKey: 'one', Data: Buffer.from([0, 1, 2, 255]) }),
    )
    const batch = await kinesis.send(
      new PutRecordsCommand({
        StreamName: 'wire',
        Records: [
          { PartitionKey: 'two', Data: Buffer.from('second') },
          { PartitionKey: 'three', Data: Buffer.from('third'), ExplicitHashKey: '7' },
        ],
      }),
    )
    expect(batch.FailedRecordCount).toBe(0)
    const iterator = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: 'wire',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: single.SequenceNumber,
      }),
    )
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))
    expect(page.Records?.map((record) => record.PartitionKey)).toEqual(['one', 'two', 'three'])
    expect(page.Records?.map((record) => record.SequenceNumber)).toEqual([
      single.SequenceNumber,
      ...(batch.Records ?? []).map((record) => record.SequenceNumber),
    ])
    expect(Array.from(page.Records?.[0]?.Data ?? [])).toEqual([0, 1, 2, 255])
    expect(page.Records?.[0]?.ApproximateArrivalTimestamp).toEqual(new Date(plane.clock.now()))
    expect(page.MillisBehindLatest).toBe(0)
    expect(page.NextShardIterator).toBeDefined()
    kinesis.destroy()
  })

  it('reports the children at the end of a closed shard and no next iterator', async () => {
    const kinesis = client(false)
    await kinesis.send(
      new PutRecordCommand({ StreamName: 'resharded', PartitionKey: 'p', Data: Buffer.from('x') }),
    )
    await splitTestShard(plane, 'resharded', 0)
    const iterator = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: 'resharded',
        ShardId: '0',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))
    expect(page.Records).toHaveLength(1)
    expect(page.NextShardIterator).toBeUndefined()
    expect(page.ChildShards?.map((child) => [child.ShardId, child.ParentShards])).toEqual([
      ['shardId-000000000001', ['shardId-000000000000']],
      ['shardId-000000000002', ['shardId-000000000000']],
    ])
    kinesis.destroy()
  })

  it('raises ExpiredIteratorException in the SDK for an iterator older than five minutes', async () => {
    const kinesis = client(false)
    const iterator = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: 'wire', ShardId: '0', ShardIteratorType: 'LATEST' }),
    )
    plane.clock.advance(300_001)
    await expect(
      kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator })),
    ).rejects.toBeInstanceOf(ExpiredIteratorException)
    kinesis.destroy()
  })
})
