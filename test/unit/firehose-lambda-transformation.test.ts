import type { ProcessingConfiguration } from '@aws-sdk/client-firehose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { httpLambdaInvoker } from '../../src/adapters/lambda/http-lambda-invoker.ts'
import type { DeliveryRecord } from '../../src/firehose/delivery/delivery-record.ts'
import { createRecordProcessor } from '../../src/firehose/processing/process-records.ts'
import { FakeClock } from '../support/fake-clock.ts'
import { FunctionError, InvokeApiError, LocalLambdaServer } from '../support/firehose/local-lambda-server.ts'

/** Data transformation through the Lambda Invoke API, against a real local HTTP server. */

const STREAM = {
  deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/transformed',
  region: 'us-east-1',
}
const ARRIVAL = Date.UTC(2026, 0, 15, 11)
const arn = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:${name}`

interface InvocationEvent {
  invocationId: string
  deliveryStreamArn: string
  sourceKinesisStreamArn?: string
  region: string
  records: {
    recordId: string
    approximateArrivalTimestamp: number
    data: string
    kinesisRecordMetadata?: unknown
  }[]
}

function lambdaConfig(name: string, parameters: Record<string, string> = {}): ProcessingConfiguration {
  return {
    Enabled: true,
    Processors: [
      {
        Type: 'Lambda',
        Parameters: Object.entries({ LambdaArn: arn(name), ...parameters }).map(
          ([ParameterName, ParameterValue]) => ({
            ParameterName: ParameterName as 'LambdaArn',
            ParameterValue,
          }),
        ),
      },
    ],
  }
}

function record(recordId: string, data: string): DeliveryRecord {
  return { recordId, data: Buffer.from(data), approximateArrivalTimestamp: ARRIVAL }
}

/** Upper-cases every record, as a typical transform does. */
function upperCase(event: unknown): unknown {
  return {
    records: (event as InvocationEvent).records.map((entry) => ({
      recordId: entry.recordId,
      result: 'Ok',
      data: Buffer.from(Buffer.from(entry.data, 'base64').toString().toUpperCase()).toString('base64'),
    })),
  }
}

describe('Lambda transformation through the Invoke API', () => {
  const server = new LocalLambdaServer()
  let endpoint = ''
  const clock = new FakeClock()

  beforeAll(async () => {
    endpoint = await server.start()
  })
  afterAll(() => server.stop())
  beforeEach(() => {
    server.invocations.length = 0
  })

  const processor = (
    config: ProcessingConfiguration,
    stream: typeof STREAM & { sourceKinesisStreamArn?: string } = STREAM,
  ) =>
    createRecordProcessor({ ProcessingConfiguration: config }, stream, {
      clock,
      lambda: httpLambdaInvoker(endpoint),
    })

  it('sends the invocation event Firehose sends and keeps what the function answers Ok', async () => {
    server.register('upper', upperCase)
    const source = 'arn:aws:kinesis:us-east-1:000000000000:stream/source'
    const metadata = {
      shardId: 'shardId-000000000001',
      partitionKey: 'pk',
      sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      approximateArrivalTimestamp: ARRIVAL,
    }

    const batch = await processor(lambdaConfig('upper'), { ...STREAM, sourceKinesisStreamArn: source })([
      { ...record('r1', 'hello'), kinesisRecordMetadata: metadata },
      { ...record('r2', 'world'), kinesisRecordMetadata: metadata },
    ])

    expect(batch.failed).toEqual([])
    expect(batch.records.map((processed) => processed.data.toString())).toEqual(['HELLO', 'WORLD'])
    expect(server.invocations).toHaveLength(1)
    const event = server.invocations[0]?.event as InvocationEvent
    expect(event).toEqual({
      invocationId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      deliveryStreamArn: STREAM.deliveryStreamArn,
      sourceKinesisStreamArn: source,
      region: 'us-east-1',
      records: [
        {
          recordId: 'r1',
          approximateArrivalTimestamp: ARRIVAL,
          data: Buffer.from('hello').toString('base64'),
          kinesisRecordMetadata: metadata,
        },
        {
          recordId: 'r2',
          approximateArrivalTimestamp: ARRIVAL,
          data: Buffer.from('world').toString('base64'),
          kinesisRecordMetadata: metadata,
        },
      ],
    })
  })

  it('drops Dropped records and sends ProcessingFailed records to processing-failed with the function ARN', async () => {
    server.register('judge', (event) => ({
      records: (event as InvocationEvent).records.map((entry) => {
        const data = Buffer.from(entry.data, 'base64').toString()
        const result = data === 'drop' ? 'Dropped' : data === 'fail' ? 'ProcessingFailed' : 'Ok'
        return { recordId: entry.recordId, result, data: entry.data }
      }),
    }))

    const batch = await processor(lambdaConfig('judge'))([
      record('a', 'keep'),
      record('b', 'drop'),
      record('c', 'fail'),
    ])

    expect(batch.records.map((processed) => processed.data.toString())).toEqual(['keep'])
    expect(batch.failed).toEqual([
      {
        record: record('c', 'fail'),
        errorOutputType: 'processing-failed',
        errorCode: 'Lambda.ProcessingFailedStatus',
        errorMessage: 'ProcessingFailed status set for record',
        attemptsMade: 1,
        attemptEndingTimestamp: clock.now(),
        lambdaArn: arn('judge'),
      },
    ])
  })

  it('passes the partition keys the function returns in metadata, for !{partitionKeyFromLambda:...}', async () => {
    server.register('keys', (event) => ({
      records: (event as InvocationEvent).records.map((entry) => ({
        recordId: entry.recordId,
        result: 'Ok',
        data: entry.data,
        metadata: { partitionKeys: { customer: Buffer.from(entry.data, 'base64').toString(), year: 2026 } },
      })),
    }))
    const batch = await processor(lambdaConfig('keys'))([record('a', 'acme')])
    expect(batch.records[0]?.partitionKeys).toEqual({ customer: 'acme', year: '2026' })
  })

  it('runs the metadata extraction query on what the function returned (Lambda comes first)', async () => {
    server.register('wrap', (event) => ({
      records: (event as InvocationEvent).records.map((entry) => ({
        recordId: entry.recordId,
        result: 'Ok',
        data: Buffer.from(JSON.stringify({ wrapped: Buffer.from(entry.data, 'base64').toString() })).toString(
          'base64',
        ),
      })),
    }))
    const config = lambdaConfig('wrap')
    config.Processors?.push({
      Type: 'MetadataExtraction',
      Parameters: [
        { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{"w":.wrapped}' },
        { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
      ],
    })
    const process = createRecordProcessor(
      { ProcessingConfiguration: config, DynamicPartitioningConfiguration: { Enabled: true } },
      STREAM,
      { clock, lambda: httpLambdaInvoker(endpoint) },
    )
    const batch = await process([record('a', 'inner')])
    expect(batch.records.map((processed) => [processed.data.toString(), processed.partitionKeys])).toEqual([
      ['{"wrapped":"inner"}', { w: 'inner' }],
    ])
  })

  it('invokes with at most BufferSizeInMBs of record data per invocation', async () => {
    server.register('batched', upperCase)
    const hundredKb = 'x'.repeat(100 * 1024)
    const records = Array.from({ length: 5 }, (_, index) => record(`r${index}`, hundredKb))

    const batch = await processor(lambdaConfig('batched', { BufferSizeInMBs: '0.2' }))(records)

    expect(batch.records).toHaveLength(5)
    expect(
      server.invocations.map((invocation) => (invocation.event as InvocationEvent).records.length),
    ).toEqual([2, 2, 1])
  })

  it('retries a function error and keeps the answer of the attempt that succeeds', async () => {
    let calls = 0
    server.register('flaky', (event) => {
      calls++
      if (calls <= 2) throw new FunctionError('not yet')
      return upperCase(event)
    })
    const batch = await processor(lambdaConfig('flaky'))([record('a', 'abc')])
    expect(batch.records.map((processed) => processed.data.toString())).toEqual(['ABC'])
    expect(server.invocations).toHaveLength(3)
  })

  it('after NumberOfRetries retries, sends the records of a failing invocation to processing-failed', async () => {
    server.register('broken', () => {
      throw new FunctionError('boom')
    })
    const batch = await processor(lambdaConfig('broken', { NumberOfRetries: '2' }))([
      record('a', 'abc'),
      record('b', 'def'),
    ])

    expect(batch.records).toEqual([])
    expect(server.invocations).toHaveLength(3)
    expect(
      batch.failed.map((failed) => [
        failed.record.recordId,
        failed.errorOutputType,
        failed.errorCode,
        failed.errorMessage,
        failed.attemptsMade,
        failed.lambdaArn,
      ]),
    ).toEqual([
      ['a', 'processing-failed', 'Lambda.FunctionError', 'Error: boom', 3, arn('broken')],
      ['b', 'processing-failed', 'Lambda.FunctionError', 'Error: boom', 3, arn('broken')],
    ])
  })

  it('treats a recordId the function did not return, or changed, as a failed invocation', async () => {
    server.register('renames', (event) => ({
      records: (event as InvocationEvent).records.map((entry) => ({
        recordId: `${entry.recordId}-x`,
        result: 'Ok',
        data: entry.data,
      })),
    }))
    server.register('loses', () => ({ records: [] }))
    server.register('repeats', (event) => {
      const [first] = (event as InvocationEvent).records
      return {
        records: [first, first].map((entry) => ({
          recordId: entry?.recordId,
          result: 'Ok',
          data: entry?.data,
        })),
      }
    })
    server.register('garbles', () => ({ status: 'fine' }))

    for (const [name, code] of [
      ['renames', 'Lambda.MissingRecordId'],
      ['loses', 'Lambda.MissingRecordId'],
      ['repeats', 'Lambda.DuplicatedRecordId'],
      ['garbles', 'Lambda.JsonProcessingException'],
    ] as const) {
      server.invocations.length = 0
      const batch = await processor(lambdaConfig(name, { NumberOfRetries: '1' }))([
        record('a', 'abc'),
        record('b', 'def'),
      ])
      expect(batch.records).toEqual([])
      expect(
        batch.failed.map((failed) => [failed.errorOutputType, failed.errorCode, failed.attemptsMade]),
      ).toEqual([
        ['processing-failed', code, 2],
        ['processing-failed', code, 2],
      ])
      expect(server.invocations).toHaveLength(2)
    }
  })

  it('fails the records when the function does not exist or the endpoint does not answer', async () => {
    const missing = await processor(lambdaConfig('nowhere', { NumberOfRetries: '0' }))([record('a', 'abc')])
    expect(missing.failed.map((failed) => [failed.errorCode, failed.attemptsMade])).toEqual([
      ['Lambda.ResourceNotFoundException', 1],
    ])

    server.register('throttled', () => {
      throw new InvokeApiError(429, 'TooManyRequestsException', 'Rate exceeded')
    })
    const throttled = await processor(lambdaConfig('throttled', { NumberOfRetries: '0' }))([
      record('a', 'abc'),
    ])
    expect(throttled.failed.map((failed) => [failed.errorCode, failed.errorMessage])).toEqual([
      ['Lambda.InvokeLimitExceeded', '429: Rate exceeded'],
    ])

    const closed = createRecordProcessor(
      { ProcessingConfiguration: lambdaConfig('upper', { NumberOfRetries: '1' }) },
      STREAM,
      {
        clock,
        lambda: httpLambdaInvoker('http://127.0.0.1:1'),
      },
    )
    const unreachable = await closed([record('a', 'abc')])
    expect(unreachable.failed.map((failed) => [failed.errorCode, failed.attemptsMade])).toEqual([
      ['Lambda.ServiceException', 2],
    ])
  })

  it('invokes a version or alias given in the ARN with its Qualifier', async () => {
    server.register('versioned', upperCase)
    const config = lambdaConfig('versioned')
    const parameter = config.Processors?.[0]?.Parameters?.[0]
    if (parameter !== undefined) parameter.ParameterValue = `${arn('versioned')}:live`
    const batch = await processor(config)([record('a', 'abc')])
    expect(batch.records.map((processed) => processed.data.toString())).toEqual(['ABC'])
    expect(server.invocations.map((invocation) => [invocation.functionName, invocation.qualifier])).toEqual([
      ['versioned', 'live'],
    ])
  })
})
