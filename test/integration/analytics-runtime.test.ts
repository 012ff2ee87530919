// Kinesis Data Analytics applications running on the whole gateway and the real servers: the AWS SDK creates
// Kinesis streams and applications, starts them, puts records and reads what the applications wrote to their
// output streams (Kafka topics), through the gateway's own GetRecords.

import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  waitUntilStreamExists,
  type KinesisClient,
} from '@aws-sdk/client-kinesis'
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  FirehoseClient,
} from '@aws-sdk/client-firehose'
import {
  AddApplicationReferenceDataSourceCommand,
  CreateApplicationCommand,
  DeleteApplicationCommand,
  DescribeApplicationCommand,
  KinesisAnalyticsClient,
  StartApplicationCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
  type ApplicationStatus,
  type InputStartingPosition,
} from '@aws-sdk/client-kinesis-analytics'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { KafkaConsumerGroups } from '../../src/adapters/kafka/kafka-consumer-groups.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { MinioObjectStore } from '../../src/adapters/s3/minio-object-store.ts'
import { deliveryStreamTopicName } from '../../src/mapping/delivery-stream-topics.ts'
import type { GroupMember, PartitionSlicing } from '../../src/ports/consumer-groups.ts'
import { kinesisClient, startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'

const FILTER_SQL = `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), sector VARCHAR(12), change DOUBLE, price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol, sector, change, price FROM "SOURCE_SQL_STREAM_001"
  WHERE (ABS(Change / (Price - Change)) * 100) > 1;
`

const TUMBLING_SQL = `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), TRADES INTEGER, MIN_PRICE REAL, MAX_PRICE REAL);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER_SYMBOL, COUNT(*), MIN(PRICE), MAX(PRICE) FROM "SOURCE_SQL_STREAM_001"
  GROUP BY TICKER_SYMBOL, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);
`

const ENRICH_SQL = `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), company VARCHAR(40));
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM s.ticker_symbol, c."Company" FROM "SOURCE_SQL_STREAM_001" AS s
  LEFT JOIN "COMPANIES" AS c ON s.ticker_symbol = c."Ticker";
`

const INPUT_SCHEMA = {
  RecordFormat: {
    RecordFormatType: 'JSON' as const,
    MappingParameters: { JSONMappingParameters: { RecordRowPath: '$' } },
  },
  RecordEncoding: 'UTF-8',
  RecordColumns: [
    { Name: 'TICKER_SYMBOL', SqlType: 'VARCHAR(4)', Mapping: '$.TICKER_SYMBOL' },
    { Name: 'SECTOR', SqlType: 'VARCHAR(16)', Mapping: '$.SECTOR' },
    { Name: 'CHANGE', SqlType: 'REAL', Mapping: '$.CHANGE' },
    { Name: 'PRICE', SqlType: 'REAL', Mapping: '$.PRICE' },
  ],
}

interface Tick {
  TICKER_SYMBOL: string
  SECTOR: string
  CHANGE: number
  PRICE: number
}

function tick(ticker: string, change: number, price: number): Tick {
  return { TICKER_SYMBOL: ticker, SECTOR: 'TECHNOLOGY', CHANGE: change, PRICE: price }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` every 100 ms until it holds; on timeout the error shows `state()`. */
async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 40_000,
  state: () => unknown = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out (${JSON.stringify(state())})`)
    await sleep(100)
  }
}

describe('Kinesis Data Analytics applications running on real Kafka and Redis', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  const region = 'us-east-1'
  const role = `arn:aws:iam::${accountId}:role/analytics`
  const arnOf = (stream: string) => `arn:aws:kinesis:${region}:${accountId}:stream/${stream}`
  let gateway: TestGateway
  let kinesis: KinesisClient
  let analytics: KinesisAnalyticsClient
  const created: string[] = []

  beforeAll(async () => {
    gateway = await startTestGateway(stack, {
      ANALYTICS_RUNTIME_POLL_INTERVAL_MS: '300',
      ANALYTICS_RUNTIME_SESSION_TIMEOUT_MS: '6000',
      ANALYTICS_RUNTIME_IDLE_ADVANCE_MS: '500',
      FIREHOSE_DELIVERY: 'off',
    })
    kinesis = kinesisClient(gateway.endpoint, accountId, 'HTTP/2', region)
    analytics = new KinesisAnalyticsClient({
      endpoint: gateway.endpoint,
      region,
      credentials: { accessKeyId: accountId, secretAccessKey: 'test-secret' },
      maxAttempts: 1,
    })
  }, 180_000)

  afterAll(async () => {
    // Applications left running by a failed test would be run by every later gateway on these servers.
    for (const name of created) {
      try {
        const { ApplicationDetail } = await analytics.send(
          new DescribeApplicationCommand({ ApplicationName: name }),
        )
        await analytics.send(
          new DeleteApplicationCommand({
            ApplicationName: name,
            CreateTimestamp: ApplicationDetail?.CreateTimestamp,
          }),
        )
      } catch {
        // gone already
      }
    }
    kinesis.destroy()
    analytics.destroy()
    await gateway.stop()
  })

  async function createStream(prefix: string, shards: number): Promise<string> {
    const name = uniqueName(prefix)
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }))
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: name })
    return name
  }

  async function put(stream: string, records: (Tick | string)[]): Promise<void> {
    const result = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: records.map((record, index) => ({
          PartitionKey: typeof record === 'string' ? `bad-${index}` : `${record.TICKER_SYMBOL}-${index}`,
          Data: Buffer.from(typeof record === 'string' ? record : JSON.stringify(record)),
        })),
      }),
    )
    expect(result.FailedRecordCount).toBe(0)
  }

  /** Every record of the stream, from the start of each shard. */
  async function readAll(stream: string): Promise<string[]> {
    const shards = await kinesis.send(new ListShardsCommand({ StreamName: stream }))
    const data: string[] = []
    for (const shard of shards.Shards ?? []) {
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
      let iterator = ShardIterator
      for (let page = 0; iterator !== undefined && page < 20; page++) {
        const result = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }))
        const records = result.Records ?? []
        data.push(...records.map((record) => Buffer.from(record.Data ?? new Uint8Array()).toString('utf8')))
        if (records.length === 0 || result.MillisBehindLatest === 0) break
        iterator = result.NextShardIterator
      }
    }
    return data
  }

  /** Reads until the stream holds at least `count` records (or the time is up), then once more after a pause. */
  async function readAtLeast(stream: string, count: number, timeoutMs = 30_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const data = await readAll(stream)
      if (data.length >= count) {
        await sleep(1_500)
        return readAll(stream)
      }
      if (Date.now() > deadline) return data
      await sleep(300)
    }
  }

  async function status(name: string): Promise<ApplicationStatus | undefined> {
    const described = await analytics.send(new DescribeApplicationCommand({ ApplicationName: name }))
    return described.ApplicationDetail?.ApplicationStatus
  }

  async function waitForStatus(name: string, wanted: ApplicationStatus, timeoutMs = 40_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let current = await status(name)
    while (current !== wanted) {
      if (Date.now() > deadline) throw new Error(`application ${name} is ${current ?? 'gone'}, not ${wanted}`)
      await sleep(200)
      current = await status(name)
    }
  }

  async function start(name: string, position: InputStartingPosition): Promise<void> {
    await analytics.send(
      new StartApplicationCommand({
        ApplicationName: name,
        InputConfigurations: [
          { Id: '1.1', InputStartingPositionConfiguration: { InputStartingPosition: position } },
        ],
      }),
    )
    await waitForStatus(name, 'RUNNING')
  }

  async function stop(name: string): Promise<void> {
    await analytics.send(new StopApplicationCommand({ ApplicationName: name }))
    await waitForStatus(name, 'READY')
  }

  describe('a continuous filter', () => {
    const name = uniqueName('filter')
    created.push(name)
    let input: string
    let output: string
    let errors: string

    beforeAll(async () => {
      ;[input, output, errors] = await Promise.all([
        createStream('rt-in', 2),
        createStream('rt-out', 1),
        createStream('rt-err', 1),
      ])
      await analytics.send(
        new CreateApplicationCommand({
          ApplicationName: name,
          ApplicationCode: FILTER_SQL,
          Inputs: [
            {
              NamePrefix: 'SOURCE_SQL_STREAM',
              KinesisStreamsInput: { ResourceARN: arnOf(input), RoleARN: role },
              InputSchema: INPUT_SCHEMA,
            },
          ],
          Outputs: [
            {
              Name: 'DESTINATION_SQL_STREAM',
              KinesisStreamsOutput: { ResourceARN: arnOf(output), RoleARN: role },
              DestinationSchema: { RecordFormatType: 'JSON' },
            },
            {
              Name: 'error_stream',
              KinesisStreamsOutput: { ResourceARN: arnOf(errors), RoleARN: role },
              DestinationSchema: { RecordFormatType: 'JSON' },
            },
          ],
        }),
      )
      // Put before the start: NOW must not read it.
      await put(input, [tick('OLD', 5, 10)])
    }, 120_000)

    it('runs once started: RUNNING, and the rows that pass the filter reach the output stream as JSON', async () => {
      await start(name, 'NOW')
      await put(input, [
        tick('AMZN', 5, 100),
        tick('MSFT', 0.1, 100),
        tick('IBM', -3, 50),
        tick('AAPL', 0, 10),
      ])
      const rows = (await readAtLeast(output, 2)).map((data) => JSON.parse(data) as Record<string, unknown>)
      expect(rows.sort((a, b) => String(a.TICKER_SYMBOL).localeCompare(String(b.TICKER_SYMBOL)))).toEqual([
        { TICKER_SYMBOL: 'AMZN', SECTOR: 'TECHNOLOGY', CHANGE: 5, PRICE: 100 },
        { TICKER_SYMBOL: 'IBM', SECTOR: 'TECHNOLOGY', CHANGE: -3, PRICE: 50 },
      ])
    })

    it('sends a record that is not JSON to error_stream and goes on', async () => {
      await put(input, ['{not json', tick('NFLX', 10, 20)])
      const failures = (await readAtLeast(errors, 1)).map(
        (data) => JSON.parse(data) as Record<string, unknown>,
      )
      expect(failures).toHaveLength(1)
      expect(failures[0]).toMatchObject({
        ERROR_LEVEL: 'Error',
        ERROR_NAME: 'PARSE_ERROR',
        DATA_ROW: Buffer.from('{not json').toString('hex'),
      })
      const rows = await readAtLeast(output, 3)
      expect(rows.map((data) => (JSON.parse(data) as Tick).TICKER_SYMBOL).sort()).toEqual([
        'AMZN',
        'IBM',
        'NFLX',
      ])
      expect(await status(name)).toBe('RUNNING')

      // What this process's /metrics shows of the application by now: 6 records read (the one put before the
      // start was not), 5 rows, 1 error row, 3 rows to the output stream and 1 to the error stream, none behind.
      const labels = `account="${accountId}",region="${region}",application="${name}"`
      const scrape = async (): Promise<Map<string, number>> => {
        const text = await (await fetch(`${gateway.endpoint}/metrics`)).text()
        const samples = new Map<string, number>()
        for (const line of text.split('\n')) {
          if (!line.startsWith('kinesisanalytics_') || !line.includes(labels)) continue
          const family = line.slice(0, line.indexOf('{'))
          const destination = /destination="([^"]*)"/.exec(line)?.[1]
          const value = Number(line.slice(line.lastIndexOf(' ') + 1))
          samples.set(destination === undefined ? family : `${family} ${destination}`, value)
        }
        return samples
      }
      // Counted once the output's write is acknowledged, which a reader of the output may see a moment earlier.
      await expect
        .poll(async () => (await scrape()).get(`kinesisanalytics_output_records_total ${arnOf(errors)}`))
        .toBe(1)
      const samples = await scrape()
      expect(samples.get('kinesisanalytics_application_running')).toBe(1)
      expect(samples.get('kinesisanalytics_input_records_total')).toBe(6)
      expect(samples.get('kinesisanalytics_input_rows_total')).toBe(5)
      expect(samples.get('kinesisanalytics_error_rows_total')).toBe(1)
      expect(samples.get('kinesisanalytics_records_behind_latest')).toBe(0)
      expect(samples.get(`kinesisanalytics_output_records_total ${arnOf(output)}`)).toBe(3)
    })

    it('stops, and started again from LAST_STOPPED_POINT reads what came meanwhile and nothing twice', async () => {
      await stop(name)
      await put(input, [tick('WHIL', 4, 40)])
      await sleep(1_000)
      expect(await readAll(output)).toHaveLength(3)
      await start(name, 'LAST_STOPPED_POINT')
      await put(input, [tick('AFTR', 6, 60)])
      const rows = await readAtLeast(output, 5)
      expect(rows.map((data) => (JSON.parse(data) as Tick).TICKER_SYMBOL).sort()).toEqual([
        'AFTR',
        'AMZN',
        'IBM',
        'NFLX',
        'WHIL',
      ])
      await stop(name)
    })
  })

  describe('a Firehose output and reference data from S3', () => {
    const name = uniqueName('enrich')
    created.push(name)
    const bucket = uniqueName('analytics-reference').toLowerCase()
    const deliveryStream = uniqueName('enriched')
    let input: string

    beforeAll(async () => {
      input = await createStream('rt-ref-in', 1)
      const store = new MinioObjectStore(stack.s3)
      await store.ensureBucket(bucket)
      await store.put(
        bucket,
        'companies.csv',
        Buffer.from('AMZN,Amazon\nIBM,International Business Machines\n'),
      )
      const firehose = new FirehoseClient({
        endpoint: gateway.endpoint,
        region,
        credentials: { accessKeyId: accountId, secretAccessKey: 'test-secret' },
        maxAttempts: 1,
      })
      await firehose.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: deliveryStream,
          ExtendedS3DestinationConfiguration: { RoleARN: role, BucketARN: `arn:aws:s3:::${bucket}` },
        }),
      )
      for (let attempt = 0; attempt < 100; attempt++) {
        const { DeliveryStreamDescription } = await firehose.send(
          new DescribeDeliveryStreamCommand({ DeliveryStreamName: deliveryStream }),
        )
        if (DeliveryStreamDescription?.DeliveryStreamStatus === 'ACTIVE') break
        await sleep(100)
      }
      firehose.destroy()
      await analytics.send(
        new CreateApplicationCommand({
          ApplicationName: name,
          Inputs: [
            {
              NamePrefix: 'SOURCE_SQL_STREAM',
              KinesisStreamsInput: { ResourceARN: arnOf(input), RoleARN: role },
              InputSchema: INPUT_SCHEMA,
            },
          ],
          Outputs: [
            {
              Name: 'DESTINATION_SQL_STREAM',
              KinesisFirehoseOutput: {
                ResourceARN: `arn:aws:firehose:${region}:${accountId}:deliverystream/${deliveryStream}`,
                RoleARN: role,
              },
              DestinationSchema: { RecordFormatType: 'CSV' },
            },
          ],
        }),
      )
      await analytics.send(
        new AddApplicationReferenceDataSourceCommand({
          ApplicationName: name,
          CurrentApplicationVersionId: 1,
          ReferenceDataSource: {
            TableName: 'COMPANIES',
            S3ReferenceDataSource: {
              BucketARN: `arn:aws:s3:::${bucket}`,
              FileKey: 'companies.csv',
              ReferenceRoleARN: role,
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
        }),
      )
      await analytics.send(
        new UpdateApplicationCommand({
          ApplicationName: name,
          CurrentApplicationVersionId: 2,
          ApplicationUpdate: { ApplicationCodeUpdate: ENRICH_SQL },
        }),
      )
    }, 120_000)

    it("joins the S3 table and writes CSV rows into the delivery stream's topic", async () => {
      await start(name, 'TRIM_HORIZON')
      await put(input, [tick('AMZN', 1, 10), tick('MSFT', 1, 20)])
      const topic = deliveryStreamTopicName({ accountId, region, name: deliveryStream })
      const log = new KafkaRecordLog(
        createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'analytics-fh' }),
      )
      const rows: string[] = []
      try {
        const deadline = Date.now() + 30_000
        while (rows.length < 2 && Date.now() < deadline) {
          rows.length = 0
          for (let partition = 0; partition < 4; partition++) {
            const read = await log.read(topic, partition, 0, {
              maxRecords: 100,
              maxBytes: 1 << 20,
              maxWaitMs: 0,
            })
            rows.push(...read.records.map((record) => record.value?.toString('utf8') ?? ''))
          }
          if (rows.length < 2) await sleep(300)
        }
      } finally {
        await log.close()
      }
      expect(rows.sort()).toEqual(['AMZN,Amazon\n', 'MSFT,\n'])
      await stop(name)
    })
  })

  describe('a tumbling window', () => {
    const name = uniqueName('tumbling')
    created.push(name)
    let input: string
    let output: string

    beforeAll(async () => {
      ;[input, output] = await Promise.all([createStream('rt-win-in', 2), createStream('rt-win-out', 1)])
      await analytics.send(
        new CreateApplicationCommand({
          ApplicationName: name,
          ApplicationCode: TUMBLING_SQL,
          Inputs: [
            {
              NamePrefix: 'SOURCE_SQL_STREAM',
              KinesisStreamsInput: { ResourceARN: arnOf(input), RoleARN: role },
              InputSchema: INPUT_SCHEMA,
            },
          ],
          Outputs: [
            {
              Name: 'DESTINATION_SQL_STREAM',
              KinesisStreamsOutput: { ResourceARN: arnOf(output), RoleARN: role },
              DestinationSchema: { RecordFormatType: 'CSV' },
            },
          ],
        }),
      )
    }, 120_000)

    it('emits one CSV row per ticker when the 10-second window ends, with its aggregates', async () => {
      await start(name, 'TRIM_HORIZON')
      // All the records in one window: start early in a 10-second window.
      const intoWindow = Date.now() % 10_000
      if (intoWindow > 5_000) await sleep(10_000 - intoWindow + 100)
      await put(input, [tick('AMZN', 1, 10), tick('AMZN', 1, 30), tick('MSFT', 1, 20), tick('AMZN', 1, 20)])
      await put(input, [tick('MSFT', 1, 25)])
      const rows = await readAtLeast(output, 2, 30_000)
      expect(rows.sort()).toEqual(['AMZN,3,10,30\n', 'MSFT,2,20,25\n'])
      await stop(name)
    }, 60_000)
  })
})

describe('a sliced consumer group on real Kafka (one application, several gateway processes)', () => {
  const stack = inject('stack')
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'analytics-exclusive-test' })
  const log = new KafkaRecordLog(kafka)
  const topic = uniqueName('analytics-exclusive')
  const groups = new KafkaConsumerGroups(kafka, {
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
    maxBytes: 1024 * 1024,
    maxBytesPerPartition: 256 * 1024,
    partitionsConsumedConcurrently: 4,
  })

  beforeAll(async () => {
    await log.createTopic(topic, 3, {})
  })

  afterAll(async () => {
    await log.deleteTopic(topic)
    await log.close()
  })

  /**
   * Two members join a new group one after the other (the second once the first owns every partition); `owned`
   * follows what each owns.
   */
  async function twoMembers(
    slicing: PartitionSlicing,
  ): Promise<{ members: GroupMember[]; owned: number[][] }> {
    const groupId = uniqueName('sliced')
    const owned: number[][] = [[], []]
    const members: GroupMember[] = []
    for (const index of [0, 1]) {
      members.push(
        await groups.join({
          groupId,
          topic,
          startPosition: { from: 'earliest' },
          slicing,
          handler: {
            assigned: (partitions) => {
              owned[index] = [...partitions]
            },
            records: () => Promise.resolve(),
          },
        }),
      )
      if (index === 0) await until(() => owned[0]?.length === 3)
    }
    return { members, owned }
  }

  it('with one slice: gives every partition to one member, keeps it there when another joins, and moves it when it leaves', async () => {
    const { members, owned } = await twoMembers({ count: 1, sliceOf: () => 0 })
    await until(() => owned[0]?.length === 3 && owned[1]?.length === 0)
    await sleep(2_000)
    expect(owned).toEqual([[0, 1, 2], []])
    await members[0]?.stop()
    await until(() => owned[1]?.length === 3)
    expect(owned[1]).toEqual([0, 1, 2])
    await members[1]?.stop()
  }, 90_000)

  it('with two slices: shares them between two members, keeping each slice whole, and gives both to the survivor', async () => {
    // Partitions 0 and 2 are one slice, 1 the other (two in-application streams, partition p feeds p mod 2).
    const { members, owned } = await twoMembers({ count: 2, sliceOf: (partition) => partition % 2 })
    await until(() => (owned[0]?.length ?? 0) > 0 && (owned[1]?.length ?? 0) > 0)
    await sleep(2_000)
    // The first member kept slice 0 (its even share, in slice order); the second took slice 1.
    expect(owned).toEqual([[0, 2], [1]])
    await members[0]?.stop()
    await until(() => owned[1]?.length === 3)
    expect(owned[1]).toEqual([0, 1, 2])
    await members[1]?.stop()
  }, 90_000)
})

/** Two in-application input streams, each with a 30-second tumbling window of its own: they run apart. */
const TUMBLING_PER_STREAM_SQL = `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), TRADES INTEGER, MIN_PRICE REAL, MAX_PRICE REAL);
CREATE OR REPLACE PUMP "PUMP_1" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER_SYMBOL, COUNT(*), MIN(PRICE), MAX(PRICE) FROM "SOURCE_SQL_STREAM_001"
  GROUP BY TICKER_SYMBOL, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '30' SECOND);
CREATE OR REPLACE PUMP "PUMP_2" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER_SYMBOL, COUNT(*), MIN(PRICE), MAX(PRICE) FROM "SOURCE_SQL_STREAM_002"
  GROUP BY TICKER_SYMBOL, STEP("SOURCE_SQL_STREAM_002".ROWTIME BY INTERVAL '30' SECOND);
`

/** The lowest hash key of each shard of a two-shard stream. */
const SHARD_HASH_KEYS = ['0', (2n ** 127n).toString()]

describe('an application run by several gateway processes, one of which stops in the middle of a window', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  const region = 'us-east-1'
  const role = `arn:aws:iam::${accountId}:role/analytics`
  const arnOf = (stream: string) => `arn:aws:kinesis:${region}:${accountId}:stream/${stream}`
  const env = {
    ANALYTICS_RUNTIME_POLL_INTERVAL_MS: '300',
    ANALYTICS_RUNTIME_SESSION_TIMEOUT_MS: '6000',
    ANALYTICS_RUNTIME_IDLE_ADVANCE_MS: '500',
    ANALYTICS_RUNTIME_CHECKPOINT_INTERVAL_MS: '200',
    FIREHOSE_DELIVERY: 'off',
  }
  const gateways: TestGateway[] = []
  const stopped = new Set<TestGateway>()
  const cleanups: (() => Promise<void>)[] = []

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
    for (const gateway of gateways) if (!stopped.has(gateway)) await gateway.stop()
  })

  const clients = (gateway: TestGateway) => ({
    kinesis: kinesisClient(gateway.endpoint, accountId, 'HTTP/2', region),
    analytics: new KinesisAnalyticsClient({
      endpoint: gateway.endpoint,
      region,
      credentials: { accessKeyId: accountId, secretAccessKey: 'test-secret' },
      maxAttempts: 1,
    }),
  })

  /** Ticks put to the input's shards: [shard index, tick]. */
  type Puts = readonly (readonly [number, Tick])[]

  /**
   * Two gateways run an application over a two-shard stream (the ones owning its input: `owners`); the `before`
   * ticks go in early in a 30-second window, the first owner stops, the `after` ticks go in through the other
   * gateway; the rows the windows emit are read from the output stream.
   */
  async function stopOneOwnerMidWindow(scenario: {
    code: string
    parallelism: number
    owners: number
    before: Puts
    after: Puts
    rows: number
  }): Promise<string[]> {
    const pair = [await startTestGateway(stack, env), await startTestGateway(stack, env)]
    gateways.push(...pair)
    const { kinesis, analytics } = clients(pair[0] as TestGateway)
    const name = uniqueName('takeover')
    const input = uniqueName('rt-take-in')
    const output = uniqueName('rt-take-out')
    for (const stream of [input, output]) {
      await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }))
      await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: stream })
    }
    await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        ApplicationCode: scenario.code,
        Inputs: [
          {
            NamePrefix: 'SOURCE_SQL_STREAM',
            KinesisStreamsInput: { ResourceARN: arnOf(input), RoleARN: role },
            InputParallelism: { Count: scenario.parallelism },
            InputSchema: INPUT_SCHEMA,
          },
        ],
        Outputs: [
          {
            Name: 'DESTINATION_SQL_STREAM',
            KinesisStreamsOutput: { ResourceARN: arnOf(output), RoleARN: role },
            DestinationSchema: { RecordFormatType: 'CSV' },
          },
        ],
      }),
    )
    await analytics.send(
      new StartApplicationCommand({
        ApplicationName: name,
        InputConfigurations: [
          { Id: '1.1', InputStartingPositionConfiguration: { InputStartingPosition: 'TRIM_HORIZON' } },
        ],
      }),
    )
    const cleanup = async () => {
      const survivor = pair.find((gateway) => !stopped.has(gateway))
      if (survivor === undefined) return
      const client = clients(survivor).analytics
      try {
        const { ApplicationDetail } = await client.send(
          new DescribeApplicationCommand({ ApplicationName: name }),
        )
        await client.send(
          new DeleteApplicationCommand({
            ApplicationName: name,
            CreateTimestamp: ApplicationDetail?.CreateTimestamp,
          }),
        )
      } catch {
        // gone already
      } finally {
        client.destroy()
      }
    }
    cleanups.push(cleanup)
    const key = `${accountId}/${region}/${name}`
    const owners = () => pair.filter((gateway) => gateway.gateway.analytics?.owned().includes(key))
    await until(
      () =>
        owners().length === scenario.owners &&
        pair.every((gateway) => gateway.gateway.analytics?.running().includes(`${key}@1`)),
      60_000,
      () =>
        pair.map(({ gateway }) => ({
          running: gateway.analytics?.running(),
          owned: gateway.analytics?.owned(),
        })),
    )
    const owner = owners()[0] as TestGateway
    const other = owner === pair[0] ? (pair[1] as TestGateway) : (pair[0] as TestGateway)
    const put = async (client: KinesisClient, puts: Puts) => {
      await client.send(
        new PutRecordsCommand({
          StreamName: input,
          Records: puts.map(([shard, record], index) => ({
            PartitionKey: `k${index}`,
            ExplicitHashKey: SHARD_HASH_KEYS[shard],
            Data: Buffer.from(JSON.stringify(record)),
          })),
        }),
      )
    }
    // Early in a 30-second window.
    const intoWindow = Date.now() % 30_000
    if (intoWindow > 3_000) await sleep(30_000 - intoWindow + 100)
    await put(kinesis, scenario.before)
    await sleep(1_500)
    await owner.stop()
    stopped.add(owner)
    await until(() => other.gateway.analytics?.owned().includes(key) === true)
    const survivor = clients(other)
    await put(survivor.kinesis, scenario.after)
    const rows: string[] = []
    await until(async () => {
      const shards = await survivor.kinesis.send(new ListShardsCommand({ StreamName: output }))
      rows.length = 0
      for (const shard of shards.Shards ?? []) {
        const { ShardIterator } = await survivor.kinesis.send(
          new GetShardIteratorCommand({
            StreamName: output,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
        const result = await survivor.kinesis.send(new GetRecordsCommand({ ShardIterator }))
        rows.push(...(result.Records ?? []).map((record) => Buffer.from(record.Data ?? []).toString('utf8')))
      }
      return rows.length >= scenario.rows
    }, 60_000)
    await survivor.analytics.send(new StopApplicationCommand({ ApplicationName: name }))
    kinesis.destroy()
    analytics.destroy()
    survivor.kinesis.destroy()
    survivor.analytics.destroy()
    // Every gateway runs (or stands by for) every started application on the same Redis: a gateway left running
    // would be a third member of the next scenario's group.
    await cleanup()
    await other.stop()
    stopped.add(other)
    return rows.sort()
  }

  it('one input stream: one gateway runs it, the other stands by and resumes the window from the last checkpoint', async () => {
    const rows = await stopOneOwnerMidWindow({
      code: TUMBLING_SQL.replace("'10' SECOND", "'30' SECOND"),
      parallelism: 1,
      owners: 1,
      before: [
        [0, tick('AMZN', 1, 10)],
        [1, tick('AMZN', 1, 30)],
      ],
      after: [[0, tick('AMZN', 1, 20)]],
      rows: 1,
    })
    // No row lost, none counted twice.
    expect(rows).toEqual(['AMZN,3,10,30\n'])
  }, 150_000)

  it('two input streams that run apart: each gateway runs one, and the survivor resumes both windows', async () => {
    const rows = await stopOneOwnerMidWindow({
      code: TUMBLING_PER_STREAM_SQL,
      parallelism: 2,
      owners: 2,
      before: [
        [0, tick('AMZN', 1, 10)],
        [0, tick('AMZN', 1, 30)],
        [1, tick('MSFT', 1, 5)],
      ],
      after: [
        [0, tick('AMZN', 1, 20)],
        [1, tick('MSFT', 1, 7)],
      ],
      rows: 2,
    })
    expect(rows).toEqual(['AMZN,3,10,30\n', 'MSFT,2,5,7\n'])
  }, 150_000)
})
