// Firehose end to end through the gateway on real Kafka, Redis and S3: delivery streams created and fed through
// the Firehose API (the real @aws-sdk/client-firehose and the AWS CLI) or through the Kinesis API (a
// KinesisStreamAsSource delivery stream), delivered by the delivery workers the gateway processes run, and read
// back from the S3 server (or the HTTP endpoint) directly. The gateways run as their own processes, as users
// run them: one for every case, and a second one that shares a delivery stream with it and is killed mid-stream.

import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gunzipSync } from 'node:zlib'

import {
  ConcurrentModificationException,
  CreateDeliveryStreamCommand,
  DeleteDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
  UpdateDestinationCommand,
  type CreateDeliveryStreamCommandInput,
  type FirehoseClient,
} from '@aws-sdk/client-firehose'
import {
  DeleteStreamCommand,
  PutRecordCommand as KinesisPutRecordCommand,
  PutRecordsCommand,
  StartStreamEncryptionCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis'
import type { Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { deliveryStreamTopicName } from '../../src/mapping/delivery-stream-topics.ts'
import { makeSelfSignedCertificate } from '../support/self-signed-certificate.ts'
import { kplAggregate } from '../support/firehose/kpl-aggregate.ts'
import { LocalLambdaServer } from '../support/firehose/local-lambda-server.ts'
import { ensureAwsCli } from './fixture/aws-cli.ts'
import {
  concatenationOrder,
  deleteDeliveryStream,
  firehoseClient,
  S3Reader,
  waitUntilDeliveryStreamActive,
} from './fixture/firehose.ts'
import { startGatewayProcess, type GatewayProcess } from './fixture/gateway-process.ts'
import { kinesisClient, testAccountId } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream, waitUntilActive } from './fixture/streams.ts'

const run = promisify(execFile)
const stack = inject('stack')
const accountId = testAccountId()
const region = 'us-east-1'
const ROLE = 'arn:aws:iam::123456789012:role/firehose'
const PARTITIONS = 4
/** What every gateway process of this file runs with: workers that notice new streams and dead members fast. */
const GATEWAY_ENV = {
  FIREHOSE_TOPIC_PARTITIONS: String(PARTITIONS),
  FIREHOSE_DELIVERY_POLL_INTERVAL_MS: '500',
  FIREHOSE_DELIVERY_SESSION_TIMEOUT_MS: '6000',
}
const DELIVERED = { timeout: 45_000, interval: 500 }

const s3 = new S3Reader(stack.s3)
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'firehose-e2e' })
const log = new KafkaRecordLog(kafka)
const kafkaAdmin = (): Admin => kafka.admin()
/** A self-signed certificate for the HTTPS endpoint (HttpEndpoint URLs must be https), trusted by the gateways. */
const certificateDir = mkdtempSync(join(tmpdir(), 'firehose-e2e-tls-'))
const certificate = makeSelfSignedCertificate(certificateDir)
if (certificate === undefined) {
  process.stdout.write('[firehose-e2e] skipping the HTTP endpoint case: openssl is not available\n')
}

/** The Lambda Invoke API that data transformation calls (LAMBDA_ENDPOINT of the gateways). */
const lambda = new LocalLambdaServer()
let gateway: GatewayProcess
let firehose: FirehoseClient
let kinesis: KinesisClient
const cleanups: (() => Promise<unknown>)[] = []

beforeAll(async () => {
  const lambdaEndpoint = await lambda.start()
  gateway = await startGatewayProcess(stack, {
    ...GATEWAY_ENV,
    LAMBDA_ENDPOINT: lambdaEndpoint,
    ...(certificate === undefined ? {} : { NODE_EXTRA_CA_CERTS: certificate.certFile }),
  })
  firehose = firehoseClient(gateway.endpoint, accountId, region)
  kinesis = kinesisClient(gateway.endpoint, accountId, 'HTTP/2', region)
})

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
  firehose.destroy()
  kinesis.destroy()
  await gateway.stop()
  await lambda.stop()
  await log.close()
  rmSync(certificateDir, { recursive: true, force: true })
})

/** Creates a delivery stream through the API, waits until it is ACTIVE and deletes it after the file. */
async function createDeliveryStream(
  input: Omit<CreateDeliveryStreamCommandInput, 'DeliveryStreamName'>,
  name = uniqueName('fh-e2e'),
): Promise<string> {
  await firehose.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: name, ...input }))
  cleanups.push(() => deleteDeliveryStream(firehose, name))
  await waitUntilDeliveryStreamActive(firehose, name)
  return name
}

/** A bucket of its own (created by the first delivery) and its ARN. */
function newBucket(): { bucket: string; bucketArn: string } {
  const bucket = uniqueName('fh-e2e').toLowerCase()
  return { bucket, bucketArn: `arn:aws:s3:::${bucket}` }
}

/** The records of the delivery stream's topic, over all partitions. */
async function topicRecordCount(name: string): Promise<number> {
  const topic = deliveryStreamTopicName({ accountId, region, name })
  let count = 0
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const range = await log.offsetRange(topic, partition)
    count += range.latest - range.earliest
  }
  return count
}

/** Newline-terminated lines of text. */
function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line !== '')
}

function utcHourPrefix(millis: number): string {
  const date = new Date(millis)
  const two = (value: number): string => String(value).padStart(2, '0')
  return `${String(date.getUTCFullYear())}/${two(date.getUTCMonth() + 1)}/${two(date.getUTCDate())}/${two(date.getUTCHours())}/`
}

/** Firehose's object name: `<prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>`. */
function objectNamePattern(
  name: string,
  extension: string,
  prefix = '\\d{4}/\\d{2}/\\d{2}/\\d{2}/',
  versionId = '1',
): RegExp {
  const escaped = name.replace(/[.]/g, '\\.')
  return new RegExp(
    `^${prefix}${escaped}-${versionId}-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}${extension.replace('.', '\\.')}$`,
  )
}

describe('a DirectPut delivery stream to S3 through the Firehose API', () => {
  it('delivers PutRecordBatch records to GZIP objects with Firehose keys, concatenated as sent', async () => {
    const { bucket, bucketArn } = newBucket()
    const name = await createDeliveryStream({
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: {
        RoleARN: ROLE,
        BucketARN: bucketArn,
        CompressionFormat: 'GZIP',
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
      },
    })
    // Binary records of varied sizes, empty ones included: Firehose concatenates them with no delimiter.
    const records = Array.from({ length: 120 }, (_, index) =>
      Buffer.from(Array.from({ length: (index * 37) % 300 }, (_unused, byte) => (byte * 7 + index) % 256)),
    )
    const before = Date.now()
    const answer = await firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: name, Records: records.map((Data) => ({ Data })) }),
    )
    const after = Date.now()
    expect(answer.FailedPutCount).toBe(0)
    expect(answer.RequestResponses).toHaveLength(records.length)
    expect(new Set(answer.RequestResponses?.map((entry) => entry.RecordId)).size).toBe(records.length)

    const expected = Buffer.concat(records)
    const delivered = await vi.waitFor(async () => {
      const objects = await s3.objects(bucket)
      const inflated = objects.map((object) => gunzipSync(object.body))
      expect(Buffer.concat(inflated).length).toBe(expected.length)
      return { objects, inflated }
    }, DELIVERED)
    expect(concatenationOrder(delivered.inflated, expected)).toBeDefined()
    const hours = new Set([utcHourPrefix(before), utcHourPrefix(after)])
    for (const object of delivered.objects) {
      expect(object.key).toMatch(objectNamePattern(name, '.gz'))
      expect(hours.has(object.key.slice(0, 'yyyy/MM/dd/HH/'.length))).toBe(true)
      expect(object.contentEncoding).toBe('gzip')
      expect(object.contentType).toBe('application/octet-stream')
      // A real gzip member: the magic bytes, and the inflated size in its trailer.
      expect(object.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
    }
    // Once every record is stored, nothing more comes: no duplicates without a failure.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect((await s3.keys(bucket)).length).toBe(delivered.objects.length)
  })

  it.runIf(process.env.TESTS_SKIP_AWS_CLI !== 'true')(
    'the AWS CLI creates a delivery stream, puts a record and lists the object S3 has',
    async () => {
      const aws = await ensureAwsCli((line) => {
        process.stdout.write(`[firehose-e2e] ${line}\n`)
      })
      const { bucket, bucketArn } = newBucket()
      const name = uniqueName('fh-e2e-cli')
      const cli = async (args: string[], credentials: [string, string]): Promise<string> => {
        const { stdout } = await run(aws, [...args, '--output', 'json'], {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            AWS_ACCESS_KEY_ID: credentials[0],
            AWS_SECRET_ACCESS_KEY: credentials[1],
            AWS_DEFAULT_REGION: region,
          },
        })
        return stdout
      }
      const gatewayCredentials: [string, string] = [accountId, 'test-secret']
      const s3Credentials: [string, string] = [stack.s3.accessKey, stack.s3.secretKey]
      const endpoint = ['--endpoint-url', gateway.endpoint]

      const created = JSON.parse(
        await cli(
          [
            'firehose',
            'create-delivery-stream',
            ...endpoint,
            '--delivery-stream-name',
            name,
            '--extended-s3-destination-configuration',
            JSON.stringify({
              RoleARN: ROLE,
              BucketARN: bucketArn,
              BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
            }),
          ],
          gatewayCredentials,
        ),
      ) as { DeliveryStreamARN: string }
      cleanups.push(() => deleteDeliveryStream(firehose, name))
      expect(created.DeliveryStreamARN).toBe(`arn:aws:firehose:${region}:${accountId}:deliverystream/${name}`)
      await waitUntilDeliveryStreamActive(firehose, name)

      const put = JSON.parse(
        await cli(
          [
            'firehose',
            'put-record',
            ...endpoint,
            '--delivery-stream-name',
            name,
            '--record',
            'Data=hello cli',
          ],
          gatewayCredentials,
        ),
      ) as { RecordId: string; Encrypted: boolean }
      expect(put.RecordId.length).toBeGreaterThan(0)
      expect(put.Encrypted).toBe(false)

      const listing = await vi.waitFor(async () => {
        const stdout = await cli(
          ['s3', 'ls', `s3://${bucket}/`, '--recursive', '--endpoint-url', stack.s3.endpoint],
          s3Credentials,
        ).catch(() => '')
        expect(stdout).toContain(name)
        return stdout
      }, DELIVERED)
      const keys = linesOf(listing).map((line) => line.trim().split(/\s+/).at(-1) ?? '')
      expect(keys).toHaveLength(1)
      expect(keys[0]).toMatch(objectNamePattern(name, ''))
      const body = await cli(
        ['s3', 'cp', `s3://${bucket}/${keys[0] ?? ''}`, '-', '--endpoint-url', stack.s3.endpoint],
        s3Credentials,
      )
      expect(body).toBe('hello cli')
    },
    400_000,
  )
})

describe('UpdateDestination through the API', () => {
  it('switches the workers to the new prefix, compression and VersionId, losing no record on the way', async () => {
    const { bucket, bucketArn } = newBucket()
    const name = await createDeliveryStream({
      ExtendedS3DestinationConfiguration: {
        RoleARN: ROLE,
        BucketARN: bucketArn,
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
      },
    })
    const sent: string[] = []
    const put = async (text: string): Promise<void> => {
      await firehose.send(
        new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: Buffer.from(`${text}\n`) } }),
      )
      sent.push(text)
    }
    await put('before-update')
    await vi.waitFor(async () => {
      expect(await s3.keys(bucket)).toHaveLength(1)
    }, DELIVERED)

    await firehose.send(
      new UpdateDestinationCommand({
        DeliveryStreamName: name,
        CurrentDeliveryStreamVersionId: '1',
        DestinationId: 'destinationId-000000000001',
        ExtendedS3DestinationUpdate: { Prefix: 'v2/', CompressionFormat: 'GZIP' },
      }),
    )
    // AWS applies an update within minutes; here the workers notice at their next listing of the streams.
    let index = 0
    await vi.waitFor(async () => {
      await put(`after-update-${String(index++)}`)
      expect((await s3.keys(bucket, 'v2/')).length).toBeGreaterThan(0)
    }, DELIVERED)

    const lines = await vi.waitFor(async () => {
      const objects = await s3.objects(bucket)
      const found = objects.flatMap((object) =>
        linesOf((object.key.endsWith('.gz') ? gunzipSync(object.body) : object.body).toString()),
      )
      expect(found.length).toBeGreaterThanOrEqual(sent.length)
      return found
    }, DELIVERED)
    expect(new Set(lines)).toEqual(new Set(sent))
    for (const key of await s3.keys(bucket)) {
      if (key.startsWith('v2/')) {
        expect(key).toMatch(objectNamePattern(name, '.gz', 'v2/\\d{4}/\\d{2}/\\d{2}/\\d{2}/', '2'))
      } else expect(key).toMatch(objectNamePattern(name, ''))
    }
  })
})

describe('S3 backup', () => {
  it('writes every source record as received under the backup prefix, next to the processed ones', async () => {
    const { bucket, bucketArn } = newBucket()
    const name = await createDeliveryStream({
      ExtendedS3DestinationConfiguration: {
        RoleARN: ROLE,
        BucketARN: bucketArn,
        Prefix: 'processed/',
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [{ Type: 'AppendDelimiterToRecord', Parameters: [] }],
        },
        S3BackupMode: 'Enabled',
        S3BackupConfiguration: {
          RoleARN: ROLE,
          BucketARN: bucketArn,
          Prefix: 'backup/',
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
          CompressionFormat: 'GZIP',
        },
      },
    })
    const sent = ['alpha', 'beta', 'gamma']
    await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: name,
        Records: sent.map((text) => ({ Data: Buffer.from(text) })),
      }),
    )
    const objects = await vi.waitFor(async () => {
      const found = await s3.objects(bucket)
      expect(found.some((object) => object.key.startsWith('backup'))).toBe(true)
      expect(found.some((object) => object.key.startsWith('processed'))).toBe(true)
      return found
    }, DELIVERED)
    const processed = objects.filter((object) => object.key.startsWith('processed'))
    const backup = objects.filter((object) => object.key.startsWith('backup'))
    for (const object of processed) {
      expect(object.key).toMatch(objectNamePattern(name, '', 'processed/\\d{4}/\\d{2}/\\d{2}/\\d{2}/'))
    }
    for (const object of backup) {
      expect(object.key).toMatch(objectNamePattern(name, '.gz', 'backup/\\d{4}/\\d{2}/\\d{2}/\\d{2}/'))
    }
    expect(processed.map((object) => object.body.toString()).join('')).toBe('alpha\nbeta\ngamma\n')
    expect(backup.map((object) => gunzipSync(object.body).toString()).join('')).toBe('alphabetagamma')
  })
})

describe('DeleteDeliveryStream and a new delivery stream of the same name', () => {
  it('starts afresh: the new one delivers only its own records, into the same bucket', async () => {
    const { bucket, bucketArn } = newBucket()
    const name = uniqueName('fh-e2e-again')
    const input = {
      ExtendedS3DestinationConfiguration: {
        RoleARN: ROLE,
        BucketARN: bucketArn,
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
      },
    }
    await createDeliveryStream(input, name)
    await firehose.send(
      new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: Buffer.from('first-life\n') } }),
    )
    await vi.waitFor(async () => {
      expect(await s3.keys(bucket)).toHaveLength(1)
    }, DELIVERED)

    await firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: name }))
    // The name is free once the old delivery stream and its topic are gone.
    await vi.waitFor(async () => {
      await firehose.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: name, ...input }))
    }, DELIVERED)
    await waitUntilDeliveryStreamActive(firehose, name)
    await firehose.send(
      new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: Buffer.from('second-life\n') } }),
    )
    const objects = await vi.waitFor(async () => {
      const found = await s3.objects(bucket)
      expect(found).toHaveLength(2)
      return found
    }, DELIVERED)
    expect(objects.map((object) => object.body.toString()).sort()).toEqual(['first-life\n', 'second-life\n'])
    // Nothing else comes: the old records are not delivered again by the new delivery stream's group.
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    expect(await s3.keys(bucket)).toHaveLength(2)
  })
})

describe('several delivery streams deleted at once', () => {
  it('holds up no other delivery stream, and leaves no member in their consumer groups', async () => {
    const names = await Promise.all(
      Array.from({ length: 3 }, () =>
        createDeliveryStream({
          ExtendedS3DestinationConfiguration: {
            RoleARN: ROLE,
            BucketARN: newBucket().bucketArn,
            BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 900 },
          },
        }),
      ),
    )
    const groupIds: string[] = []
    for (const name of names) {
      const { DeliveryStreamDescription } = await firehose.send(
        new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
      )
      const created = DeliveryStreamDescription?.CreateTimestamp?.getTime() ?? 0
      groupIds.push(`firehose.${accountId}.${region}.${name}.${String(created)}`)
    }
    const admin = kafkaAdmin()
    await admin.connect()
    try {
      // Every worker has joined its group and buffers a record (IntervalInSeconds 900: nothing is delivered).
      await vi.waitFor(
        async () => {
          const { groups } = await admin.describeGroups(groupIds)
          expect(groups.every((group) => group.members.length > 0)).toBe(true)
        },
        { timeout: 30_000, interval: 500 },
      )
      for (const name of names) {
        await firehose.send(
          new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: Buffer.from('buffered') } }),
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      for (const name of names)
        await firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: name }))
      // Meanwhile a new delivery stream delivers at once: the deleted ones' workers, whose last commits on their
      // deleted topics are retried for seconds, do not hold up the others'.
      const { bucket, bucketArn } = newBucket()
      const fresh = await createDeliveryStream({
        ExtendedS3DestinationConfiguration: {
          RoleARN: ROLE,
          BucketARN: bucketArn,
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
        },
      })
      await firehose.send(
        new PutRecordCommand({ DeliveryStreamName: fresh, Record: { Data: Buffer.from('fresh') } }),
      )
      await vi.waitFor(
        async () => {
          expect(await s3.keys(bucket)).toHaveLength(1)
        },
        { timeout: 8_000, interval: 200 },
      )
      // The workers stop. Then no member may come back: a consumer left running (its worker's stop failed)
      // restarts by itself after its retries on the deleted topic and joins again, every few hundred
      // milliseconds, for ever. Ten seconds without a member in any of the groups ends it.
      await vi.waitFor(
        async () => {
          for (let sample = 0; sample < 20; sample++) {
            const { groups } = await admin.describeGroups(groupIds)
            expect(groups.map((group) => group.members.length)).toEqual(groupIds.map(() => 0))
            await new Promise((resolve) => setTimeout(resolve, 500))
          }
        },
        { timeout: 120_000, interval: 500 },
      )
    } finally {
      await admin.disconnect()
    }
  }, 200_000)
})

describe('a KinesisStreamAsSource delivery stream', () => {
  it('delivers the records put through the Kinesis API, KPL aggregated records as their user records', async () => {
    const streamName = uniqueName('fh-e2e-source')
    await createActiveStream(kinesis, streamName, 2)
    cleanups.push(() => kinesis.send(new DeleteStreamCommand({ StreamName: streamName })))
    // Put before the delivery stream exists: not delivered (reading starts at its creation).
    await kinesis.send(
      new KinesisPutRecordCommand({
        StreamName: streamName,
        PartitionKey: 'early',
        Data: Buffer.from('too-early\n'),
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const { bucket, bucketArn } = newBucket()
    const name = await createDeliveryStream({
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: {
        KinesisStreamARN: `arn:aws:kinesis:${region}:${accountId}:stream/${streamName}`,
        RoleARN: ROLE,
      },
      ExtendedS3DestinationConfiguration: {
        RoleARN: ROLE,
        BucketARN: bucketArn,
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
      },
    })
    // PutRecord is refused on a KinesisStreamAsSource delivery stream.
    await expect(
      firehose.send(new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: Buffer.from('x') } })),
    ).rejects.toMatchObject({ name: 'InvalidArgumentException' })

    const expected: string[] = []
    const entries = []
    for (let index = 0; index < 20; index++) {
      const data = `plain-${String(index)}\n`
      expected.push(data)
      entries.push({ PartitionKey: `key-${String(index)}`, Data: Buffer.from(data) })
    }
    for (let aggregate = 0; aggregate < 5; aggregate++) {
      const users = Array.from({ length: 7 }, (_, index) => ({
        partitionKey: `user-${String(aggregate)}-${String(index)}`,
        data: `kpl-${String(aggregate)}-${String(index)}\n`,
      }))
      expected.push(...users.map((user) => user.data))
      entries.push({ PartitionKey: `aggregate-${String(aggregate)}`, Data: kplAggregate(users) })
    }
    const put = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }))
    expect(put.FailedRecordCount ?? 0).toBe(0)

    const delivered = await vi.waitFor(async () => {
      const lines = (await s3.objects(bucket)).flatMap((object) => linesOf(object.body.toString()))
      expect(lines.length).toBeGreaterThanOrEqual(expected.length)
      return lines
    }, DELIVERED)
    expect(delivered.sort()).toEqual(linesOf(expected.join('')).sort())
    for (const key of await s3.keys(bucket)) expect(key).toMatch(objectNamePattern(name, ''))
  })
})

describe('a KinesisStreamAsSource delivery stream on an encrypted stream', () => {
  it('delivers the records as put: the workers open what the stream stores encrypted', async () => {
    const streamName = uniqueName('fh-e2e-encrypted')
    await createActiveStream(kinesis, streamName, 1)
    cleanups.push(() => kinesis.send(new DeleteStreamCommand({ StreamName: streamName })))
    await kinesis.send(
      new StartStreamEncryptionCommand({
        StreamName: streamName,
        EncryptionType: 'KMS',
        KeyId: 'alias/aws/kinesis',
      }),
    )
    await waitUntilActive(kinesis, streamName)
    const { bucket, bucketArn } = newBucket()
    const name = await createDeliveryStream({
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: {
        KinesisStreamARN: `arn:aws:kinesis:${region}:${accountId}:stream/${streamName}`,
        RoleARN: ROLE,
      },
      ExtendedS3DestinationConfiguration: {
        RoleARN: ROLE,
        BucketARN: bucketArn,
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
      },
    })
    const sent = ['secret-1\n', 'secret-2\n', 'secret-3\n']
    for (const data of sent) {
      const put = await kinesis.send(
        new KinesisPutRecordCommand({ StreamName: streamName, PartitionKey: data, Data: Buffer.from(data) }),
      )
      expect(put.EncryptionType).toBe('KMS')
    }
    const delivered = await vi.waitFor(async () => {
      const text = (await s3.objects(bucket)).map((object) => object.body.toString()).join('')
      expect(linesOf(text).length).toBeGreaterThanOrEqual(sent.length)
      return text
    }, DELIVERED)
    expect(linesOf(delivered).sort()).toEqual(linesOf(sent.join('')))
    for (const key of await s3.keys(bucket)) expect(key).toMatch(objectNamePattern(name, ''))
  })
})

describe('data transformation by a Lambda function', () => {
  it('delivers what the function returns, drops what it drops, and sends its failures to the error output', async () => {
    lambda.register('transform', (event) => {
      const { records } = event as { records: { recordId: string; data: string }[] }
      return {
        records: records.map(({ recordId, data }) => {
          const text = Buffer.from(data, 'base64').toString()
          if (text.startsWith('drop')) return { recordId, result: 'Dropped', data }
          if (text.startsWith('fail')) return { recordId, result: 'ProcessingFailed', data }
          return { recordId, result: 'Ok', data: Buffer.from(`${text.toUpperCase()}\n`).toString('base64') }
        }),
      }
    })
    const { bucket, bucketArn } = newBucket()
    const name = await createDeliveryStream({
      ExtendedS3DestinationConfiguration: {
        RoleARN: ROLE,
        BucketARN: bucketArn,
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
        ErrorOutputPrefix: 'errors/',
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'Lambda',
              Parameters: [
                {
                  ParameterName: 'LambdaArn',
                  ParameterValue: 'arn:aws:lambda:us-east-1:123456789012:function:transform',
                },
                { ParameterName: 'NumberOfRetries', ParameterValue: '0' },
              ],
            },
          ],
        },
      },
    })
    const sent = ['keep-one', 'drop-two', 'fail-three', 'keep-four']
    const answer = await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: name,
        Records: sent.map((text) => ({ Data: Buffer.from(text) })),
      }),
    )
    expect(answer.FailedPutCount).toBe(0)
    const objects = await vi.waitFor(async () => {
      const found = await s3.objects(bucket)
      expect(found.some((object) => object.key.startsWith('errors/'))).toBe(true)
      expect(found.filter((object) => !object.key.startsWith('errors/')).length).toBeGreaterThan(0)
      return found
    }, DELIVERED)
    const delivered = objects.filter((object) => !object.key.startsWith('errors/'))
    for (const object of delivered) expect(object.key).toMatch(objectNamePattern(name, ''))
    expect(delivered.flatMap((object) => linesOf(object.body.toString())).sort()).toEqual([
      'KEEP-FOUR',
      'KEEP-ONE',
    ])
    const failed = objects
      .filter((object) => object.key.startsWith('errors/'))
      .flatMap((object) => {
        expect(object.key).toMatch(/^errors\/processing-failed\/\d{4}\/\d{2}\/\d{2}\/\d{2}\//)
        return linesOf(object.body.toString()).map((line) => JSON.parse(line) as Record<string, unknown>)
      })
    expect(failed.map((document) => Buffer.from(String(document.rawData), 'base64').toString())).toEqual([
      'fail-three',
    ])
    expect(failed[0]?.lambdaArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:transform')
    const invocation = lambda.invocations.find((entry) => entry.functionName === 'transform')
    expect(invocation?.event).toMatchObject({
      deliveryStreamArn: `arn:aws:firehose:${region}:${accountId}:deliverystream/${name}`,
      region,
    })
  })
})

describe('dynamic partitioning through the API', () => {
  it('writes records under the prefixes their MetadataExtraction keys give, the others as partitioning-failed', async () => {
    const { bucket, bucketArn } = newBucket()
    const name = await createDeliveryStream({
      ExtendedS3DestinationConfiguration: {
        RoleARN: ROLE,
        BucketARN: bucketArn,
        // AWS's minimums under dynamic partitioning; the buffers are flushed below without waiting a minute.
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
        Prefix: 'customer=!{partitionKeyFromQuery:customer}/kind=!{partitionKeyFromQuery:kind}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        DynamicPartitioningConfiguration: { Enabled: true },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'MetadataExtraction',
              Parameters: [
                {
                  ParameterName: 'MetadataExtractionQuery',
                  ParameterValue: '{customer:.customer,kind:.kind}',
                },
                { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
              ],
            },
            { Type: 'AppendDelimiterToRecord', Parameters: [] },
          ],
        },
      },
    })
    const documents = [
      { customer: 'acme', kind: 'click', n: 1 },
      { customer: 'acme', kind: 'view', n: 2 },
      { customer: 'globex', kind: 'click', n: 3 },
      { customer: 'acme', kind: 'click', n: 4 },
      { kind: 'click', n: 5 },
    ]
    const answer = await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: name,
        Records: documents.map((document) => ({ Data: Buffer.from(JSON.stringify(document)) })),
      }),
    )
    expect(answer.FailedPutCount).toBe(0)

    // A record that fails partitioning goes to the error output at once, after its batch's other records
    // joined their buffers.
    await vi.waitFor(async () => {
      expect(await s3.keys(bucket, 'errors/')).not.toHaveLength(0)
    }, DELIVERED)
    // A new VersionId replaces the worker, and a worker that stops delivers what it buffered.
    await firehose.send(
      new UpdateDestinationCommand({
        DeliveryStreamName: name,
        CurrentDeliveryStreamVersionId: '1',
        DestinationId: 'destinationId-000000000001',
        ExtendedS3DestinationUpdate: { BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 61 } },
      }),
    )
    const objects = await vi.waitFor(
      async () => {
        const found = await s3.objects(bucket)
        expect(found.map((object) => object.key.split('/')[0])).toEqual(
          expect.arrayContaining(['customer=acme', 'customer=globex', 'errors']),
        )
        const partitioned = found.filter((object) => !object.key.startsWith('errors/'))
        expect(partitioned.flatMap((object) => linesOf(object.body.toString()))).toHaveLength(4)
        return found
      },
      // Records a second batch brought would wait for the new worker's interval.
      { ...DELIVERED, timeout: 120_000 },
    )
    const byPrefix = new Map<string, number[]>()
    for (const object of objects) {
      const prefix = object.key.slice(0, object.key.lastIndexOf('/') + 1)
      if (prefix.startsWith('errors/')) continue
      expect(object.key).toMatch(objectNamePattern(name, '', prefix.replace(/[=]/g, '='), '[12]'))
      const numbers = linesOf(object.body.toString()).map((line) => (JSON.parse(line) as { n: number }).n)
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), ...numbers].sort())
    }
    expect(Object.fromEntries(byPrefix)).toEqual({
      'customer=acme/kind=click/': [1, 4],
      'customer=acme/kind=view/': [2],
      'customer=globex/kind=click/': [3],
    })
    const errors = objects.filter((object) => object.key.startsWith('errors/'))
    expect(errors.length).toBeGreaterThan(0)
    const failed = errors.flatMap((object) => {
      expect(object.key.startsWith('errors/partitioning-failed/')).toBe(true)
      return linesOf(object.body.toString()).map((line) => JSON.parse(line) as Record<string, unknown>)
    })
    expect(failed).toHaveLength(1)
    expect(Buffer.from(String(failed[0]?.rawData), 'base64').toString()).toBe(JSON.stringify(documents[4]))
  }, 180_000)
})

describe('two gateway processes sharing a delivery stream', () => {
  it.each([
    ['killed (SIGKILL)', 'kill'],
    ['stopped (SIGTERM)', 'stop'],
  ] as const)(
    'loses no record when one of them is %s mid-stream: the other takes over',
    async (_how, end) => {
      const second = await startGatewayProcess(stack, GATEWAY_ENV)
      try {
        const { bucket, bucketArn } = newBucket()
        const name = await createDeliveryStream({
          ExtendedS3DestinationConfiguration: {
            RoleARN: ROLE,
            BucketARN: bucketArn,
            BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
          },
        })
        const delivered = async (): Promise<string[]> =>
          (await s3.objects(bucket)).flatMap((object) => linesOf(object.body.toString()))
        // Both processes put (each request's records go to one partition, successive requests to the next).
        const clients = [firehose, firehoseClient(second.endpoint, accountId, region)]
        const sent: string[] = []
        let batch = 0
        const putBatch = async (client: FirehoseClient): Promise<void> => {
          const lines = Array.from({ length: 10 }, (_, index) => `r-${String(batch)}-${String(index)}\n`)
          batch += 1
          const answer = await client.send(
            new PutRecordBatchCommand({
              DeliveryStreamName: name,
              Records: lines.map((line) => ({ Data: Buffer.from(line) })),
            }),
          )
          expect(answer.FailedPutCount).toBe(0)
          sent.push(...lines)
        }
        // Until the second process has delivered records of its own (it owns partitions of the group).
        await vi.waitFor(
          async () => {
            await putBatch(clients[batch % 2] ?? firehose)
            const metrics = await second.metrics()
            const line = metrics
              .split('\n')
              .find(
                (text) =>
                  text.startsWith('firehose_delivery_records_delivered_total') && text.includes(`"${name}"`),
              )
            expect(Number(line?.split(' ').at(-1) ?? 0)).toBeGreaterThan(0)
          },
          // A rebalance that gives it partitions takes seconds, and more on a loaded machine.
          { timeout: 60_000, interval: 300 },
        )
        // Mid-stream: the second process dies while records keep coming.
        const putting = (async () => {
          for (let index = 0; index < 20; index++) {
            await putBatch(firehose)
            await new Promise((resolve) => setTimeout(resolve, 100))
          }
        })()
        await new Promise((resolve) => setTimeout(resolve, 500))
        await second[end]()
        await putting
        clients[1]?.destroy()

        await vi.waitFor(
          async () => {
            const lines = new Set(await delivered())
            expect(sent.filter((line) => !lines.has(line.slice(0, -1)))).toEqual([])
          },
          { timeout: 60_000, interval: 1_000 },
        )
        expect(await topicRecordCount(name)).toBe(sent.length)
      } finally {
        await second.kill()
      }
    },
    180_000,
  )
})

describe.skipIf(certificate === undefined)('an HTTP endpoint destination', () => {
  let server: Server
  let url = ''
  const received: { headers: Record<string, unknown>; requestId: string; records: string[] }[] = []
  let failuresLeft = 3
  let alwaysFailed = 0

  beforeAll(async () => {
    server = createServer(
      {
        cert: readFileSync(certificate?.certFile ?? ''),
        key: readFileSync(certificate?.keyFile ?? ''),
      },
      (request, response) => {
        const chunks: Buffer[] = []
        request.on('data', (chunk: Buffer) => chunks.push(chunk))
        request.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as {
            requestId: string
            records: { data: string }[]
          }
          if (request.url === '/down') {
            alwaysFailed += 1
            response.writeHead(500, { 'Content-Type': 'application/json' })
            response.end(
              JSON.stringify({ requestId: body.requestId, timestamp: Date.now(), errorMessage: 'down' }),
            )
            return
          }
          if (failuresLeft > 0) {
            failuresLeft -= 1
            response.writeHead(503, { 'Content-Type': 'application/json' })
            response.end(
              JSON.stringify({ requestId: body.requestId, timestamp: Date.now(), errorMessage: 'busy' }),
            )
            return
          }
          received.push({
            headers: request.headers,
            requestId: body.requestId,
            records: body.records.map((record) => Buffer.from(record.data, 'base64').toString()),
          })
          response.writeHead(200, { 'Content-Type': 'application/json' })
          response.end(JSON.stringify({ requestId: body.requestId, timestamp: Date.now() }))
        })
      },
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${String((server.address() as AddressInfo).port)}/ingest`
  })

  it('writes the records to the S3 error output as http-endpoint-failed once the retry duration is over', async () => {
    const { bucket, bucketArn } = newBucket()
    const name = await createDeliveryStream({
      HttpEndpointDestinationConfiguration: {
        EndpointConfiguration: { Url: url.replace('/ingest', '/down'), Name: 'down' },
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
        RetryOptions: { DurationInSeconds: 0 },
        S3BackupMode: 'FailedDataOnly',
        S3Configuration: { RoleARN: ROLE, BucketARN: bucketArn, ErrorOutputPrefix: 'failed/' },
      },
    })
    const sent = ['lost-1', 'lost-2']
    await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: name,
        Records: sent.map((text) => ({ Data: Buffer.from(text) })),
      }),
    )
    const documents = await vi.waitFor(async () => {
      const found = (await s3.objects(bucket)).flatMap((object) => {
        expect(object.key).toMatch(/^failed\/http-endpoint-failed\/\d{4}\/\d{2}\/\d{2}\/\d{2}\//)
        return linesOf(object.body.toString()).map((line) => JSON.parse(line) as Record<string, unknown>)
      })
      expect(found).toHaveLength(sent.length)
      return found
    }, DELIVERED)
    expect(alwaysFailed).toBeGreaterThan(0)
    expect(
      documents.map((document) => Buffer.from(String(document.rawData), 'base64').toString()).sort(),
    ).toEqual(sent)
    for (const document of documents) expect(document.errorCode).toBe('HttpEndpoint.DestinationException')
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('receives the records once the endpoint recovers from failures, with the access key', async () => {
    const { bucket, bucketArn } = newBucket()
    const name = await createDeliveryStream({
      HttpEndpointDestinationConfiguration: {
        EndpointConfiguration: { Url: url, Name: 'collector', AccessKey: 'collector-key' },
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
        RetryOptions: { DurationInSeconds: 120 },
        S3BackupMode: 'FailedDataOnly',
        S3Configuration: { RoleARN: ROLE, BucketARN: bucketArn },
      },
    })
    const sent = ['one', 'two', 'three'].map((text) => `${text}-${name}`)
    await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: name,
        Records: sent.map((text) => ({ Data: Buffer.from(text) })),
      }),
    )
    await vi.waitFor(() => {
      expect(received.flatMap((request) => request.records).sort()).toEqual([...sent].sort())
    }, DELIVERED)
    expect(failuresLeft).toBe(0)
    for (const request of received) {
      expect(request.headers).toMatchObject({
        'x-amz-firehose-protocol-version': '1.0',
        'x-amz-firehose-request-id': request.requestId,
        'x-amz-firehose-source-arn': `arn:aws:firehose:${region}:${accountId}:deliverystream/${name}`,
        'x-amz-firehose-access-key': 'collector-key',
      })
    }
    // Delivered in the end: nothing in the error output.
    expect(await s3.keys(bucket)).toEqual([])
  })
})

describe('bad input changes nothing', () => {
  it('answers AWS errors for an oversize record, too large batches and a stale VersionId, storing nothing', async () => {
    const { bucket, bucketArn } = newBucket()
    const name = await createDeliveryStream({
      ExtendedS3DestinationConfiguration: {
        RoleARN: ROLE,
        BucketARN: bucketArn,
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
      },
    })
    const failure = (promise: Promise<unknown>): Promise<Error> =>
      promise.then(
        () => {
          throw new Error('expected the request to fail')
        },
        (error: unknown) => error as Error,
      )

    const oversize = await failure(
      firehose.send(
        new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: Buffer.alloc(1_024_001, 1) } }),
      ),
    )
    expect(oversize.name).toBe('ValidationException')
    expect(oversize.message).toContain('Member must have length less than or equal to 1024000')

    const oversizeInBatch = await failure(
      firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: name,
          Records: [{ Data: Buffer.from('fine') }, { Data: Buffer.alloc(1_024_001, 1) }],
        }),
      ),
    )
    expect(oversizeInBatch.name).toBe('ValidationException')

    const tooMany = await failure(
      firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: name,
          Records: Array.from({ length: 501 }, () => ({ Data: Buffer.from('x') })),
        }),
      ),
    )
    expect(tooMany.name).toBe('ValidationException')
    expect(tooMany.message).toContain('Member must have length less than or equal to 500')

    const tooLarge = await failure(
      firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: name,
          Records: Array.from({ length: 5 }, () => ({ Data: Buffer.alloc(1_000_000, 2) })),
        }),
      ),
    )
    expect(tooLarge.name).toBe('InvalidArgumentException')
    expect(tooLarge.message).toBe('Records size exceeds 4 MB limit')

    const stale = await failure(
      firehose.send(
        new UpdateDestinationCommand({
          DeliveryStreamName: name,
          CurrentDeliveryStreamVersionId: '7',
          DestinationId: 'destinationId-000000000001',
          ExtendedS3DestinationUpdate: { Prefix: 'changed/' },
        }),
      ),
    )
    expect(stale).toBeInstanceOf(ConcurrentModificationException)

    const { DeliveryStreamDescription } = await firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
    )
    expect(DeliveryStreamDescription?.VersionId).toBe('1')
    expect(
      DeliveryStreamDescription?.Destinations?.[0]?.ExtendedS3DestinationDescription?.Prefix,
    ).toBeUndefined()
    expect(await topicRecordCount(name)).toBe(0)
    // The workers had time to deliver anything stored: nothing was.
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    expect(await s3.keys(bucket)).toEqual([])
  })
})
