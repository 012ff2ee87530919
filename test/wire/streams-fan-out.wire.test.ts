import { KINESIS_ENDPOINT } from '../../src/streams/service.ts'
import http2 from 'node:http2'

import {
  DescribeStreamConsumerCommand,
  KinesisClient,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { MemoryConsumerRegistry } from '../support/memory/memory-consumer-registry.ts'
import { MemorySubscriptionLeases } from '../support/memory/memory-subscription-leases.ts'
import { loadConfig } from '../../src/config.ts'
import { createGatewayServer, createLogger, type GatewayServer } from '../../src/gateway/index.ts'
import { defineService } from '../../src/aws/index.ts'
import { decodeCbor } from '../../src/gateway/protocol/cbor-reader.ts'
import { encodeCbor } from '../../src/gateway/protocol/cbor-writer.ts'
import { decodeEventStream } from '../support/event-stream-frames.ts'
import type { StreamsDeps } from '../../src/streams/deps.ts'
import { createTestDataPlane, createTestStream } from '../support/streams/test-streams.ts'
import { WaitingRecordLog } from '../support/streams/waiting-record-log.ts'
import { dataPlaneOperations } from '../../src/streams/operations/data-plane.ts'
import { fanOutOperations } from '../../src/streams/operations/fan-out.ts'

describe('enhanced fan-out through the gateway, driven by the AWS SDK', () => {
  const base = createTestDataPlane()
  const log = new WaitingRecordLog(base.clock)
  const deps: StreamsDeps = {
    ...base.deps,
    recordLog: log,
    consumers: new MemoryConsumerRegistry(),
    subscriptionLeases: new MemorySubscriptionLeases(base.clock),
    fanOut: { subscriptionDurationMs: 1_000, heartbeatIntervalMs: 200, tailWaitMs: 50 },
  }
  const plane = { ...base, deps, recordLog: log }
  let gateway: GatewayServer
  let kinesis: KinesisClient
  let streamArn: string
  let url: string

  beforeAll(async () => {
    streamArn = (await createTestStream(plane, { name: 'fan-out', shardCount: 1 })).streamArn
    gateway = createGatewayServer({
      settings: loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        DEFAULT_ACCOUNT_ID: plane.context.accountId,
        AWS_REGION: plane.context.region,
      }),
      services: [
        defineService({
          ...KINESIS_ENDPOINT,
          operations: [...dataPlaneOperations(deps), ...fanOutOperations(deps)],
        }),
      ],
      healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
      logger: createLogger('silent'),
      // The SDK keeps the subscription's HTTP/2 stream open after the test stops reading it.
      closeGraceMs: 100,
    })
    const { port } = await gateway.listen()
    url = `http://127.0.0.1:${port}`
    kinesis = new KinesisClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: plane.context.region,
      credentials: { accessKeyId: plane.context.accountId, secretAccessKey: 'secret' },
      maxAttempts: 1,
    })
  })

  afterAll(async () => {
    kinesis.destroy()
    await gateway.close()
  })

  it('registers a consumer and pushes records written after the subscription to it', async () => {
    const { Consumer } = await kinesis.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'wire-app' }),
    )
    const ConsumerARN = Consumer?.ConsumerARN ?? ''
    expect(ConsumerARN).toMatch(new RegExp(`^${streamArn}/consumer/wire-app:\\d+$`))
    const described = await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN }))
    expect(described.ConsumerDescription?.ConsumerStatus).toBe('ACTIVE')

    await kinesis.send(
      new PutRecordCommand({ StreamARN: streamArn, PartitionKey: 'early', Data: Buffer.from('before') }),
    )
    const output = await kinesis.send(
      new SubscribeToShardCommand({
        ConsumerARN,
        ShardId: 'shardId-000000000000',
        StartingPosition: { Type: 'TRIM_HORIZON' },
      }),
    )
    if (output.EventStream === undefined) throw new Error('the output has no event stream')
    const events = output.EventStream[Symbol.asyncIterator]()
    const next = async (): Promise<SubscribeToShardEventStream> => {
      const result = await events.next()
      if (result.done === true) throw new Error('the event stream ended')
      return result.value
    }
    const first = await next()
    expect(first.SubscribeToShardEvent?.Records?.map((record) => record.PartitionKey)).toEqual(['early'])
    const put = await kinesis.send(
      new PutRecordCommand({ StreamARN: streamArn, PartitionKey: 'late', Data: Buffer.from([0, 1, 255]) }),
    )
    let event = await next()
    while (event.SubscribeToShardEvent?.Records?.length === 0) event = await next()
    const [record] = event.SubscribeToShardEvent?.Records ?? []
    expect(record?.SequenceNumber).toBe(put.SequenceNumber)
    expect(Buffer.from(record?.Data ?? [])).toEqual(Buffer.from([0, 1, 255]))
    expect(record?.ApproximateArrivalTimestamp).toBeInstanceOf(Date)
    expect(event.SubscribeToShardEvent?.ContinuationSequenceNumber).toBe(put.SequenceNumber)
    await events.return?.()
  })

  it('answers a CBOR request with CBOR events, and ends the stream cleanly when the subscription is over', async () => {
    const { Consumer } = await kinesis.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'cbor-app' }),
    )
    await kinesis.send(
      new PutRecordCommand({ StreamARN: streamArn, PartitionKey: 'cbor', Data: Buffer.from('binary') }),
    )
    const session = http2.connect(url)
    try {
      const body = await new Promise<Buffer>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/',
          'content-type': 'application/x-amz-cbor-1.1',
          'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
        })
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          resolve(Buffer.concat(chunks))
        })
        stream.on('error', reject)
        stream.end(
          encodeCbor({
            ConsumerARN: Consumer?.ConsumerARN,
            ShardId: 'shardId-000000000000',
            StartingPosition: { Type: 'TRIM_HORIZON' },
          }),
        )
      })
      const messages = decodeEventStream(body)
      expect(messages[0]?.headers[':event-type']).toBe('initial-response')
      const events = messages.slice(1)
      expect(events.length).toBeGreaterThan(0)
      for (const message of events) expect(message.headers[':event-type']).toBe('SubscribeToShardEvent')
      const first = decodeCbor(events[0]?.payload ?? Buffer.alloc(0)) as {
        Records: { Data: Uint8Array; PartitionKey: string }[]
      }
      const partitionKeys = first.Records.map((record) => record.PartitionKey)
      expect(partitionKeys.at(-1)).toBe('cbor')
      expect(Buffer.from(first.Records.at(-1)?.Data ?? []).toString()).toBe('binary')
    } finally {
      session.close()
    }
  })
})
