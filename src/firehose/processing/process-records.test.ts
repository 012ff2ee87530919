import { gzipSync } from 'node:zlib'

import type { ProcessingConfiguration } from '@aws-sdk/client-firehose'
import { describe, expect, it } from 'vitest'

import { FakeClock } from '../../../test/support/fake-clock.ts'
import { kplAggregate } from '../../../test/support/firehose/kpl-aggregate.ts'
import type { DeliveryRecord } from '../delivery/delivery-record.ts'
import { createFormatConverter } from './format-conversion.ts'
import { createRecordProcessor } from './process-records.ts'

const STREAM = {
  deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/processing',
  region: 'us-east-1',
}
const ARRIVAL = Date.UTC(2026, 0, 15, 11)

function record(recordId: string, data: Buffer | string): DeliveryRecord {
  return { recordId, data: Buffer.from(data), approximateArrivalTimestamp: ARRIVAL }
}

function processing(...processors: [string, Record<string, string>][]): ProcessingConfiguration {
  return {
    Enabled: true,
    Processors: processors.map(([Type, parameters]) => ({
      Type: Type as 'Lambda',
      Parameters: Object.entries(parameters).map(([ParameterName, ParameterValue]) => ({
        ParameterName: ParameterName as 'LambdaArn',
        ParameterValue,
      })),
    })),
  }
}

/** The configuration of AWS's CDK integration test for dynamic partitioning. */
const CDK_DYNAMIC_PARTITIONING = {
  ProcessingConfiguration: processing(
    ['RecordDeAggregation', { SubRecordType: 'JSON' }],
    [
      'MetadataExtraction',
      { MetadataExtractionQuery: '{"key1":.foo,"key2":.bar.baz|ascii_upcase}', JsonParsingEngine: 'JQ-1.6' },
    ],
  ),
  DynamicPartitioningConfiguration: { Enabled: true },
}

const text = (data: Buffer): string => data.toString('utf8')

describe('processing: the CDK acceptance cases of dynamic partitioning', () => {
  it('splits one record of two concatenated JSON objects into two records with their partition keys', async () => {
    const process = createRecordProcessor(CDK_DYNAMIC_PARTITIONING, STREAM, { clock: new FakeClock() })

    const batch = await process([
      record('r1', '{"foo":"one","bar":{"baz":"abc"}}{"foo":"two","bar":{"baz":"def"}}'),
    ])

    expect(batch.failed).toEqual([])
    expect(batch.records.map((processed) => [text(processed.data), processed.partitionKeys])).toEqual([
      ['{"foo":"one","bar":{"baz":"abc"}}', { key1: 'one', key2: 'ABC' }],
      ['{"foo":"two","bar":{"baz":"def"}}', { key1: 'two', key2: 'DEF' }],
    ])
    expect(batch.records.every((processed) => processed.approximateArrivalTimestamp === ARRIVAL)).toBe(true)
  })

  it('sends a third record lacking the key to partitioning-failed', async () => {
    const clock = new FakeClock()
    const process = createRecordProcessor(CDK_DYNAMIC_PARTITIONING, STREAM, { clock })

    const batch = await process([
      record('r1', '{"foo":"one","bar":{"baz":"abc"}}{"foo":"two","bar":{"baz":"def"}}'),
      record('r2', '{"foo":"three"}'),
    ])

    expect(batch.records.map((processed) => processed.partitionKeys)).toEqual([
      { key1: 'one', key2: 'ABC' },
      { key1: 'two', key2: 'DEF' },
    ])
    expect(batch.failed).toEqual([
      {
        record: record('r2', '{"foo":"three"}'),
        errorOutputType: 'partitioning-failed',
        errorCode: 'DynamicPartitioning.MetadataExtractionFailed',
        errorMessage: expect.stringContaining('explode input must be a string') as unknown,
        attemptsMade: 1,
        attemptEndingTimestamp: clock.now(),
      },
    ])
  })
})

describe('processing: each processor', () => {
  it('passes records through unchanged without processing, or when processing is not enabled', async () => {
    const records = [record('a', 'abc'), record('b', 'abc')]
    for (const destination of [
      {},
      { ProcessingConfiguration: { ...processing(['AppendDelimiterToRecord', {}]), Enabled: false } },
    ]) {
      const batch = await createRecordProcessor(destination, STREAM, { clock: new FakeClock() })(records)
      expect(batch.records.map((processed) => text(processed.data))).toEqual(['abc', 'abc'])
      expect(batch.records[0]?.partitionKeys).toBeUndefined()
    }
  })

  it('appends a newline by default, or the base64 Delimiter given', async () => {
    const newline = createRecordProcessor(
      { ProcessingConfiguration: processing(['AppendDelimiterToRecord', {}]) },
      STREAM,
      {
        clock: new FakeClock(),
      },
    )
    expect((await newline([record('a', 'abc')])).records.map((processed) => text(processed.data))).toEqual([
      'abc\n',
    ])
    const custom = createRecordProcessor(
      {
        ProcessingConfiguration: processing([
          'AppendDelimiterToRecord',
          { Delimiter: Buffer.from('|;').toString('base64') },
        ]),
      },
      STREAM,
      { clock: new FakeClock() },
    )
    expect((await custom([record('a', 'abc')])).records.map((processed) => text(processed.data))).toEqual([
      'abc|;',
    ])
  })

  it('splits DELIMITED records on the base64 Delimiter', async () => {
    const process = createRecordProcessor(
      {
        ProcessingConfiguration: processing(
          ['RecordDeAggregation', { SubRecordType: 'DELIMITED', Delimiter: 'IyMjIw==' }],
          ['AppendDelimiterToRecord', {}],
        ),
      },
      STREAM,
      { clock: new FakeClock() },
    )
    const batch = await process([record('a', 'x####y####z')])
    expect(batch.records.map((processed) => text(processed.data))).toEqual(['x\n', 'y\n', 'z\n'])
  })

  it('decompresses GZIP records and sends records that are not GZIP to decompression-failed', async () => {
    const clock = new FakeClock()
    const process = createRecordProcessor(
      { ProcessingConfiguration: processing(['Decompression', { CompressionFormat: 'GZIP' }]) },
      STREAM,
      {
        clock,
      },
    )
    const batch = await process([record('a', gzipSync('inflated')), record('b', 'not gzip')])
    expect(batch.records.map((processed) => text(processed.data))).toEqual(['inflated'])
    expect(batch.failed).toMatchObject([
      {
        record: record('b', 'not gzip'),
        errorOutputType: 'decompression-failed',
        errorCode: 'Decompression.Failed',
      },
    ])
  })

  it('extracts the messages of CloudWatch Logs data messages and drops control messages', async () => {
    const process = createRecordProcessor(
      {
        ProcessingConfiguration: processing(
          ['Decompression', { CompressionFormat: 'GZIP' }],
          ['CloudWatchLogProcessing', { DataMessageExtraction: 'true' }],
          ['AppendDelimiterToRecord', {}],
        ),
      },
      STREAM,
      { clock: new FakeClock() },
    )
    const data = {
      messageType: 'DATA_MESSAGE',
      owner: '000000000000',
      logGroup: '/app',
      logStream: 'stream-1',
      subscriptionFilters: ['to-firehose'],
      logEvents: [
        { id: '1', timestamp: ARRIVAL, message: 'first line' },
        { id: '2', timestamp: ARRIVAL, message: '{"level":"info"}' },
      ],
    }
    const control = {
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [
        {
          id: '',
          timestamp: ARRIVAL,
          message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.',
        },
      ],
    }

    const batch = await process([
      record('a', gzipSync(JSON.stringify(data))),
      record('b', gzipSync(JSON.stringify(control))),
      record('c', gzipSync('{"not":"a subscription message"}')),
    ])

    expect(batch.records.map((processed) => text(processed.data))).toEqual([
      'first line\n',
      '{"level":"info"}\n',
    ])
    expect(batch.failed.map((failed) => [failed.record.recordId, failed.errorOutputType])).toEqual([
      ['c', 'decompression-failed'],
    ])
  })

  it('de-aggregates KPL records read from a Kinesis stream, keeping each user record its partition key', async () => {
    const process = createRecordProcessor(
      { ProcessingConfiguration: processing(['AppendDelimiterToRecord', {}]) },
      { ...STREAM, sourceKinesisStreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/source' },
      { clock: new FakeClock() },
    )
    const metadata = {
      shardId: 'shardId-000000000000',
      partitionKey: 'aggregate-key',
      sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      approximateArrivalTimestamp: ARRIVAL,
    }
    const batch = await process([
      {
        ...record(
          'k1',
          kplAggregate([
            { partitionKey: 'u1', data: 'one' },
            { partitionKey: 'u2', data: 'two' },
          ]),
        ),
        kinesisRecordMetadata: metadata,
      },
      { ...record('k2', 'not aggregated'), kinesisRecordMetadata: metadata },
    ])
    expect(batch.records.map((processed) => text(processed.data))).toEqual([
      'one\n',
      'two\n',
      'not aggregated\n',
    ])
  })

  it('does not de-aggregate KPL records put directly (DirectPut)', async () => {
    const aggregate = kplAggregate([{ partitionKey: 'u1', data: 'one' }])
    const batch = await createRecordProcessor({}, STREAM, { clock: new FakeClock() })([
      record('a', aggregate),
    ])
    expect(batch.records.map((processed) => processed.data)).toEqual([aggregate])
  })

  it('refuses to build a processor with a Lambda processor but no Lambda endpoint', () => {
    expect(() =>
      createRecordProcessor(
        {
          ProcessingConfiguration: processing([
            'Lambda',
            { LambdaArn: 'arn:aws:lambda:us-east-1:000000000000:function:f' },
          ]),
        },
        STREAM,
        { clock: new FakeClock() },
      ),
    ).toThrow(/LAMBDA_ENDPOINT/)
  })

  it('sends records that do not fit the table to format-conversion-failed, and appends no delimiter to the others', async () => {
    const DataFormatConversionConfiguration = {
      Enabled: true,
      SchemaConfiguration: { DatabaseName: 'db', TableName: 't' },
      OutputFormatConfiguration: { Serializer: { ParquetSerDe: {} } },
    }
    const formatConverter = await createFormatConverter(DataFormatConversionConfiguration, {
      columns: () => Promise.resolve([{ name: 'n', type: 'int' }]),
    })
    const process = createRecordProcessor(
      {
        ProcessingConfiguration: processing(['AppendDelimiterToRecord', {}]),
        DataFormatConversionConfiguration,
      },
      STREAM,
      { clock: new FakeClock(), formatConverter },
    )

    const batch = await process([record('a', '{"n":1}'), record('b', '{"n":"one"}')])

    expect(batch.records.map((processed) => text(processed.data))).toEqual(['{"n":1}'])
    expect(batch.failed).toMatchObject([
      {
        record: { recordId: 'b' },
        errorOutputType: 'format-conversion-failed',
        errorCode: 'DataFormatConversion.MalformedData',
      },
    ])
    expect(() =>
      createRecordProcessor({ DataFormatConversionConfiguration }, STREAM, { clock: new FakeClock() }),
    ).toThrow(/no format converter/)
  })
})
