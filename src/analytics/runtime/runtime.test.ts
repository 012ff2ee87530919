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
import { MemoryConsumerGroups } from '../../../test/support/memory/memory-consumer-groups.ts'
import { createTestStream } from '../../../test/support/streams/test-streams.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'
import { checkCodeWithSqlEngine } from '../code-checker.ts'
import type { KinesisOutputRecord, OutputDestinations } from './runtime-deps.ts'
import { startAnalyticsRuntime, type AnalyticsRuntime } from './runtime-supervisor.ts'
import { applicationGroupId } from './application-worker.ts'

const FILTER = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), change REAL);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol, change FROM "SOURCE_SQL_STREAM_001" WHERE change > 1;`

const TUMBLING = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), N INTEGER, TOP REAL);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER_SYMBOL, COUNT(*), MAX(PRICE) FROM "SOURCE_SQL_STREAM_001"
  GROUP BY TICKER_SYMBOL, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);`

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

let deps: FakeAnalyticsDeps
let call: ReturnType<typeof analyticsCaller>
let groups: MemoryConsumerGroups
let destinations: FakeDestinations
let runtime: AnalyticsRuntime
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
  logged.length = 0
  runtime = startAnalyticsRuntime(
    {
      applications: deps.applications,
      streams: deps.streams,
      groups,
      objects: deps.objects,
      clock: deps.clock,
      destinations,
      log: (_level, message) => {
        logged.push(message)
      },
    },
    { pollIntervalMs: 3_600_000, tickIntervalMs: 3_600_000, idleAdvanceMs: 1_000 },
  )
  return () => runtime.stop()
})

function output(name: string, streamName: string, format: 'JSON' | 'CSV' = 'JSON'): Output {
  return {
    Name: name,
    KinesisStreamsOutput: { ResourceARN: kinesisArn(streamName), RoleARN: ROLE_ARN },
    DestinationSchema: { RecordFormatType: format },
  }
}

async function createApp(code: string, outputs: Output[], parallelism = 1): Promise<void> {
  await call('CreateApplication', {
    ApplicationName: 'app',
    ApplicationCode: code,
    Inputs: [{ ...tickerInput('ticks'), InputParallelism: { Count: parallelism } }],
    Outputs: outputs,
  })
}

async function start(position: string): Promise<void> {
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
})
