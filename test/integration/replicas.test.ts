import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { kinesisClient, startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { readShard, waitUntilActive } from './fixture/streams.ts'

describe('several gateway replicas on one Kafka and Redis', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let first: TestGateway
  let second: TestGateway
  let one: KinesisClient
  let two: KinesisClient

  beforeAll(async () => {
    first = await startTestGateway(stack)
    second = await startTestGateway(stack)
    one = kinesisClient(first.endpoint, accountId, 'HTTP/2')
    two = kinesisClient(second.endpoint, accountId, 'HTTP/1.1')
  })

  afterAll(async () => {
    one.destroy()
    two.destroy()
    await Promise.all([first.stop(), second.stop()])
  })

  it('serves a stream created on one replica from the other, iterators included', async () => {
    const streamName = uniqueName('replicas')
    await one.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }))
    await waitUntilActive(two, streamName)

    await one.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: [{ PartitionKey: 'k', Data: Buffer.from('written-through-first') }],
      }),
    )
    await two.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: [{ PartitionKey: 'k', Data: Buffer.from('written-through-second') }],
      }),
    )
    expect(await readShard(two, streamName, 'shardId-000000000000')).toEqual([
      'written-through-first',
      'written-through-second',
    ])

    const { ShardIterator } = await one.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
    const fromOtherReplica = await two.send(new GetRecordsCommand({ ShardIterator }))
    expect(fromOtherReplica.Records).toHaveLength(2)

    await two.send(new DeleteStreamCommand({ StreamName: streamName }))
  })

  it('loses nothing acknowledged when a replica restarts in the middle of a producer run', async () => {
    const streamName = uniqueName('restart')
    await one.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }))
    await waitUntilActive(one, streamName)

    const acknowledged: string[] = []
    let failures = 0
    const produce = async (client: KinesisClient, prefix: string, batches: number): Promise<void> => {
      for (let batch = 0; batch < batches; batch++) {
        const values = Array.from({ length: 10 }, (_, index) => `${prefix}-${batch}-${index}`)
        try {
          const result = await client.send(
            new PutRecordsCommand({
              StreamName: streamName,
              Records: values.map((value) => ({ PartitionKey: 'p', Data: Buffer.from(value) })),
            }),
          )
          result.Records?.forEach((entry, index) => {
            if (entry.ErrorCode === undefined) acknowledged.push(values[index] ?? '')
          })
        } catch {
          failures++
        }
      }
    }

    const restarted = startTestGateway(stack)
    const running = produce(one, 'first', 40)
    await new Promise((resolve) => setTimeout(resolve, 50))
    await first.stop()
    await running
    first = await restarted
    one.destroy()
    one = kinesisClient(first.endpoint, accountId, 'HTTP/2')
    await produce(one, 'after-restart', 10)

    const stored = await readShard(two, streamName, 'shardId-000000000000')
    const storedSet = new Set(stored)
    expect(acknowledged.filter((value) => !storedSet.has(value))).toEqual([])
    expect(acknowledged.length).toBeGreaterThanOrEqual(100)
    expect(new Set(stored).size).toBe(stored.length)
    expect(failures + acknowledged.length / 10).toBe(50)

    await two.send(new DeleteStreamCommand({ StreamName: streamName }))
  })
})
