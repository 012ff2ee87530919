import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'

import { jsonFileTableSchemas } from '../../src/adapters/file/json-file-table-schemas.ts'
import { fetchHttpPoster } from '../../src/adapters/http/fetch-http-poster.ts'
import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { KafkaConsumerGroups } from '../../src/adapters/kafka/kafka-consumer-groups.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { MinioObjectStore } from '../../src/adapters/s3/minio-object-store.ts'
import { workerOptionsFor } from '../../src/firehose-delivery.ts'
import { deliveryConfigOf, deliveryGroupId } from '../../src/firehose/delivery/delivery-config.ts'
import { DeliveryMetrics } from '../../src/firehose/delivery/delivery-metrics.ts'
import { startDeliverySupervisor } from '../../src/firehose/delivery/delivery-supervisor.ts'
import { systemClock } from '../../src/ports/clock.ts'
import { deliveryStreamRecord } from '../support/firehose/delivery-streams.ts'
import { uniqueName } from './fixture/names.ts'

/**
 * Record format conversion on real Kafka and a real S3 server: JSON records appended to a delivery stream's topic
 * become a Parquet object that an independent reader reads back row for row, with the table's columns taken
 * from a FIREHOSE_SCHEMA_FILE on disk; a record that does not convert goes to format-conversion-failed.
 */
const stack = inject('stack')
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'firehose-format-conversion-test' })
const log = new KafkaRecordLog(kafka)
const store = new MinioObjectStore(stack.s3)
const topics: string[] = []
let schemaDirectory = ''
let schemaFile = ''

/** Members leave quickly in these tests; the broker's minimum session timeout is 6 s. */
const groups = new KafkaConsumerGroups(kafka, {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  maxBytes: 8 * 1024 * 1024,
  maxBytesPerPartition: 2 * 1024 * 1024,
  partitionsConsumedConcurrently: 4,
})

beforeAll(async () => {
  schemaDirectory = await mkdtemp(join(tmpdir(), 'firehose-schemas-'))
  schemaFile = join(schemaDirectory, 'tables.json')
  await writeFile(
    schemaFile,
    JSON.stringify([
      {
        DatabaseName: 'analytics',
        Name: 'clicks',
        StorageDescriptor: {
          Columns: [
            { Name: 'id', Type: 'bigint' },
            { Name: 'page', Type: 'string' },
            { Name: 'dwell', Type: 'double' },
            { Name: 'seen_at', Type: 'timestamp' },
          ],
        },
      },
    ]),
  )
})

afterAll(async () => {
  for (const topic of topics) await log.deleteTopic(topic).catch(() => undefined)
  await log.close()
  await rm(schemaDirectory, { recursive: true, force: true })
})

describe('Firehose record format conversion on real Kafka and S3', () => {
  it('writes a Parquet object whose rows are the records, and the record that does not convert to the error output', async () => {
    const name = uniqueName('fhparquet')
    const topic = `firehose-test.${name}`
    await log.createTopic(topic, 1, { 'message.timestamp.type': 'LogAppendTime' })
    topics.push(topic)
    const stream = deliveryStreamRecord({
      name,
      topic,
      bucket: name.toLowerCase(),
      createdAtMs: Date.now(),
      destination: {
        Prefix: 'clicks/',
        ErrorOutputPrefix: 'failed/',
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 1 },
        DataFormatConversionConfiguration: {
          Enabled: true,
          SchemaConfiguration: {
            RoleARN: 'arn:aws:iam::123456789012:role/glue',
            DatabaseName: 'analytics',
            TableName: 'clicks',
          },
          InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
        },
      },
    })
    const bucket = deliveryConfigOf(stream).s3.bucket
    const supervisor = startDeliverySupervisor(
      {
        groups,
        objectStore: store,
        clock: systemClock,
        keyRing: undefined,
        metrics: new DeliveryMetrics(),
        settings: {
          maxBufferedBytes: 64 * 1024 * 1024,
          retryInitialMs: 100,
          retryMaxMs: 1_000,
          stopTimeoutMs: 5_000,
        },
        log: () => undefined,
        listDeliveryStreams: () => Promise.resolve([stream]),
        workerOptionsFor: (deliveryStream) =>
          workerOptionsFor(deliveryStream, {
            clock: systemClock,
            lambda: undefined,
            http: fetchHttpPoster,
            tableSchemas: jsonFileTableSchemas(schemaFile),
          }),
      },
      { pollIntervalMs: 1_000, tickIntervalMs: 100 },
    )
    try {
      const records = [
        '{"id":1,"page":"/home","dwell":1.5,"seen_at":"2026-07-13T14:00:00Z"}',
        '{"id":"2","Page":"/cart","seen_at":1783951200}',
        '{"id":3,"page":"/pay","dwell":"slow"}',
        '{"id":"9007199254740993","page":"/done","dwell":0}',
        '{"id":5,"page":"/a"}{"id":6,"page":"/b"}',
      ]
      await log.append(
        topic,
        records.map((value) => ({ partition: 0, key: Buffer.alloc(0), value: Buffer.from(value) })),
      )
      await vi.waitFor(
        async () => {
          expect(await committedOffset(stream)).toBe(5)
        },
        { timeout: 30_000, interval: 250 },
      )

      const keys = await store.list(bucket, '')
      const parquetKeys = keys.filter((key) => key.startsWith('clicks/'))
      expect(parquetKeys).toEqual([
        expect.stringMatching(
          new RegExp(
            `^clicks/\\d{4}/\\d{2}/\\d{2}/\\d{2}/${name}-1-\\d{4}(-\\d{2}){5}-[0-9a-f-]{36}\\.parquet$`,
          ),
        ),
      ])
      const file = await store.get(bucket, parquetKeys[0] ?? '')
      const arrayBuffer = new Uint8Array(file).buffer
      expect(parquetMetadata(arrayBuffer).row_groups[0]?.columns[0]?.meta_data?.codec).toBe('SNAPPY')
      expect(await parquetReadObjects({ file: arrayBuffer })).toEqual([
        { id: 1n, page: '/home', dwell: 1.5, seen_at: new Date('2026-07-13T14:00:00Z') },
        { id: 2n, page: '/cart', dwell: null, seen_at: new Date(1783951200_000) },
        { id: 9007199254740993n, page: '/done', dwell: 0, seen_at: null },
        { id: 5n, page: '/a', dwell: null, seen_at: null },
        { id: 6n, page: '/b', dwell: null, seen_at: null },
      ])

      const failedKeys = keys.filter((key) => key.startsWith('failed/'))
      expect(failedKeys).toEqual([
        expect.stringMatching(/^failed\/format-conversion-failed\/\d{4}\/\d{2}\/\d{2}\/\d{2}\//),
      ])
      const failed = (await store.get(bucket, failedKeys[0] ?? '')).toString().trim().split('\n')
      expect(failed.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
        expect.objectContaining({
          errorCode: 'DataFormatConversion.MalformedData',
          rawData: Buffer.from(records[2] ?? '').toString('base64'),
        }),
      ])
    } finally {
      await supervisor.stop()
    }
  })
})

async function committedOffset(stream: ReturnType<typeof deliveryStreamRecord>): Promise<number | undefined> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const [offsets] = await admin.fetchOffsets({
      groupId: deliveryGroupId(deliveryConfigOf(stream)),
      topics: [stream.topic],
    })
    const offset = offsets?.partitions.find((entry) => entry.partition === 0)?.offset
    return offset === undefined ? undefined : Number(offset)
  } finally {
    await admin.disconnect()
  }
}
