// Firehose behind the real gateway, driven by @aws-sdk/client-firehose over HTTP/2 and HTTP/1.1, on the memory
// fakes: the whole lifecycle of a delivery stream, records put, and AWS's errors as the SDK surfaces them.

import {
  ConcurrentModificationException,
  CreateDeliveryStreamCommand,
  DeleteDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  InvalidArgumentException,
  ListDeliveryStreamsCommand,
  ListTagsForDeliveryStreamCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
  ResourceNotFoundException,
  ServiceUnavailableException,
  StartDeliveryStreamEncryptionCommand,
  TagDeliveryStreamCommand,
  UntagDeliveryStreamCommand,
  UpdateDestinationCommand,
  StopDeliveryStreamEncryptionCommand,
} from '@aws-sdk/client-firehose'
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../../src/config.ts'
import { parseRecordId } from '../../src/firehose/records/record-ids.ts'
import { createGatewayServer, createLogger, type GatewayServer } from '../../src/gateway/index.ts'
import { RecordLogUnavailableError } from '../../src/ports/record-log.ts'
import { fakeFirehose, S3_DESTINATION } from '../support/firehose/fake-firehose.ts'

const firehose = fakeFirehose()
let gateway: GatewayServer
let endpoint: string

beforeAll(async () => {
  gateway = createGatewayServer({
    settings: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    services: [firehose.service],
    healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
    logger: createLogger('silent'),
  })
  const { port } = await gateway.listen()
  endpoint = `http://127.0.0.1:${String(port)}`
})

afterAll(async () => {
  await gateway.close()
})

function client(http1: boolean): FirehoseClient {
  return new FirehoseClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
    requestHandler: http1 ? new NodeHttpHandler() : new NodeHttp2Handler(),
  })
}

describe.each([
  ['HTTP/2', false],
  ['HTTP/1.1', true],
])('Firehose through the AWS SDK over %s', (label, http1) => {
  const name = `clicks-${http1 ? 'h1' : 'h2'}`

  it('creates, describes, lists, puts, updates, tags, encrypts and deletes a delivery stream', async () => {
    const sdk = client(http1)
    const { DeliveryStreamARN } = await sdk.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: name,
        ExtendedS3DestinationConfiguration: S3_DESTINATION,
        Tags: [{ Key: 'team', Value: 'web' }],
      }),
    )
    expect(DeliveryStreamARN).toBe(`arn:aws:firehose:us-east-1:123456789012:deliverystream/${name}`)
    await firehose.settle()

    const { DeliveryStreamDescription: description } = await sdk.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
    )
    expect(description).toMatchObject({
      DeliveryStreamStatus: 'ACTIVE',
      VersionId: '1',
      HasMoreDestinations: false,
      Destinations: [
        {
          DestinationId: 'destinationId-000000000001',
          ExtendedS3DestinationDescription: { BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 } },
        },
      ],
    })
    expect(description?.CreateTimestamp).toEqual(new Date(firehose.deps.clock.now()))
    const listed = await sdk.send(new ListDeliveryStreamsCommand({}))
    expect(listed.DeliveryStreamNames).toContain(name)

    const put = await sdk.send(
      new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: new TextEncoder().encode('abc') } }),
    )
    expect(put.Encrypted).toBe(false)
    expect(put.RecordId).toHaveLength(224)
    const batch = await sdk.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: name,
        Records: ['x', '', 'z'].map((text) => ({ Data: new TextEncoder().encode(text) })),
      }),
    )
    expect(batch.FailedPutCount).toBe(0)
    const places = (batch.RequestResponses ?? []).map((entry) => parseRecordId(entry.RecordId ?? ''))
    const topic = `firehose.123456789012.us-east-1.${name}`
    const values = await Promise.all(
      places.map(async (place) => {
        const read = await firehose.deps.recordLog.read(topic, place?.partition ?? -1, place?.offset ?? -1, {
          maxRecords: 1,
          maxBytes: 1 << 20,
          maxWaitMs: 0,
        })
        return read.records[0]?.value?.toString()
      }),
    )
    expect(values).toEqual(['x', '', 'z'])

    await expect(
      sdk.send(
        new UpdateDestinationCommand({
          DeliveryStreamName: name,
          CurrentDeliveryStreamVersionId: '7',
          DestinationId: 'destinationId-000000000001',
          ExtendedS3DestinationUpdate: { Prefix: 'logs/' },
        }),
      ),
    ).rejects.toBeInstanceOf(ConcurrentModificationException)
    await sdk.send(
      new UpdateDestinationCommand({
        DeliveryStreamName: name,
        CurrentDeliveryStreamVersionId: '1',
        DestinationId: 'destinationId-000000000001',
        ExtendedS3DestinationUpdate: { Prefix: 'logs/' },
      }),
    )
    const updated = await sdk.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }))
    expect(updated.DeliveryStreamDescription?.VersionId).toBe('2')
    expect(updated.DeliveryStreamDescription?.Destinations?.[0]?.S3DestinationDescription?.Prefix).toBe(
      'logs/',
    )

    await sdk.send(
      new TagDeliveryStreamCommand({ DeliveryStreamName: name, Tags: [{ Key: 'env', Value: 'dev' }] }),
    )
    await sdk.send(new UntagDeliveryStreamCommand({ DeliveryStreamName: name, TagKeys: ['team'] }))
    expect(await sdk.send(new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: name }))).toMatchObject({
      Tags: [{ Key: 'env', Value: 'dev' }],
      HasMoreTags: false,
    })

    await sdk.send(new StartDeliveryStreamEncryptionCommand({ DeliveryStreamName: name }))
    const enabling = await sdk.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }))
    expect(enabling.DeliveryStreamDescription?.DeliveryStreamEncryptionConfiguration).toEqual({
      KeyType: 'AWS_OWNED_CMK',
      Status: 'ENABLING',
    })
    firehose.deps.clock.advance(1_000)
    const encrypted = await sdk.send(
      new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: new Uint8Array([1]) } }),
    )
    expect(encrypted.Encrypted).toBe(true)
    await sdk.send(new StopDeliveryStreamEncryptionCommand({ DeliveryStreamName: name }))

    await sdk.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: name }))
    await firehose.settle()
    await expect(
      sdk.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException)
    sdk.destroy()
  })

  it('answers bad input with AWS errors and an outage with a retriable 503', async () => {
    const sdk = client(http1)
    const missing = await sdk
      .send(new PutRecordCommand({ DeliveryStreamName: 'absent', Record: { Data: new Uint8Array([1]) } }))
      .catch((error: unknown) => error)
    expect(missing).toBeInstanceOf(ResourceNotFoundException)
    expect((missing as Error).message).toBe('Firehose absent under account 123456789012 not found.')

    const oversize = await sdk
      .send(
        new PutRecordCommand({ DeliveryStreamName: 'absent', Record: { Data: new Uint8Array(1_024_001) } }),
      )
      .catch((error: unknown) => error)
    expect(oversize).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(
        "at 'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000",
      ) as unknown,
    })

    const destinationless = await sdk
      .send(new CreateDeliveryStreamCommand({ DeliveryStreamName: `none-${label.length}` }))
      .catch((error: unknown) => error)
    expect(destinationless).toBeInstanceOf(InvalidArgumentException)

    const outageName = `outage-${http1 ? 'h1' : 'h2'}`
    await sdk.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: outageName,
        ExtendedS3DestinationConfiguration: S3_DESTINATION,
      }),
    )
    await firehose.settle()
    const append = firehose.deps.recordLog.append.bind(firehose.deps.recordLog)
    firehose.deps.recordLog.append = () =>
      Promise.reject(new RecordLogUnavailableError('Kafka is unreachable'))
    try {
      const outage = await sdk
        .send(new PutRecordCommand({ DeliveryStreamName: outageName, Record: { Data: new Uint8Array([1]) } }))
        .catch((error: unknown) => error)
      expect(outage).toBeInstanceOf(ServiceUnavailableException)
      expect((outage as ServiceUnavailableException).$metadata.httpStatusCode).toBe(503)
    } finally {
      firehose.deps.recordLog.append = append
    }
    sdk.destroy()
  })
})
