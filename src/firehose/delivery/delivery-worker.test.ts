import { gunzipSync } from 'node:zlib'

import { afterEach, describe, expect, it, vi } from 'vitest'

import { FakeClock } from '../../../test/support/fake-clock.ts'
import {
  deliveryStreamRecord,
  type TestDeliveryStream,
} from '../../../test/support/firehose/delivery-streams.ts'
import { MemoryConsumerGroups } from '../../../test/support/memory/memory-consumer-groups.ts'
import { MemoryObjectStore, type StoredObject } from '../../../test/support/memory/memory-object-store.ts'
import { deliveryGroupId, deliveryConfigOf, UnsupportedDestinationError } from './delivery-config.ts'
import { DeliveryMetrics } from './delivery-metrics.ts'
import type { DeliveryRecord, ProcessedBatch } from './delivery-record.ts'
import { DeliveryWorker, type DeliveryWorkerOptions, type DeliveryWorkerSettings } from './delivery-worker.ts'
import { plainProcessing, type ProcessBatch } from './plain-processing.ts'

const SETTINGS: DeliveryWorkerSettings = {
  maxBufferedBytes: 64 * 1024 * 1024,
  retryInitialMs: 2,
  retryMaxMs: 10,
  stopTimeoutMs: 1_000,
}

const T0 = Date.UTC(2026, 6, 13, 14, 5, 9)

interface Harness {
  clock: FakeClock
  groups: MemoryConsumerGroups
  store: MemoryObjectStore
  metrics: DeliveryMetrics
  workers: DeliveryWorker[]
  start(
    stream: TestDeliveryStream,
    process?: ProcessBatch,
    settings?: Partial<DeliveryWorkerSettings>,
    options?: Omit<DeliveryWorkerOptions, 'process'>,
  ): Promise<DeliveryWorker>
  put(topic: string, partition: number, data: string, at?: number, key?: string): void
}

const running: DeliveryWorker[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((worker) => worker.abandon()))
})

function harness(partitions = 1, topic = 'firehose.topic'): Harness {
  const clock = new FakeClock(T0)
  const groups = new MemoryConsumerGroups()
  groups.createTopic(topic, partitions)
  const store = new MemoryObjectStore()
  const metrics = new DeliveryMetrics(() => clock.now())
  const workers: DeliveryWorker[] = []
  return {
    clock,
    groups,
    store,
    metrics,
    workers,
    async start(stream, process = plainProcessing, settings = {}, options = {}) {
      const worker = await DeliveryWorker.start(
        deliveryStreamRecord(stream),
        {
          groups,
          objectStore: store,
          clock,
          keyRing: undefined,
          metrics,
          settings: { ...SETTINGS, ...settings },
          log: () => undefined,
        },
        { ...options, process },
      )
      workers.push(worker)
      running.push(worker)
      return worker
    },
    put(topicName, partition, data, at = clock.now(), key) {
      groups.append(topicName, partition, Buffer.from(data), at, key === undefined ? null : Buffer.from(key))
    },
  }
}

const stream = (overrides: Partial<TestDeliveryStream> = {}): TestDeliveryStream => ({
  name: 'orders',
  topic: 'firehose.topic',
  bucket: 'bucket',
  ...overrides,
})

function groupOf(test: TestDeliveryStream): string {
  return deliveryGroupId(deliveryConfigOf(deliveryStreamRecord(test)))
}

function onlyObject(store: MemoryObjectStore): [string, StoredObject] {
  const objects = [...store.objects('bucket')]
  expect(objects).toHaveLength(1)
  return objects[0] as [string, StoredObject]
}

function bodies(store: MemoryObjectStore, bucket = 'bucket'): string[] {
  return [...store.objects(bucket).values()].map((object) => object.body.toString())
}

describe('DeliveryWorker', () => {
  it('delivers one object when the interval has passed, then commits', async () => {
    const h = harness()
    const worker = await h.start(stream())
    for (const data of ['abc', 'abc', 'abc']) h.put('firehose.topic', 0, data)
    await h.groups.pump()
    worker.tick()
    expect(h.store.objects('bucket').size).toBe(0)

    h.clock.advance(299_000)
    worker.tick()
    expect(h.store.objects('bucket').size).toBe(0)
    h.clock.advance(1_000)
    worker.tick()
    await vi.waitFor(() => {
      expect(h.groups.committedOffset(groupOf(stream()), 0)).toBe(3)
    })
    const [key, object] = onlyObject(h.store)
    expect(key).toMatch(/^2026\/07\/13\/14\/orders-1-2026-07-13-14-05-09-[0-9a-f-]{36}$/)
    expect(object.body.toString()).toBe('abcabcabc')
    expect(h.metrics.snapshot()).toEqual([
      expect.objectContaining({
        recordsIn: 3,
        bytesIn: 9,
        recordsDelivered: 3,
        bytesDelivered: 9,
        objectsWritten: 1,
      }),
    ])
  })

  it('delivers a buffer as soon as it reaches SizeInMBs, and never makes an object larger', async () => {
    const h = harness()
    const worker = await h.start(
      stream({ destination: { BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 900 } } }),
    )
    const record = 'x'.repeat(300 * 1024)
    for (let index = 0; index < 7; index++) h.put('firehose.topic', 0, record)
    await h.groups.pump()
    await vi.waitFor(() => {
      expect(h.store.objects('bucket').size).toBe(2)
    })
    for (const body of bodies(h.store)) expect(body.length).toBe(3 * 300 * 1024)
    // The seventh record, read in the same batch, waits for the interval: nothing of the batch is committed yet.
    expect(h.groups.committedOffset(groupOf(stream()), 0)).toBeUndefined()
    h.clock.advance(900_000)
    worker.tick()
    await vi.waitFor(() => {
      expect(h.groups.committedOffset(groupOf(stream()), 0)).toBe(7)
    })
  })

  it('delivers every batch at once with IntervalInSeconds 0', async () => {
    const h = harness()
    await h.start(stream({ destination: { BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 0 } } }))
    h.put('firehose.topic', 0, 'a')
    await h.groups.pump()
    await vi.waitFor(() => {
      expect(bodies(h.store)).toEqual(['a'])
    })
  })

  it('compresses, names and labels objects by CompressionFormat', async () => {
    const h = harness()
    await h.start(
      stream({
        destination: { CompressionFormat: 'GZIP', BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 0 } },
      }),
    )
    h.put('firehose.topic', 0, '{"a":1}\n')
    await h.groups.pump()
    await vi.waitFor(() => {
      expect(h.store.objects('bucket').size).toBe(1)
    })
    const [key, object] = onlyObject(h.store)
    expect(key).toMatch(/\.gz$/)
    expect(object.contentEncoding).toBe('gzip')
    expect(gunzipSync(object.body).toString()).toBe('{"a":1}\n')
  })

  it('writes format conversion objects with their body, named .parquet (or FileExtension), uncompressed', async () => {
    const conversion = { Enabled: true, SchemaConfiguration: { DatabaseName: 'd', TableName: 't' } }
    const h = harness()
    const converted = stream({
      destination: {
        CompressionFormat: 'GZIP',
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 0 },
        DataFormatConversionConfiguration: conversion,
      },
    })
    await expect(h.start(converted)).rejects.toThrow(UnsupportedDestinationError)
    const objectBody = (records: readonly { data: Buffer }[]): Buffer =>
      Buffer.from(`PAR1 ${String(records.length)} records`)
    await h.start(converted, plainProcessing, {}, { objectBody })
    h.put('firehose.topic', 0, '{"a":1}')
    h.put('firehose.topic', 0, '{"a":2}')
    await h.groups.pump()
    await vi.waitFor(() => {
      expect(h.store.objects('bucket').size).toBe(1)
    })
    const [key, object] = onlyObject(h.store)
    expect(key).toMatch(/^2026\/07\/13\/14\/orders-1-2026-07-13-14-05-09-[0-9a-f-]{36}\.parquet$/)
    expect(object.contentEncoding).toBeUndefined()
    expect(object.body.toString()).toBe('PAR1 2 records')

    const named = harness()
    await named.start(
      stream({
        destination: {
          FileExtension: '.pq',
          BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 0 },
          DataFormatConversionConfiguration: conversion,
        },
      }),
      plainProcessing,
      {},
      { objectBody },
    )
    named.put('firehose.topic', 0, '{"a":1}')
    await named.groups.pump()
    await vi.waitFor(() => {
      expect([...named.store.objects('bucket').keys()]).toEqual([expect.stringMatching(/[0-9a-f]\.pq$/)])
    })
  })

  it('keeps retrying through an S3 outage without committing, and delivers once S3 is back', async () => {
    const h = harness()
    const worker = await h.start(stream())
    h.put('firehose.topic', 0, 'kept')
    await h.groups.pump()
    h.store.down = true
    h.clock.advance(300_000)
    worker.tick()
    await vi.waitFor(() => {
      expect(h.metrics.snapshot()[0]?.deliveryRetries).toBeGreaterThan(3)
    })
    expect(h.groups.committedOffset(groupOf(stream()), 0)).toBeUndefined()
    expect(h.metrics.snapshot()[0]?.oldestUndeliveredAgeMs).toBe(300_000)
    h.store.down = false
    await vi.waitFor(() => {
      expect(h.groups.committedOffset(groupOf(stream()), 0)).toBe(1)
    })
    expect(bodies(h.store)).toEqual(['kept'])
    expect(h.metrics.snapshot()[0]?.oldestUndeliveredAgeMs).toBe(0)
  })

  it('loses nothing when a worker dies between buffering and delivering: the next member delivers it', async () => {
    const h = harness()
    const first = await h.start(stream())
    h.put('firehose.topic', 0, 'one')
    h.put('firehose.topic', 0, 'two')
    await h.groups.pump()
    await first.abandon()
    expect(h.store.objects('bucket').size).toBe(0)

    const second = await h.start(stream())
    await h.groups.pump()
    h.clock.advance(300_000)
    second.tick()
    await vi.waitFor(() => {
      expect(bodies(h.store)).toEqual(['onetwo'])
    })
  })

  it('delivers what it holds and commits it when stopped', async () => {
    const h = harness()
    const worker = await h.start(stream())
    h.put('firehose.topic', 0, 'held')
    await h.groups.pump()
    await worker.stop()
    expect(bodies(h.store)).toEqual(['held'])
    expect(h.groups.committedOffset(groupOf(stream()), 0)).toBe(1)
  })

  it('shares partitions between members and hands them over on a rebalance, delivering each record once', async () => {
    const h = harness(4)
    const a = await h.start(stream())
    const b = await h.start(stream())
    for (let partition = 0; partition < 4; partition++) h.put('firehose.topic', partition, `p${partition}.`)
    await h.groups.pump()
    h.clock.advance(300_000)
    a.tick()
    b.tick()
    await vi.waitFor(() => {
      expect(h.store.objects('bucket').size).toBe(2)
    })
    expect(bodies(h.store).join('').split('.').filter(Boolean).sort()).toEqual(['p0', 'p1', 'p2', 'p3'])

    // b leaves with a record buffered: a takes its partitions over and reads it again from the committed offset.
    h.put('firehose.topic', 1, 'late.')
    await h.groups.pump()
    await b.abandon()
    await h.groups.pump()
    h.clock.advance(300_000)
    a.tick()
    await vi.waitFor(() => {
      expect(bodies(h.store).join('')).toContain('late.')
    })
    for (let partition = 0; partition < 4; partition++) {
      expect(h.groups.committedOffset(groupOf(stream()), partition)).toBe(partition === 1 ? 2 : 1)
    }
  })

  it('drops what it buffered of partitions rebalanced away, so nothing is delivered twice', async () => {
    const h = harness(2)
    const a = await h.start(stream())
    h.put('firehose.topic', 0, 'x')
    h.put('firehose.topic', 1, 'y')
    await h.groups.pump()
    // A second member joins: a keeps partition 0 and reads it again, b takes partition 1.
    const b = await h.start(stream())
    await h.groups.pump()
    h.clock.advance(300_000)
    a.tick()
    b.tick()
    await vi.waitFor(() => {
      expect(bodies(h.store).sort()).toEqual(['x', 'y'])
    })
  })

  it('writes failed records to the error output and commits past them', async () => {
    const h = harness()
    const process: ProcessBatch = (records: DeliveryRecord[]): Promise<ProcessedBatch> =>
      Promise.resolve({
        records: [],
        failed: records.map((record) => ({
          record,
          errorOutputType: 'processing-failed' as const,
          errorCode: 'Lambda.FunctionError',
          errorMessage: 'The Lambda function was successfully invoked but it returned an error result.',
          attemptsMade: 4,
          attemptEndingTimestamp: T0 + 5,
          lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
        })),
      })
    await h.start(
      stream({
        destination: { ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/', Prefix: 'ok/' },
      }),
      process,
    )
    h.put('firehose.topic', 0, 'bad', T0 - 1000)
    await h.groups.pump()
    await vi.waitFor(() => {
      expect(h.groups.committedOffset(groupOf(stream()), 0)).toBe(1)
    })
    const [key, object] = onlyObject(h.store)
    expect(key).toMatch(/^errors\/processing-failed\/orders-1-2026-07-13-14-05-08-[0-9a-f-]{36}$/)
    expect(object.body.toString()).toBe(
      `${JSON.stringify({
        attemptsMade: 4,
        arrivalTimestamp: T0 - 1000,
        errorCode: 'Lambda.FunctionError',
        errorMessage: 'The Lambda function was successfully invoked but it returned an error result.',
        attemptEndingTimestamp: T0 + 5,
        rawData: Buffer.from('bad').toString('base64'),
        lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      })}\n`,
    )
    expect(h.metrics.snapshot()[0]?.recordsFailed).toBe(1)
  })

  it('buffers per partition prefix under dynamic partitioning; a record without its key goes to partitioning-failed', async () => {
    const h = harness()
    const process: ProcessBatch = (records) =>
      Promise.resolve({
        records: records.map((record) => {
          const value = JSON.parse(record.data.toString()) as { c?: string }
          return {
            data: record.data,
            approximateArrivalTimestamp: record.approximateArrivalTimestamp,
            ...(value.c === undefined ? {} : { partitionKeys: { c: value.c } }),
          }
        }),
        failed: [],
      })
    const worker = await h.start(
      stream({
        destination: {
          BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 300 },
          Prefix: 'c=!{partitionKeyFromQuery:c}/',
          ErrorOutputPrefix: 'err/!{firehose:error-output-type}/',
          DynamicPartitioningConfiguration: { Enabled: true },
        },
      }),
      process,
    )
    for (const data of ['{"c":"a"}', '{"c":"b"}', '{"c":"a"}', '{"x":1}']) h.put('firehose.topic', 0, data)
    await h.groups.pump()
    h.clock.advance(300_000)
    worker.tick()
    await vi.waitFor(() => {
      expect(h.groups.committedOffset(groupOf(stream()), 0)).toBe(4)
    })
    const objects = [...h.store.objects('bucket')].map(([key, object]) => [
      key.replace(/orders-.*$/, ''),
      object.body.toString(),
    ])
    expect(objects.sort()).toEqual([
      ['c=a/', '{"c":"a"}{"c":"a"}'],
      ['c=b/', '{"c":"b"}'],
      [
        'err/partitioning-failed/',
        expect.stringContaining('"errorCode":"DynamicPartitioning.MissingPartitionKey"'),
      ],
    ])
  })

  it('backs up every source record under the backup prefix when S3BackupMode is Enabled', async () => {
    const h = harness()
    const dropAll: ProcessBatch = () => Promise.resolve({ records: [], failed: [] })
    await h.start(
      stream({
        destination: {
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
          S3BackupMode: 'Enabled',
          S3BackupDescription: {
            RoleARN: 'arn:aws:iam::123456789012:role/firehose',
            BucketARN: 'arn:aws:s3:::backup',
            Prefix: 'source/',
            BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
            CompressionFormat: 'UNCOMPRESSED',
            EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
          },
        },
      }),
      dropAll,
    )
    h.put('firehose.topic', 0, 'raw1')
    h.put('firehose.topic', 0, 'raw2')
    await h.groups.pump()
    await vi.waitFor(() => {
      expect(h.groups.committedOffset(groupOf(stream()), 0)).toBe(2)
    })
    expect([...h.store.objects('backup').keys()][0]).toMatch(/^source\/2026\/07\/13\/14\/orders-1-/)
    expect(bodies(h.store, 'backup')).toEqual(['raw1raw2'])
    expect(h.store.objects('bucket').size).toBe(0)
  })

  it('pauses reading while more than maxBufferedBytes wait, and resumes once delivered', async () => {
    const h = harness()
    const worker = await h.start(
      stream({ destination: { BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 900 } } }),
      plainProcessing,
      { maxBufferedBytes: 1024 * 1024 },
    )
    h.store.down = true
    h.groups.batchSize = 1
    for (let index = 0; index < 10; index++) h.put('firehose.topic', 0, 'y'.repeat(400 * 1024))
    await h.groups.pump()
    // Paused past 1 MiB: the three records of the full buffer (in flight) and the one after it.
    expect(h.metrics.snapshot()[0]?.recordsIn).toBeLessThan(10)
    h.store.down = false
    await vi.waitFor(async () => {
      await h.groups.pump()
      expect(h.metrics.snapshot()[0]?.recordsIn).toBe(10)
    })
    h.clock.advance(900_000)
    worker.tick()
    await vi.waitFor(() => {
      expect(h.groups.committedOffset(groupOf(stream()), 0)).toBe(10)
    })
  })

  it('reads a Kinesis source stream from DeliveryStartTimestamp, with the records Kinesis metadata', async () => {
    const h = harness()
    const seen: DeliveryRecord[] = []
    const capture: ProcessBatch = (records) => {
      seen.push(...records)
      return plainProcessing(records)
    }
    h.put('firehose.topic', 0, 'before', T0 - 10_000, 'pk0')
    h.put('firehose.topic', 0, 'after', T0, 'pk1')
    await h.start(
      stream({
        source: {
          streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/source',
          startTimestampMs: T0 - 1,
        },
        destination: { BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 } },
      }),
      capture,
    )
    await h.groups.pump()
    await vi.waitFor(() => {
      expect(bodies(h.store)).toEqual(['after'])
    })
    expect(seen).toHaveLength(1)
    expect(seen[0]?.approximateArrivalTimestamp).toBe(T0)
    expect(seen[0]?.kinesisRecordMetadata).toMatchObject({
      shardId: 'shardId-000000000000',
      partitionKey: 'pk1',
    })
    expect(seen[0]?.kinesisRecordMetadata?.sequenceNumber).toMatch(/^\d{56}$/)
  })
})
