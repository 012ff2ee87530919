import type { Output } from '@aws-sdk/client-kinesis-analytics'
import { beforeEach, describe, expect, it } from 'vitest'

import {
  analyticsCaller,
  CONTEXT,
  kinesisArn,
  ROLE_ARN,
  tickerInput,
} from '../../../test/support/analytics/analytics-calls.ts'
import {
  fakeAnalyticsDeps,
  type FakeAnalyticsDeps,
} from '../../../test/support/analytics/fake-analytics-deps.ts'
import { MemoryApplicationCheckpoints } from '../../../test/support/memory/memory-application-checkpoints.ts'
import { MemoryConsumerGroups } from '../../../test/support/memory/memory-consumer-groups.ts'
import { createTestStream } from '../../../test/support/streams/test-streams.ts'
import type { LambdaInvocation, LambdaInvoker } from '../../ports/lambda-invoker.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'
import { checkCodeWithSqlEngine } from '../code-checker.ts'
import { formatTimestamp } from '../sql/index.ts'
import type { KinesisOutputRecord, OutputDestinations } from './runtime-deps.ts'
import { startAnalyticsRuntime, type AnalyticsRuntime } from './runtime-supervisor.ts'
import { applicationGroupId } from './application-worker.ts'
import { RuntimeMetrics } from './runtime-metrics.ts'

const FILTER = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), change REAL);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol, change FROM "SOURCE_SQL_STREAM_001" WHERE change > 1;`

const TUMBLING = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), N INTEGER, TOP REAL);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER_SYMBOL, COUNT(*), MAX(PRICE) FROM "SOURCE_SQL_STREAM_001"
  GROUP BY TICKER_SYMBOL, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);`

/** One tumbling window per in-application input stream: the two streams run apart (InputParallelism 2). */
const TUMBLING_PER_STREAM = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), N INTEGER, TOP REAL);
CREATE OR REPLACE PUMP "PUMP_1" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER_SYMBOL, COUNT(*), MAX(PRICE) FROM "SOURCE_SQL_STREAM_001"
  GROUP BY TICKER_SYMBOL, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);
CREATE OR REPLACE PUMP "PUMP_2" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER_SYMBOL, COUNT(*), MAX(PRICE) FROM "SOURCE_SQL_STREAM_002"
  GROUP BY TICKER_SYMBOL, STEP("SOURCE_SQL_STREAM_002".ROWTIME BY INTERVAL '10' SECOND);`

const DIVIDING = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), ratio REAL);
CREATE OR REPLACE PUMP "RATIO_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol, change / (price - price) FROM "SOURCE_SQL_STREAM_001";`

const key = { accountId: CONTEXT.accountId, region: CONTEXT.region, applicationName: 'app' }

class FakeDestinations implements OutputDestinations {
  readonly kinesis: { streamArn: string; record: KinesisOutputRecord }[] = []
  /** Calls that fail before the writes succeed. */
  failures = 0

  putKinesisRecords(streamArn: string, records: readonly KinesisOutputRecord[]): Promise<number[]> {
    if (this.failures > 0) {
      this.failures--
      return Promise.reject(new Error('Kafka is unavailable'))
    }
    this.kinesis.push(...records.map((record) => ({ streamArn, record })))
    return Promise.resolve([])
  }

  putFirehoseRecords(): Promise<number[]> {
    return Promise.reject(new Error('no Firehose here'))
  }

  /** The data written to a stream, as text. */
  texts(streamName: string): string[] {
    return this.kinesis
      .filter(({ streamArn }) => streamArn === kinesisArn(streamName))
      .map(({ record }) => Buffer.from(record.data).toString('utf8'))
  }
}

/** Functions by ARN; every invocation's event is kept. */
class FakeLambda implements LambdaInvoker {
  readonly events: { functionArn: string; event: { records: { recordId: string; data: string }[] } }[] = []
  readonly functions = new Map<
    string,
    (event: { records: { recordId: string; data: string }[] }) => unknown
  >()

  invoke(functionArn: string, payload: Buffer): Promise<LambdaInvocation> {
    const event = JSON.parse(payload.toString()) as { records: { recordId: string; data: string }[] }
    this.events.push({ functionArn, event })
    const handler = this.functions.get(functionArn)
    if (handler === undefined) return Promise.reject(new Error(`no function ${functionArn}`))
    return Promise.resolve({ payload: Buffer.from(JSON.stringify(handler(event))) })
  }
}

const decodeData = (data: string): string => Buffer.from(data, 'base64').toString('utf8')
const encodeData = (text: string): string => Buffer.from(text).toString('base64')

let lambda: FakeLambda
let deps: FakeAnalyticsDeps
let call: ReturnType<typeof analyticsCaller>
let groups: MemoryConsumerGroups
let destinations: FakeDestinations
let runtime: AnalyticsRuntime
let metrics: RuntimeMetrics
let input: StreamRecord
const logged: string[] = []

beforeEach(async () => {
  deps = fakeAnalyticsDeps(checkCodeWithSqlEngine)
  call = analyticsCaller(deps)
  input = await createTestStream(deps.plane, { name: 'ticks', shardCount: 2 })
  await createTestStream(deps.plane, { name: 'alerts', shardCount: 1 })
  await createTestStream(deps.plane, { name: 'errors', shardCount: 1 })
  groups = new MemoryConsumerGroups()
  groups.createTopic(input.topic, 2)
  destinations = new FakeDestinations()
  lambda = new FakeLambda()
  logged.length = 0
  metrics = new RuntimeMetrics(() => deps.clock.now())
  runtime = startRuntime()
  return () => runtime.stop()
})

function startRuntime(checkpoints?: MemoryApplicationCheckpoints): AnalyticsRuntime {
  return startAnalyticsRuntime(
    {
      applications: deps.applications,
      streams: deps.streams,
      groups,
      objects: deps.objects,
      clock: deps.clock,
      destinations,
      lambda,
      ...(checkpoints === undefined ? {} : { checkpoints }),
      metrics,
      log: (_level, message) => {
        logged.push(message)
      },
    },
    {
      pollIntervalMs: 3_600_000,
      tickIntervalMs: 3_600_000,
      idleAdvanceMs: 1_000,
      checkpointIntervalMs: 1_000,
    },
  )
}

function output(name: string, streamName: string, format: 'JSON' | 'CSV' = 'JSON'): Output {
  return {
    Name: name,
    KinesisStreamsOutput: { ResourceARN: kinesisArn(streamName), RoleARN: ROLE_ARN },
    DestinationSchema: { RecordFormatType: format },
  }
}

async function createApp(
  code: string,
  outputs: Output[],
  parallelism = 1,
  preprocessor?: string,
): Promise<void> {
  await call('CreateApplication', {
    ApplicationName: 'app',
    ApplicationCode: code,
    Inputs: [
      {
        ...tickerInput('ticks'),
        InputParallelism: { Count: parallelism },
        ...(preprocessor === undefined
          ? {}
          : {
              InputProcessingConfiguration: {
                InputLambdaProcessor: { ResourceARN: preprocessor, RoleARN: ROLE_ARN },
              },
            }),
      },
    ],
    Outputs: outputs,
  })
}

async function start(position: string): Promise<void> {
  // Each run has a time of its own.
  deps.clock.advance(1)
  await call('StartApplication', {
    ApplicationName: 'app',
    InputConfigurations: [
      { Id: '1.1', InputStartingPositionConfiguration: { InputStartingPosition: position } },
    ],
  })
  await runtime.reconcile()
}

async function stop(): Promise<void> {
  await call('StopApplication', { ApplicationName: 'app' })
  await runtime.reconcile()
}

async function status(): Promise<string | undefined> {
  return (await deps.applications.get(key))?.status
}

function put(partition: number, ...records: (object | string)[]): void {
  for (const record of records) {
    const text = typeof record === 'string' ? record : JSON.stringify(record)
    groups.append(input.topic, partition, Buffer.from(text), deps.clock.now(), Buffer.from('pk'))
  }
}

function tick(ticker: string, change: number, price = 10): object {
  return { TICKER_SYMBOL: ticker, SECTOR: 'TECH', CHANGE: change, PRICE: price }
}

async function flow(): Promise<void> {
  await groups.pump()
  await runtime.settled()
}

async function groupId(): Promise<string> {
  const record = await deps.applications.get(key)
  if (record === undefined) throw new Error('no application')
  return applicationGroupId(record)
}

describe('the analytics runtime', () => {
  it('runs a STARTING application (RUNNING), writes the rows of its output stream, commits after writing', async () => {
    await createApp(FILTER, [output('DESTINATION_SQL_STREAM', 'alerts')])
    await start('TRIM_HORIZON')
    expect(await status()).toBe('RUNNING')
    expect(runtime.running()).toEqual([`${CONTEXT.accountId}/${CONTEXT.region}/app@1`])

    put(0, tick('AMZN', 5), tick('MSFT', 0.5))
    put(1, tick('IBM', 2))
    await flow()
    expect(destinations.texts('alerts').sort()).toEqual([
      '{"TICKER_SYMBOL":"AMZN","CHANGE":5}',
      '{"TICKER_SYMBOL":"IBM","CHANGE":2}',
    ])
    expect(groups.committedOffset(await groupId(), 0)).toBe(2)
    expect(groups.committedOffset(await groupId(), 1)).toBe(1)
  })

  it('counts records, rows, error rows and output records per application, and how far behind the input it is', async () => {
    await createApp(FILTER, [output('DESTINATION_SQL_STREAM', 'alerts'), output('error_stream', 'errors')])
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 5), tick('MSFT', 0.5), 'not json')
    put(1, tick('IBM', 2))
    await flow()
    const [app] = metrics.snapshot()
    expect(app).toMatchObject({
      account: CONTEXT.accountId,
      region: CONTEXT.region,
      applicationName: 'app',
      owning: 1,
      recordsIn: 4,
      inputRows: 3,
      errorRows: 1,
      recordsBehindLatest: 0,
      millisBehindLatest: 0,
    })
    expect(app?.bytesIn).toBe(
      [tick('AMZN', 5), tick('MSFT', 0.5), tick('IBM', 2)].reduce(
        (sum, t) => sum + JSON.stringify(t).length,
        0,
      ) + 'not json'.length,
    )
    expect(
      app?.outputs
        .map(({ destination, records }) => ({ destination, records }))
        .sort((a, b) => a.destination.localeCompare(b.destination)),
    ).toEqual([
      { destination: kinesisArn('alerts'), records: 2 },
      { destination: kinesisArn('errors'), records: 1 },
    ])

    // A stopped worker stands by: the counters stay, the application no longer runs here.
    await runtime.stop()
    expect(metrics.snapshot()[0]).toMatchObject({ owning: 0 })
  })

  it('stops on StopApplication (READY), and LAST_STOPPED_POINT resumes from the committed offsets', async () => {
    await createApp(FILTER, [output('DESTINATION_SQL_STREAM', 'alerts')])
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 5))
    await flow()
    await stop()
    expect(await status()).toBe('READY')
    expect(runtime.running()).toEqual([])

    put(0, tick('WHIL', 3))
    await start('LAST_STOPPED_POINT')
    put(0, tick('AFTR', 4))
    await flow()
    expect(destinations.texts('alerts').map((text) => text.slice(18, 22))).toEqual(['AMZN', 'WHIL', 'AFTR'])
  })

  it('NOW skips what arrived before the start, even when the group has offsets from an earlier run', async () => {
    await createApp(FILTER, [output('DESTINATION_SQL_STREAM', 'alerts')])
    put(0, tick('OLD1', 5))
    deps.clock.advance(1_000)
    await start('NOW')
    put(0, tick('NEW1', 5))
    await flow()
    await stop()
    put(1, tick('GONE', 5))
    deps.clock.advance(1_000)
    await start('NOW')
    put(1, tick('NEW2', 5))
    await flow()
    expect(destinations.texts('alerts').map((text) => text.slice(18, 22))).toEqual(['NEW1', 'NEW2'])
  })

  it('TRIM_HORIZON reads everything again after a stop', async () => {
    await createApp(FILTER, [output('DESTINATION_SQL_STREAM', 'alerts')])
    put(0, tick('ONE', 5))
    await start('TRIM_HORIZON')
    await flow()
    await stop()
    await start('TRIM_HORIZON')
    await flow()
    expect(destinations.texts('alerts').map((text) => text.slice(18, 21))).toEqual(['ONE', 'ONE'])
  })

  it('closes a tumbling window when the input is quiet, and writes CSV', async () => {
    await createApp(TUMBLING, [output('DESTINATION_SQL_STREAM', 'alerts', 'CSV')])
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 1, 10), tick('AMZN', 1, 30))
    put(1, tick('MSFT', 1, 20))
    await flow()
    expect(destinations.texts('alerts')).toEqual([])
    deps.clock.advance(12_000)
    runtime.tick()
    await runtime.settled()
    expect(destinations.texts('alerts').sort()).toEqual(['AMZN,2,30\n', 'MSFT,1,20\n'])
  })

  it('feeds each partition to its in-application stream (InputParallelism)', async () => {
    const code = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4));
CREATE OR REPLACE PUMP "P2" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol FROM "SOURCE_SQL_STREAM_002";`
    await createApp(code, [output('DESTINATION_SQL_STREAM', 'alerts')], 2)
    await start('TRIM_HORIZON')
    put(0, tick('ZERO', 1))
    put(1, tick('ONE', 1))
    await flow()
    expect(destinations.texts('alerts')).toEqual(['{"TICKER_SYMBOL":"ONE"}'])
  })

  it("gives each row its record's arrival time as APPROXIMATE_ARRIVAL_TIME, which SELECT * leaves out", async () => {
    const code = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), arrived TIMESTAMP);
CREATE OR REPLACE PUMP "ARRIVAL_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol, APPROXIMATE_ARRIVAL_TIME FROM "SOURCE_SQL_STREAM_001"
  WHERE "SOURCE_SQL_STREAM_001".APPROXIMATE_ARRIVAL_TIME <= ROWTIME;
CREATE OR REPLACE STREAM "COPY_STREAM" (ticker_symbol VARCHAR(4), sector VARCHAR(16), change REAL, price REAL);
CREATE OR REPLACE PUMP "COPY_PUMP" AS INSERT INTO "COPY_STREAM" SELECT STREAM * FROM "SOURCE_SQL_STREAM_001";`
    await createApp(code, [output('DESTINATION_SQL_STREAM', 'alerts'), output('COPY_STREAM', 'errors')])
    await start('TRIM_HORIZON')
    const first = deps.clock.now()
    put(0, tick('AMZN', 1))
    deps.clock.advance(5_000)
    put(1, tick('IBM', 2))
    await flow()
    expect(destinations.texts('alerts').sort()).toEqual([
      `{"TICKER_SYMBOL":"AMZN","ARRIVED":"${formatTimestamp(first)}"}`,
      `{"TICKER_SYMBOL":"IBM","ARRIVED":"${formatTimestamp(first + 5_000)}"}`,
    ])
    expect(destinations.texts('errors').sort()).toEqual([
      '{"TICKER_SYMBOL":"AMZN","SECTOR":"TECH","CHANGE":1,"PRICE":10}',
      '{"TICKER_SYMBOL":"IBM","SECTOR":"TECH","CHANGE":2,"PRICE":10}',
    ])
  })

  it('sends records that do not decode and rows that fail to error_stream, and goes on', async () => {
    await createApp(DIVIDING, [output('error_stream', 'errors'), output('DESTINATION_SQL_STREAM', 'alerts')])
    await start('TRIM_HORIZON')
    put(0, 'not json', tick('AMZN', 1), '{"TICKER_SYMBOL":"IBM","CHANGE":"lots"}')
    await flow()
    const errors = destinations.texts('errors').map((text) => JSON.parse(text) as Record<string, unknown>)
    expect(errors.map((error) => error.ERROR_NAME)).toEqual([
      'PARSE_ERROR',
      expect.any(String),
      'COERCION_ERROR',
    ])
    expect(errors[0]).toMatchObject({
      ERROR_LEVEL: 'Error',
      DATA_ROW: Buffer.from('not json').toString('hex'),
      PUMP_NAME: null,
    })
    expect(errors[1]).toMatchObject({ PUMP_NAME: 'RATIO_PUMP' })
    expect(destinations.texts('alerts')).toEqual([])
    expect(await status()).toBe('RUNNING')
    expect(groups.committedOffset(await groupId(), 0)).toBe(3)
  })

  it('writes again until the output is stored, and commits only then', async () => {
    await createApp(FILTER, [output('DESTINATION_SQL_STREAM', 'alerts')])
    await start('TRIM_HORIZON')
    destinations.failures = 2
    put(0, tick('AMZN', 5))
    await flow()
    expect(destinations.texts('alerts')).toHaveLength(1)
    expect(groups.committedOffset(await groupId(), 0)).toBe(1)
    expect(logged).toContain('analytics: an output could not be written; retrying')
  })

  it('does not commit what it could not write before stopping: the records are read again', async () => {
    await createApp(FILTER, [output('DESTINATION_SQL_STREAM', 'alerts')])
    await start('TRIM_HORIZON')
    destinations.failures = 1_000
    put(0, tick('AMZN', 5))
    const pumping = groups.pump()
    await new Promise((resolve) => setTimeout(resolve, 50))
    await stop()
    await pumping
    expect(groups.committedOffset(await groupId(), 0)).toBe(0)
    destinations.failures = 0
    await start('LAST_STOPPED_POINT')
    await flow()
    expect(destinations.texts('alerts')).toHaveLength(1)
  })

  it('removes a DELETING application once its worker stopped', async () => {
    await createApp(FILTER, [output('DESTINATION_SQL_STREAM', 'alerts')])
    await start('TRIM_HORIZON')
    const record = await deps.applications.get(key)
    await call('DeleteApplication', {
      ApplicationName: 'app',
      CreateTimestamp: new Date(record?.createdAtMillis ?? 0),
    })
    await runtime.reconcile()
    expect(await deps.applications.get(key)).toBeUndefined()
    expect(runtime.running()).toEqual([])
  })

  it('delivers to a Lambda output as Kinesis Data Analytics invokes it, again for records not answered Ok', async () => {
    const sink = 'arn:aws:lambda:us-east-1:123456789012:function:sink'
    let calls = 0
    lambda.functions.set(sink, (event) => ({
      records: event.records.map((record, index) => ({
        recordId: record.recordId,
        result: calls++ === 0 && index === 0 ? 'DeliveryFailed' : 'Ok',
      })),
    }))
    await createApp(FILTER, [
      {
        Name: 'DESTINATION_SQL_STREAM',
        LambdaOutput: { ResourceARN: sink, RoleARN: ROLE_ARN },
        DestinationSchema: { RecordFormatType: 'JSON' },
      },
    ])
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 5), tick('IBM', 7))
    await flow()
    const delivered = lambda.events.map(({ event }) => event.records.map((record) => decodeData(record.data)))
    expect(delivered).toEqual([
      ['{"TICKER_SYMBOL":"AMZN","CHANGE":5}', '{"TICKER_SYMBOL":"IBM","CHANGE":7}'],
      ['{"TICKER_SYMBOL":"AMZN","CHANGE":5}'],
    ])
    const first = lambda.events[0]?.event as { applicationArn?: string } | undefined
    expect(first?.applicationArn).toBe(
      `arn:aws:kinesisanalytics:us-east-1:${CONTEXT.accountId}:application/app`,
    )
  })

  it('preprocesses input records with the Lambda: Ok goes on with its data, Dropped is left out, ProcessingFailed errs', async () => {
    const preprocessor = 'arn:aws:lambda:us-east-1:123456789012:function:pre'
    lambda.functions.set(preprocessor, (event) => ({
      records: event.records.map((record) => {
        const text = decodeData(record.data)
        if (text.includes('DROP')) return { recordId: record.recordId, result: 'Dropped' }
        if (text.includes('FAIL')) return { recordId: record.recordId, result: 'ProcessingFailed' }
        return { recordId: record.recordId, result: 'Ok', data: encodeData(text.replace('"lo"', '"LO"')) }
      }),
    }))
    await createApp(
      FILTER,
      [output('DESTINATION_SQL_STREAM', 'alerts'), output('error_stream', 'errors')],
      1,
      preprocessor,
    )
    await start('TRIM_HORIZON')
    put(0, tick('lo', 5), tick('DROP', 5), tick('FAIL', 5))
    await flow()
    expect(destinations.texts('alerts')).toEqual(['{"TICKER_SYMBOL":"LO","CHANGE":5}'])
    expect(
      destinations.texts('errors').map((text) => (JSON.parse(text) as { ERROR_NAME: string }).ERROR_NAME),
    ).toEqual(['Lambda_Processing_Failure'])
    expect(lambda.events[0]?.event.records[0]).toMatchObject({
      kinesisStreamRecordMetadata: { shardId: 'shardId-000000000000', partitionKey: 'pk' },
    })
  })

  it('loads reference data from S3 into its table when the application starts', async () => {
    await deps.objects.ensureBucket('reference')
    await deps.objects.put(
      'reference',
      'companies.csv',
      Buffer.from('AMZN,Amazon\nIBM,International Business Machines\n'),
    )
    await createApp(FILTER, [output('DESTINATION_SQL_STREAM', 'alerts')])
    await call('AddApplicationReferenceDataSource', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 1,
      ReferenceDataSource: {
        TableName: 'COMPANIES',
        S3ReferenceDataSource: {
          BucketARN: 'arn:aws:s3:::reference',
          FileKey: 'companies.csv',
          ReferenceRoleARN: ROLE_ARN,
        },
        ReferenceSchema: {
          RecordFormat: {
            RecordFormatType: 'CSV',
            MappingParameters: {
              CSVMappingParameters: { RecordRowDelimiter: '\n', RecordColumnDelimiter: ',' },
            },
          },
          RecordColumns: [
            { Name: 'Ticker', SqlType: 'VARCHAR(4)' },
            { Name: 'Company', SqlType: 'VARCHAR(40)' },
          ],
        },
      },
    })
    await call('UpdateApplication', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 2,
      ApplicationUpdate: {
        ApplicationCodeUpdate: `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), company VARCHAR(40));
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM s.ticker_symbol, c."Company" FROM "SOURCE_SQL_STREAM_001" AS s
  LEFT JOIN "COMPANIES" AS c ON s.ticker_symbol = c."Ticker";`,
      },
    })
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 1), tick('MSFT', 1))
    await flow()
    expect(destinations.texts('alerts')).toEqual([
      '{"TICKER_SYMBOL":"AMZN","COMPANY":"Amazon"}',
      '{"TICKER_SYMBOL":"MSFT","COMPANY":null}',
    ])
  })

  it('runs a new version after UpdateApplication of a running application (UPDATING -> RUNNING)', async () => {
    await createApp(FILTER, [output('DESTINATION_SQL_STREAM', 'alerts')])
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 5))
    await flow()
    await call('UpdateApplication', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 1,
      ApplicationUpdate: { ApplicationCodeUpdate: FILTER.replace('change > 1', 'change > 10') },
    })
    expect(await status()).toBe('UPDATING')
    await runtime.reconcile()
    expect(await status()).toBe('RUNNING')
    expect(runtime.running()).toEqual([`${CONTEXT.accountId}/${CONTEXT.region}/app@2`])
    put(0, tick('SMAL', 5), tick('BIG', 50))
    await flow()
    expect(destinations.texts('alerts').map((text) => text.slice(18, 22))).toEqual(['AMZN', 'BIG"'])
  })

  it("reads a Firehose delivery stream input from the delivery stream's topic", async () => {
    const topic = `firehose.${CONTEXT.accountId}.${CONTEXT.region}.clicks`
    groups.createTopic(topic, 1)
    const { KinesisStreamsInput: _kinesis, ...rest } = tickerInput('ticks')
    await call('CreateApplication', {
      ApplicationName: 'app',
      ApplicationCode: FILTER,
      Inputs: [
        {
          ...rest,
          KinesisFirehoseInput: {
            ResourceARN: `arn:aws:firehose:${CONTEXT.region}:${CONTEXT.accountId}:deliverystream/clicks`,
            RoleARN: ROLE_ARN,
          },
        },
      ],
      Outputs: [output('DESTINATION_SQL_STREAM', 'alerts')],
    })
    await start('TRIM_HORIZON')
    groups.append(topic, 0, Buffer.from(JSON.stringify(tick('FIRE', 9))), deps.clock.now())
    await flow()
    expect(destinations.texts('alerts')).toEqual(['{"TICKER_SYMBOL":"FIRE","CHANGE":9}'])
  })
})

describe('window checkpoints', () => {
  let checkpoints: MemoryApplicationCheckpoints

  beforeEach(async () => {
    await runtime.stop()
    checkpoints = new MemoryApplicationCheckpoints()
    runtime = startRuntime(checkpoints)
  })

  /** Another process takes the application over: this runtime stops, a new one runs it. */
  async function restart(): Promise<void> {
    await runtime.stop()
    runtime = startRuntime(checkpoints)
    await runtime.reconcile()
    await runtime.settled()
  }

  async function closeWindow(): Promise<void> {
    deps.clock.advance(12_000)
    runtime.tick()
    await runtime.settled()
  }

  it('a restart in the middle of a window neither loses nor counts twice the rows it had', async () => {
    await createApp(TUMBLING, [output('DESTINATION_SQL_STREAM', 'alerts', 'CSV')])
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 1, 10), tick('AMZN', 1, 30))
    await flow()
    await restart()
    expect(await status()).toBe('RUNNING')
    put(0, tick('AMZN', 1, 20))
    put(1, tick('MSFT', 1, 5))
    await flow()
    await closeWindow()
    expect(destinations.texts('alerts').sort()).toEqual(['AMZN,3,30\n', 'MSFT,1,5\n'])
  })

  it('after a crash, the records since the last checkpoint come again into the state of that checkpoint', async () => {
    await createApp(TUMBLING, [output('DESTINATION_SQL_STREAM', 'alerts', 'CSV')])
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 1, 10))
    await flow()
    expect(checkpoints.saves).toBe(1)
    // Within the interval: processed, neither checkpointed nor committed.
    put(0, tick('AMZN', 1, 40))
    await flow()
    expect(checkpoints.saves).toBe(1)
    expect(groups.committedOffset(await groupId(), 0)).toBe(1)
    // The process dies: its last checkpoint is the one above (the store refuses the final one).
    const save = checkpoints.save.bind(checkpoints)
    checkpoints.save = () => Promise.reject(new Error('Redis is down'))
    await runtime.stop()
    checkpoints.save = save
    runtime = startRuntime(checkpoints)
    await runtime.reconcile()
    await flow()
    await closeWindow()
    expect(destinations.texts('alerts')).toEqual(['AMZN,2,40\n'])
  })

  it('LAST_STOPPED_POINT resumes the windows of the stopped run; NOW and TRIM_HORIZON start them empty', async () => {
    await createApp(TUMBLING, [output('DESTINATION_SQL_STREAM', 'alerts', 'CSV')])
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 1, 10))
    await flow()
    await stop()
    await start('LAST_STOPPED_POINT')
    put(0, tick('AMZN', 1, 20))
    await flow()
    await stop()
    await start('NOW')
    put(0, tick('AMZN', 1, 30))
    await flow()
    await closeWindow()
    expect(destinations.texts('alerts')).toEqual(['AMZN,1,30\n'])
    await stop()
    await start('TRIM_HORIZON')
    await flow()
    await closeWindow()
    expect(destinations.texts('alerts')).toEqual(['AMZN,1,30\n', 'AMZN,3,30\n'])
  })

  it('two processes each run a slice of an application whose input streams run apart; one takes both over', async () => {
    await createApp(TUMBLING_PER_STREAM, [output('DESTINATION_SQL_STREAM', 'alerts', 'CSV')], 2)
    await start('TRIM_HORIZON')
    const other = startRuntime(checkpoints)
    await other.reconcile()
    const name = `${CONTEXT.accountId}/${CONTEXT.region}/app`
    expect(runtime.owned()).toEqual([name])
    expect(other.owned()).toEqual([name])
    put(0, tick('AMZN', 1, 10))
    put(1, tick('MSFT', 1, 5))
    await groups.pump()
    await Promise.all([runtime.settled(), other.settled()])
    // One checkpoint per slice, each saved by the process that runs it.
    const group = await groupId()
    expect(JSON.parse(checkpoints.stored.get(group)?.text ?? '{}')).toMatchObject({ offsets: { '0': 1 } })
    expect(JSON.parse(checkpoints.stored.get(`${group}#1`)?.text ?? '{}')).toMatchObject({
      offsets: { '1': 1 },
    })
    await other.stop()
    put(1, tick('MSFT', 1, 7))
    put(0, tick('AMZN', 1, 20))
    await flow()
    await closeWindow()
    expect(destinations.texts('alerts').sort()).toEqual(['AMZN,2,20\n', 'MSFT,2,7\n'])
  })

  it('an application whose pumps combine its input streams runs whole in one process', async () => {
    const combined = `CREATE OR REPLACE STREAM "ALL_TICKS" (TICKER VARCHAR(4), PRICE REAL);
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), N INTEGER, TOP REAL);
CREATE OR REPLACE PUMP "COPY_1" AS INSERT INTO "ALL_TICKS" SELECT STREAM TICKER_SYMBOL, PRICE FROM "SOURCE_SQL_STREAM_001";
CREATE OR REPLACE PUMP "COPY_2" AS INSERT INTO "ALL_TICKS" SELECT STREAM TICKER_SYMBOL, PRICE FROM "SOURCE_SQL_STREAM_002";
CREATE OR REPLACE PUMP "WINDOW" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER, COUNT(*), MAX(PRICE) FROM "ALL_TICKS"
  GROUP BY TICKER, STEP("ALL_TICKS".ROWTIME BY INTERVAL '10' SECOND);`
    await createApp(combined, [output('DESTINATION_SQL_STREAM', 'alerts', 'CSV')], 2)
    await start('TRIM_HORIZON')
    const other = startRuntime(checkpoints)
    await other.reconcile()
    const name = `${CONTEXT.accountId}/${CONTEXT.region}/app`
    expect(runtime.owned()).toEqual([name])
    expect(other.owned()).toEqual([])
    put(0, tick('AMZN', 1, 10))
    put(1, tick('AMZN', 1, 30))
    await flow()
    await closeWindow()
    expect(destinations.texts('alerts')).toEqual(['AMZN,2,30\n'])
    await other.stop()
  })

  it('forgets the checkpoint of a deleted application', async () => {
    await createApp(TUMBLING, [output('DESTINATION_SQL_STREAM', 'alerts', 'CSV')])
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 1, 10))
    await flow()
    const group = await groupId()
    expect(checkpoints.stored.has(group)).toBe(true)
    const record = await deps.applications.get(key)
    await call('DeleteApplication', {
      ApplicationName: 'app',
      CreateTimestamp: new Date(record?.createdAtMillis ?? 0),
    })
    await runtime.reconcile()
    expect(await deps.applications.get(key)).toBeUndefined()
    expect(checkpoints.stored.has(group)).toBe(false)
  })

  it('a worker whose checkpoint is refused (another saved one) is replaced, and the new one resumes from it', async () => {
    await createApp(TUMBLING, [output('DESTINATION_SQL_STREAM', 'alerts', 'CSV')])
    await start('TRIM_HORIZON')
    put(0, tick('AMZN', 1, 10))
    await flow()
    const group = await groupId()
    const stored = checkpoints.stored.get(group)
    if (stored === undefined) throw new Error('no checkpoint')
    // Another worker saved the same state meanwhile.
    checkpoints.stored.set(group, { ...stored, sequence: stored.sequence + 1 })
    deps.clock.advance(2_000)
    put(0, tick('AMZN', 1, 20))
    await flow()
    expect(logged).toContain(
      'analytics: another worker saved a checkpoint of this application; not committing',
    )
    await runtime.reconcile()
    expect(logged).toContain('analytics: an application worker failed; starting another')
    await flow()
    await closeWindow()
    expect(destinations.texts('alerts')).toEqual(['AMZN,2,20\n'])
  })
})
