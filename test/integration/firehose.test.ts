// Firehose on real Kafka and Redis: the whole gateway in this process, driven by @aws-sdk/client-firehose over
// HTTP/2 and HTTP/1.1 and by the AWS CLI. Records put must be in the delivery stream's topic (one Kafka record
// each, the data as the value, no key, the append time as timestamp) once the put is answered; bad input must be
// answered as AWS answers it and change nothing.

import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

import {
  ConcurrentModificationException,
  CreateDeliveryStreamCommand,
  DeleteDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  InvalidArgumentException,
  PutRecordBatchCommand,
  PutRecordCommand,
  ResourceNotFoundException,
  StartDeliveryStreamEncryptionCommand,
  UpdateDestinationCommand,
} from '@aws-sdk/client-firehose'
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { parseRecordId } from '../../src/firehose/records/record-ids.ts'
import { deliveryStreamTopicName } from '../../src/mapping/delivery-stream-topics.ts'
import { ensureAwsCli } from './fixture/aws-cli.ts'
import { firehoseClient, waitUntilDeliveryStreamActive } from './fixture/firehose.ts'
import { startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'

const run = promisify(execFile)
const stack = inject('stack')
const accountId = testAccountId()
const region = 'us-east-1'
const S3 = { RoleARN: 'arn:aws:iam::123456789012:role/firehose', BucketARN: 'arn:aws:s3:::firehose' }

let gateway: TestGateway
const log = new KafkaRecordLog(createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'firehose-test' }))

beforeAll(async () => {
  gateway = await startTestGateway(stack, { FIREHOSE_TOPIC_PARTITIONS: '3' })
})

afterAll(async () => {
  await gateway.stop()
  await log.close()
})

function firehose(http1: boolean): FirehoseClient {
  return new FirehoseClient({
    endpoint: gateway.endpoint,
    region,
    credentials: { accessKeyId: accountId, secretAccessKey: 'test-secret' },
    maxAttempts: 1,
    requestHandler: http1 ? new NodeHttpHandler() : new NodeHttp2Handler(),
  })
}

async function storedAt(topic: string, recordId: string | undefined) {
  const place = parseRecordId(recordId ?? '')
  if (place === undefined) throw new Error(`not a RecordId: ${String(recordId)}`)
  const read = await log.read(topic, place.partition, place.offset, {
    maxRecords: 1,
    maxBytes: 1 << 21,
    maxWaitMs: 0,
  })
  const record = read.records[0]
  expect(record?.offset).toBe(place.offset)
  return record
}

/** Records in the topic, over all partitions. */
async function recordCount(topic: string): Promise<number> {
  let count = 0
  for (let partition = 0; partition < 3; partition++) {
    const range = await log.offsetRange(topic, partition)
    count += range.latest - range.earliest
  }
  return count
}

async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail')
    },
    (error: unknown) => error as Error,
  )
}

describe.each([
  ['HTTP/2', false],
  ['HTTP/1.1', true],
])('Firehose on Kafka and Redis through the AWS SDK over %s', (_label, http1) => {
  it('stores every record put in the delivery stream topic before answering, as put, without a key', async () => {
    const client = firehose(http1)
    const name = uniqueName('fh')
    const topic = deliveryStreamTopicName({ accountId, region, name })
    await client.send(
      new CreateDeliveryStreamCommand({ DeliveryStreamName: name, ExtendedS3DestinationConfiguration: S3 }),
    )
    await waitUntilDeliveryStreamActive(client, name)
    expect(await log.topicExists(topic)).toBe(true)

    const before = Date.now()
    const data = Buffer.from([0, 1, 2, 255, 10, 13])
    const put = await client.send(new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: data } }))
    const stored = await storedAt(topic, put.RecordId)
    expect(stored?.value).toEqual(data)
    expect(stored?.key).toBeNull()
    expect(stored?.timestamp).toBeGreaterThanOrEqual(before - 1_000)
    expect(stored?.timestamp).toBeLessThanOrEqual(Date.now() + 1_000)

    const texts = Array.from({ length: 500 }, (_, index) => `record-${String(index)}\n`)
    const batch = await client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: name,
        Records: texts.map((text) => ({ Data: Buffer.from(text) })),
      }),
    )
    expect(batch.FailedPutCount).toBe(0)
    expect(batch.RequestResponses).toHaveLength(500)
    const first = await storedAt(topic, batch.RequestResponses?.[0]?.RecordId)
    const last = await storedAt(topic, batch.RequestResponses?.[499]?.RecordId)
    expect(first?.value?.toString()).toBe(texts[0])
    expect(last?.value?.toString()).toBe(texts[499])
    expect(await recordCount(topic)).toBe(501)

    // A full-size record (1,000 KiB) is taken.
    const large = await client.send(
      new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: Buffer.alloc(1_024_000, 7) } }),
    )
    expect((await storedAt(topic, large.RecordId))?.value?.length).toBe(1_024_000)

    await client.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: name }))
    for (let attempt = 0; attempt < 100 && (await log.topicExists(topic)); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(await log.topicExists(topic)).toBe(false)
    expect(
      await failure(client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }))),
    ).toBeInstanceOf(ResourceNotFoundException)
    client.destroy()
  })

  it('answers bad input as AWS does and changes nothing', async () => {
    const client = firehose(http1)
    const name = uniqueName('fh-bad')
    const topic = deliveryStreamTopicName({ accountId, region, name })
    await client.send(
      new CreateDeliveryStreamCommand({ DeliveryStreamName: name, ExtendedS3DestinationConfiguration: S3 }),
    )
    await waitUntilDeliveryStreamActive(client, name)

    const oversize = await failure(
      client.send(
        new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: Buffer.alloc(1_024_001) } }),
      ),
    )
    expect(oversize.name).toBe('ValidationException')
    expect(oversize.message).toMatch(
      /^1 validation error detected: Value 'java\.nio\.HeapByteBuffer\[pos=0 lim=1024001 cap=1024001\]' at 'record\.data' failed to satisfy constraint: Member must have length less than or equal to 1024000$/,
    )
    const tooMany = await failure(
      client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: name,
          Records: Array.from({ length: 501 }, () => ({ Data: Buffer.from('x') })),
        }),
      ),
    )
    expect(tooMany.name).toBe('ValidationException')
    expect(tooMany.message).toContain(
      "at 'records' failed to satisfy constraint: Member must have length less than or equal to 500",
    )
    const tooLarge = await failure(
      client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: name,
          Records: Array.from({ length: 5 }, () => ({ Data: Buffer.alloc(1_000_000) })),
        }),
      ),
    )
    expect(tooLarge).toBeInstanceOf(InvalidArgumentException)
    const badName = await failure(
      client.send(
        new PutRecordCommand({ DeliveryStreamName: 'no/such', Record: { Data: Buffer.from('x') } }),
      ),
    )
    expect(badName.name).toBe('ValidationException')
    expect(badName.message).toContain("Value 'no/such' at 'deliveryStreamName' failed to satisfy constraint")
    const wrongVersion = await failure(
      client.send(
        new UpdateDestinationCommand({
          DeliveryStreamName: name,
          CurrentDeliveryStreamVersionId: '2',
          DestinationId: 'destinationId-000000000001',
          ExtendedS3DestinationUpdate: { Prefix: 'changed/' },
        }),
      ),
    )
    expect(wrongVersion).toBeInstanceOf(ConcurrentModificationException)

    expect(await recordCount(topic)).toBe(0)
    const { DeliveryStreamDescription } = await client.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
    )
    expect(DeliveryStreamDescription?.VersionId).toBe('1')
    expect(
      DeliveryStreamDescription?.Destinations?.[0]?.ExtendedS3DestinationDescription?.Prefix,
    ).toBeUndefined()
    await client.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: name }))
    client.destroy()
  })
})

describe('the AWS CLI (from PyPI) creating, describing and putting to a delivery stream', () => {
  let aws: string

  beforeAll(async () => {
    aws = await ensureAwsCli((line) => {
      process.stdout.write(`[integration] ${line}\n`)
    })
  }, 400_000)

  async function cli(...args: string[]): Promise<unknown> {
    const { stdout } = await run(
      aws,
      ['firehose', ...args, '--endpoint-url', gateway.endpoint, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: accountId,
          AWS_SECRET_ACCESS_KEY: 'test-secret',
          AWS_DEFAULT_REGION: region,
        },
      },
    )
    return stdout.trim() === '' ? undefined : (JSON.parse(stdout) as unknown)
  }

  it('creates a delivery stream, describes it and puts a record that lands in its topic', async () => {
    const name = uniqueName('fh-cli')
    const created = (await cli(
      'create-delivery-stream',
      '--delivery-stream-name',
      name,
      '--extended-s3-destination-configuration',
      `RoleARN=${S3.RoleARN},BucketARN=${S3.BucketARN}`,
    )) as { DeliveryStreamARN: string }
    expect(created.DeliveryStreamARN).toBe(`arn:aws:firehose:${region}:${accountId}:deliverystream/${name}`)
    let status = ''
    for (let attempt = 0; attempt < 50 && status !== 'ACTIVE'; attempt++) {
      const described = (await cli('describe-delivery-stream', '--delivery-stream-name', name)) as {
        DeliveryStreamDescription: { DeliveryStreamStatus: string }
      }
      status = described.DeliveryStreamDescription.DeliveryStreamStatus
      if (status !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(status).toBe('ACTIVE')
    const put = (await cli(
      'put-record',
      '--delivery-stream-name',
      name,
      '--record',
      'Data=hello from the cli',
    )) as {
      RecordId: string
      Encrypted: boolean
    }
    expect(put.Encrypted).toBe(false)
    const stored = await storedAt(deliveryStreamTopicName({ accountId, region, name }), put.RecordId)
    expect(stored?.value?.toString()).toBe('hello from the cli')
    await cli('delete-delivery-stream', '--delivery-stream-name', name)
  })
})

describe('two gateway processes on one Redis', () => {
  let other: TestGateway
  let otherClient: FirehoseClient

  beforeAll(async () => {
    other = await startTestGateway(stack, { FIREHOSE_DELIVERY: 'off', ANALYTICS_RUNTIME: 'off' })
    otherClient = firehoseClient(other.endpoint, accountId, region)
  })

  afterAll(async () => {
    otherClient.destroy()
    await other.stop()
  })

  it("serves puts from a copy that follows the other process's changes and deletion", async () => {
    const client = firehose(false)
    const name = uniqueName('fh-replicas')
    await client.send(
      new CreateDeliveryStreamCommand({ DeliveryStreamName: name, ExtendedS3DestinationConfiguration: S3 }),
    )
    await waitUntilDeliveryStreamActive(client, name)
    const put = () =>
      otherClient.send(new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: Buffer.from('x') } }))
    // Puts answered by the other process: from its cached copy once the first has read it.
    expect((await put()).Encrypted).toBe(false)
    expect((await put()).Encrypted).toBe(false)

    await client.send(new StartDeliveryStreamEncryptionCommand({ DeliveryStreamName: name }))
    await expect.poll(async () => (await put()).Encrypted, { timeout: 5_000, interval: 100 }).toBe(true)

    await client.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: name }))
    await expect
      .poll(
        () =>
          put().then(
            () => 'stored',
            (error: unknown) => (error as Error).name,
          ),
        {
          timeout: 2_000,
          interval: 50,
        },
      )
      .toBe('ResourceNotFoundException')
    client.destroy()
  })
})
