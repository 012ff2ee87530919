import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  PutRecordCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { kinesisClient, startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream, rejection } from './fixture/streams.ts'

describe('when Kafka cannot be reached', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let healthy: TestGateway
  let cutOff: TestGateway
  let good: KinesisClient
  let bad: KinesisClient

  beforeAll(async () => {
    healthy = await startTestGateway(stack)
    // Same Redis and S3, but a Kafka address where nothing listens.
    cutOff = await startTestGateway({ ...stack, kafkaBrokers: ['127.0.0.1:1'] })
    good = kinesisClient(healthy.endpoint, accountId, 'HTTP/2')
    bad = kinesisClient(cutOff.endpoint, accountId, 'HTTP/2')
  })

  afterAll(async () => {
    good.destroy()
    bad.destroy()
    await Promise.all([healthy.stop(), cutOff.stop()])
  })

  it('reports itself unhealthy, naming Kafka', async () => {
    const response = await fetch(`${cutOff.endpoint}/health`)
    expect(response.status).toBe(503)
    const report = (await response.json()) as { ok: boolean; checks: Record<string, string> }
    expect(report.ok).toBe(false)
    expect(report.checks.redis).toBe('ok')
    expect(report.checks.kafka).toMatch(/^Kafka \(127\.0\.0\.1:1\) is unavailable: /)
  })

  it('answers writes with a retriable server error and stores nothing', async () => {
    const streamName = uniqueName('faults')
    await createActiveStream(good, streamName, 1)

    const put = await rejection(
      bad.send(
        new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from('lost?') }),
      ),
    )
    expect([put.$metadata.httpStatusCode, put.name]).toEqual([503, 'ServiceUnavailable'])

    const { ShardIterator } = await good.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
    expect((await good.send(new GetRecordsCommand({ ShardIterator }))).Records).toEqual([])
    await good.send(new DeleteStreamCommand({ StreamName: streamName }))
  })

  it('fails CreateStream with a retriable error and leaves no half-created stream', async () => {
    const streamName = uniqueName('faults-create')
    const create = await rejection(
      bad.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 })),
    )
    expect([create.$metadata.httpStatusCode, create.name]).toEqual([503, 'ServiceUnavailable'])
    const listed = await good.send(new ListStreamsCommand({}))
    expect(listed.StreamNames).not.toContain(streamName)
  })
})
