import { parquetReadObjects } from 'hyparquet'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { workerOptionsFor } from '../../src/firehose-delivery.ts'
import { DeliveryMetrics } from '../../src/firehose/delivery/delivery-metrics.ts'
import { DeliveryWorker, type DeliveryWorkerDeps } from '../../src/firehose/delivery/delivery-worker.ts'
import type { ObjectStore } from '../../src/ports/object-store.ts'
import type { TableSchemas } from '../../src/ports/table-schemas.ts'
import { FakeClock } from '../support/fake-clock.ts'
import { deliveryStreamRecord } from '../support/firehose/delivery-streams.ts'
import { MemoryConsumerGroups } from '../support/memory/memory-consumer-groups.ts'
import { MemoryObjectStore } from '../support/memory/memory-object-store.ts'

const workers: DeliveryWorker[] = []

/** Neither a Lambda nor an HTTP endpoint is used here. */
const unusedHttp = { post: () => Promise.reject(new Error('no HTTP endpoint in this test')) }

function workerDeps(groups: MemoryConsumerGroups, store: ObjectStore, clock: FakeClock): DeliveryWorkerDeps {
  return {
    groups,
    objectStore: store,
    clock,
    keyRing: undefined,
    metrics: new DeliveryMetrics(),
    settings: { maxBufferedBytes: 1 << 24, retryInitialMs: 1, retryMaxMs: 5, stopTimeoutMs: 1_000 },
    log: () => undefined,
  }
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.abandon()))
})

describe('delivery with the processing stage', () => {
  it('delivers AWS CDK dynamic partitioning case: two partitions from one record, a third record to partitioning-failed', async () => {
    const clock = new FakeClock(Date.UTC(2026, 6, 13, 14))
    const groups = new MemoryConsumerGroups()
    groups.createTopic('t', 1)
    const store = new MemoryObjectStore()
    const stream = deliveryStreamRecord({
      name: 'cdk',
      topic: 't',
      bucket: 'b',
      destination: {
        // AWS's minimums under dynamic partitioning.
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
        Prefix: 'key1=!{partitionKeyFromQuery:key1}/key2=!{partitionKeyFromQuery:key2}/',
        ErrorOutputPrefix: 'error-output/!{firehose:error-output-type}/',
        DynamicPartitioningConfiguration: { Enabled: true },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'RecordDeAggregation',
              Parameters: [{ ParameterName: 'SubRecordType', ParameterValue: 'JSON' }],
            },
            {
              Type: 'MetadataExtraction',
              Parameters: [
                {
                  ParameterName: 'MetadataExtractionQuery',
                  ParameterValue: '{"key1":.foo,"key2":.bar.baz|ascii_upcase}',
                },
                { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
      },
    })
    const options = await workerOptionsFor(stream, {
      clock,
      lambda: undefined,
      http: unusedHttp,
      tableSchemas: undefined,
    })
    const worker = await DeliveryWorker.start(stream, workerDeps(groups, store, clock), options)
    workers.push(worker)
    groups.append(
      't',
      0,
      Buffer.from('{"foo":"a","bar":{"baz":"x"}}{"foo":"b","bar":{"baz":"y"}}'),
      clock.now(),
    )
    groups.append('t', 0, Buffer.from('{"nothing":1}'), clock.now())
    await groups.pump()
    // The failed record is written at once; the partitions' buffers wait for IntervalInSeconds.
    await vi.waitFor(() => {
      expect(store.objects('b').size).toBe(1)
    })
    clock.advance(60_000)
    worker.tick()
    await vi.waitFor(() => {
      expect(store.objects('b').size).toBe(3)
    })
    const prefixes = [...store.objects('b').keys()].map((key) => key.replace(/cdk-1-.*$/, '')).sort()
    expect(prefixes).toEqual(['error-output/partitioning-failed/', 'key1=a/key2=X/', 'key1=b/key2=Y/'])
  })
})

describe('delivery with record format conversion', () => {
  const tables: TableSchemas = {
    columns: (database, table) =>
      Promise.resolve(
        database === 'analytics' && table === 'events'
          ? [
              { name: 'id', type: 'bigint' },
              { name: 'customer', type: 'string' },
              { name: 'seen_at', type: 'timestamp' },
            ]
          : undefined,
      ),
  }
  const conversion = {
    Enabled: true,
    SchemaConfiguration: {
      RoleARN: 'arn:aws:iam::123456789012:role/glue',
      DatabaseName: 'analytics',
      TableName: 'events',
    },
    InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
    OutputFormatConfiguration: { Serializer: { ParquetSerDe: {} } },
  }

  it('writes the records that convert as one .parquet object and the others to format-conversion-failed', async () => {
    const clock = new FakeClock(Date.UTC(2026, 6, 13, 14))
    const groups = new MemoryConsumerGroups()
    groups.createTopic('t', 1)
    const store = new MemoryObjectStore()
    const stream = deliveryStreamRecord({
      name: 'events',
      topic: 't',
      bucket: 'b',
      destination: {
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 0 },
        Prefix: 'events/',
        ErrorOutputPrefix: 'failed/',
        DataFormatConversionConfiguration: conversion,
      },
    })
    const options = await workerOptionsFor(stream, {
      clock,
      lambda: undefined,
      http: unusedHttp,
      tableSchemas: tables,
    })
    workers.push(await DeliveryWorker.start(stream, workerDeps(groups, store, clock), options))
    for (const data of [
      '{"id":1,"customer":"alice","seen_at":"2026-07-13 14:00:00"}',
      'not json',
      '{"ID":2,"Customer":"bob"}',
      '{"id":"three"}',
    ]) {
      groups.append('t', 0, Buffer.from(data), clock.now())
    }
    await groups.pump()
    await vi.waitFor(() => {
      expect(store.objects('b').size).toBe(2)
    })

    const objects = [...store.objects('b')]
    const parquet = objects.filter(([key]) => key.endsWith('.parquet'))
    expect(parquet.map(([key]) => key)).toEqual([
      expect.stringMatching(
        /^events\/2026\/07\/13\/14\/events-1-2026-07-13-14-00-00-[0-9a-f-]{36}\.parquet$/,
      ),
    ])
    const [, file] = parquet[0] ?? []
    if (file === undefined) throw new Error('no Parquet object')
    expect(file.contentEncoding).toBeUndefined()
    expect(await parquetReadObjects({ file: new Uint8Array(file.body).buffer })).toEqual([
      { id: 1n, customer: 'alice', seen_at: new Date('2026-07-13T14:00:00Z') },
      { id: 2n, customer: 'bob', seen_at: null },
    ])

    const failed = objects.filter(([key]) => !key.endsWith('.parquet'))
    expect(failed.map(([key]) => key)).toEqual([
      expect.stringMatching(
        /^failed\/format-conversion-failed\/2026\/07\/13\/14\/events-1-2026-07-13-14-00-00-[0-9a-f-]{36}$/,
      ),
    ])
    const documents = (failed[0]?.[1].body.toString() ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(documents.map((document) => [document.errorCode, document.rawData])).toEqual([
      ['DataFormatConversion.MalformedData', Buffer.from('not json').toString('base64')],
      ['DataFormatConversion.MalformedData', Buffer.from('{"id":"three"}').toString('base64')],
    ])
    await vi.waitFor(() => {
      expect(
        groups.committedOffset(`firehose.123456789012.us-east-1.events.${Date.UTC(2026, 0, 1)}`, 0),
      ).toBe(4)
    })
  })

  it('does not start a stream with format conversion when no table schemas are configured', async () => {
    const stream = deliveryStreamRecord({
      name: 'events',
      topic: 't',
      bucket: 'b',
      destination: { DataFormatConversionConfiguration: conversion },
    })
    await expect(
      workerOptionsFor(stream, {
        clock: new FakeClock(),
        lambda: undefined,
        http: unusedHttp,
        tableSchemas: undefined,
      }),
    ).rejects.toThrow('Record format conversion needs the table schemas (set FIREHOSE_SCHEMA_FILE)')
  })
})
