import { randomBytes } from 'node:crypto'

import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis'
import {
  CreateApplicationCommand,
  DeleteApplicationCommand,
  DescribeApplicationCommand,
  KinesisAnalyticsClient,
  StartApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics'
import type { Admin, Kafka } from 'kafkajs'

import { createKafkaClient } from '../src/adapters/kafka/kafka-client.ts'
import type { StackEndpoints } from '../src/stack/types.ts'
import { ACCOUNT, topicOf, waitFor } from './common.ts'
import { startGatewayProcess } from './gateway-process.ts'
import { format, percentile, printTable } from './table.ts'

/**
 * Scenario: Kinesis Data Analytics for SQL. BENCH_ANALYTICS_RECORDS (100000) JSON ticks are put with PutRecords
 * into a 4-shard input stream, then two applications run over them from TRIM_HORIZON, one after the other, on a
 * gateway process:
 *  - a continuous filter (`WHERE PRICE > 50`, half of the rows pass) to a 1-shard output stream, done when the
 *    output topic holds every row that passes;
 *  - a tumbling-window aggregation (`GROUP BY TICKER, STEP(ROWTIME BY INTERVAL '60' SECOND)`), done when the
 *    application's consumer group has committed the end of every input partition (its windows close a minute
 *    later, which is not processing time).
 * Both are timed from the first progress seen (polling every 50 ms: output rows, or committed offsets) to done,
 * over the rows processed in between (the filter's input rows estimated from its output rows); the time from
 * StartApplication to the first progress (runtime poll, group join, first fetch) is shown apart. The gateway
 * checkpoints every BENCH_ANALYTICS_CHECKPOINT_MS (200) ms here, which bounds how finely the aggregation's end
 * is seen. The reference is the same computation as a kafkajs consumer of the same topic (the stored value is
 * the record's data byte for byte: JSON.parse, then filter and produce the passing rows as JSON to a 1-partition
 * topic, or count/min/max per ticker and minute of the log-append time in memory), timed from its first batch to
 * the last offset processed. Target: rows/s >= 0.5x direct.
 * Then the latency of the filter from PutRecords to its output stream at BENCH_ANALYTICS_RATE (200) records/s for
 * BENCH_ANALYTICS_SECONDS (10) s, read with GetRecords in a loop (50 ms pause when empty), p50/p99.
 */
const RECORDS = Number(process.env.BENCH_ANALYTICS_RECORDS ?? 100_000)
const RATE = Number(process.env.BENCH_ANALYTICS_RATE ?? 200)
const SECONDS = Number(process.env.BENCH_ANALYTICS_SECONDS ?? 10)
const SHARDS = 4
const TICKERS = 50
const THRESHOLD = 50
const TARGET_RATIO = 0.5
const REGION = 'us-east-1'
const ROLE = `arn:aws:iam::${ACCOUNT}:role/bench-analytics`

const FILTER_SQL = `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), PRICE DOUBLE, SENT_AT BIGINT);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER, PRICE, SENT_AT FROM "SOURCE_SQL_STREAM_001" WHERE PRICE > ${THRESHOLD};
`

const TUMBLING_SQL = `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), TRADES INTEGER, MIN_PRICE DOUBLE, MAX_PRICE DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER, COUNT(*), MIN(PRICE), MAX(PRICE) FROM "SOURCE_SQL_STREAM_001"
  GROUP BY TICKER, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);
`

const INPUT_SCHEMA = {
  RecordFormat: {
    RecordFormatType: 'JSON' as const,
    MappingParameters: { JSONMappingParameters: { RecordRowPath: '$' } },
  },
  RecordEncoding: 'UTF-8',
  RecordColumns: [
    { Name: 'TICKER', SqlType: 'VARCHAR(4)', Mapping: '$.TICKER' },
    { Name: 'PRICE', SqlType: 'DOUBLE', Mapping: '$.PRICE' },
    { Name: 'SENT_AT', SqlType: 'BIGINT', Mapping: '$.SENT_AT' },
  ],
}

interface Tick {
  TICKER: string
  PRICE: number
  SENT_AT: number
}

function nowMs(): number {
  return performance.timeOrigin + performance.now()
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A tick; `price` given, or uniform in [0, 100) so that about half pass the filter. */
function tick(index: number, price = Math.round(Math.random() * 10_000) / 100): Tick {
  return {
    TICKER: `T${String(index % TICKERS).padStart(2, '0')}`,
    PRICE: price,
    SENT_AT: Math.round(nowMs()),
  }
}

export async function analytics(stack: StackEndpoints): Promise<void> {
  // Checkpoints (and so offset commits) every 200 ms by default rather than 1 s: the aggregation is done when its
  // offsets are committed, and a 1 s interval would add up to a second to a run of a few seconds.
  const gateway = await startGatewayProcess(stack, {
    ANALYTICS_RUNTIME_POLL_INTERVAL_MS: '200',
    ANALYTICS_RUNTIME_CHECKPOINT_INTERVAL_MS: process.env.BENCH_ANALYTICS_CHECKPOINT_MS ?? '200',
    FIREHOSE_DELIVERY: 'off',
  })
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'bench-analytics' })
  const admin = kafka.admin()
  await admin.connect()
  const credentials = { accessKeyId: ACCOUNT, secretAccessKey: 'bench' }
  const kinesis = new KinesisClient({ endpoint: gateway.endpoint, region: REGION, credentials })
  const kda = new KinesisAnalyticsClient({ endpoint: gateway.endpoint, region: REGION, credentials })
  const suffix = `${Date.now()}-${randomBytes(2).toString('hex')}`
  const input = `bench-analytics-in-${suffix}`
  const filterOutput = `bench-analytics-filtered-${suffix}`
  const aggregateOutput = `bench-analytics-windows-${suffix}`
  const streams = [input, filterOutput, aggregateOutput]
  const applications: string[] = []
  const directTopics: string[] = []
  try {
    await Promise.all(
      streams.map(async (name) => {
        await kinesis.send(
          new CreateStreamCommand({ StreamName: name, ShardCount: name === input ? SHARDS : 1 }),
        )
        await waitUntilStreamExists({ client: kinesis, maxWaitTime: 60 }, { StreamName: name })
      }),
    )
    const ticks = Array.from({ length: RECORDS }, (_, index) => tick(index))
    const passing = ticks.filter((row) => row.PRICE > THRESHOLD).length
    await putAll(kinesis, input, ticks)

    const filter = await runApplication(kda, admin, {
      name: `bench-filter-${suffix}`,
      sql: FILTER_SQL,
      input,
      output: filterOutput,
      target: RECORDS,
      progress: async () => ((await topicSize(admin, topicOf(filterOutput))) * RECORDS) / passing,
    })
    applications.push(filter.name)
    const latencies = await latency(kinesis, input, filterOutput)
    await deleteApplication(kda, filter.name)

    const inputEnd = await endOffsets(admin, topicOf(input))
    const aggregate = await runApplication(kda, admin, {
      name: `bench-windows-${suffix}`,
      sql: TUMBLING_SQL,
      input,
      output: aggregateOutput,
      target: sum([...inputEnd.values()]),
      progress: async (groupId) => committedRows(admin, groupId, topicOf(input)),
    })
    applications.push(aggregate.name)
    await deleteApplication(kda, aggregate.name)

    const directFilterTopic = `bench-analytics-direct-${suffix}`
    directTopics.push(directFilterTopic)
    await admin.createTopics({ topics: [{ topic: directFilterTopic, numPartitions: 1 }] })
    const directFilter = await directRun(kafka, topicOf(input), inputEnd, 'filter', directFilterTopic)
    const directAggregate = await directRun(kafka, topicOf(input), inputEnd, 'aggregate')
    const total = sum([...inputEnd.values()])
    if (directFilter.passed !== passing + latencies.sent) {
      throw new Error(`the direct filter passed ${directFilter.passed} rows, not ${passing + latencies.sent}`)
    }

    const rows: string[][] = []
    const ratios: number[] = []
    for (const [label, gatewayRun, direct] of [
      ['filter (WHERE PRICE > 50)', filter, directFilter],
      ['tumbling window (60 s)', aggregate, directAggregate],
    ] as const) {
      const rate = gatewayRun.rows / gatewayRun.seconds
      const directRate = total / direct.seconds
      ratios.push(rate / directRate)
      rows.push([
        label,
        format(gatewayRun.rows),
        format(gatewayRun.startSeconds, 1),
        format(gatewayRun.seconds, 2),
        format(rate),
        format(directRate),
        `${format(rate / directRate, 2)}x`,
      ])
    }
    printTable(
      `Kinesis Data Analytics: ${format(RECORDS)} JSON records pre-loaded into ${SHARDS} shards, TRIM_HORIZON`,
      [
        'application',
        'timed rows',
        'to first s',
        'run s',
        'gateway rows/s',
        'direct rows/s',
        'gateway / direct',
      ],
      rows,
    )
    const met = ratios.every((ratio) => ratio >= TARGET_RATIO)
    process.stdout.write(
      `Analytics / direct kafkajs: ${ratios.map((ratio) => `${format(ratio, 2)}x`).join(', ')} (target >= ${TARGET_RATIO}x): ${met ? 'met' : 'MISSED'}\n`,
    )
    printTable(
      `Filter latency, PutRecords to the output stream (GetRecords): ${RATE} records/s for ${SECONDS} s`,
      ['', 'sent', 'received', 'p50 ms', 'p99 ms', 'max ms'],
      [
        [
          'filter',
          format(latencies.sent),
          format(latencies.ms.length),
          format(percentile(latencies.ms, 50)),
          format(percentile(latencies.ms, 99)),
          format(percentile(latencies.ms, 100)),
        ],
      ],
    )
  } finally {
    for (const name of applications) await deleteApplication(kda, name).catch(() => undefined)
    for (const name of streams) {
      await kinesis.send(new DeleteStreamCommand({ StreamName: name })).catch(() => undefined)
    }
    if (directTopics.length > 0) await admin.deleteTopics({ topics: directTopics }).catch(() => undefined)
    await admin.disconnect()
    kinesis.destroy()
    kda.destroy()
    await gateway.stop()
  }
}

/** PutRecords of 500, 4 at a time. */
async function putAll(kinesis: KinesisClient, stream: string, ticks: readonly Tick[]): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < ticks.length) {
        const start = next
        next += 500
        await putBatch(kinesis, stream, ticks.slice(start, start + 500))
      }
    }),
  )
}

async function putBatch(kinesis: KinesisClient, stream: string, ticks: readonly Tick[]): Promise<void> {
  const result = await kinesis.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: ticks.map((row) => ({
        PartitionKey: randomBytes(8).toString('hex'),
        Data: Buffer.from(JSON.stringify(row)),
      })),
    }),
  )
  if ((result.FailedRecordCount ?? 0) > 0) throw new Error(`${result.FailedRecordCount} records failed`)
}

interface ApplicationRun {
  name: string
  /** StartApplication to the first progress seen. */
  startSeconds: number
  /** The input rows processed from the first progress seen to done. */
  rows: number
  /** The first progress seen to done. */
  seconds: number
}

async function runApplication(
  kda: KinesisAnalyticsClient,
  admin: Admin,
  options: {
    name: string
    sql: string
    input: string
    output: string
    /** Input rows processed so far. */
    progress: (groupId: string) => Promise<number>
    /** The input rows to process. */
    target: number
  },
): Promise<ApplicationRun> {
  const arnOf = (stream: string) => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${stream}`
  const created = await kda.send(
    new CreateApplicationCommand({
      ApplicationName: options.name,
      ApplicationCode: options.sql,
      Inputs: [
        {
          NamePrefix: 'SOURCE_SQL_STREAM',
          KinesisStreamsInput: { ResourceARN: arnOf(options.input), RoleARN: ROLE },
          InputSchema: INPUT_SCHEMA,
        },
      ],
      Outputs: [
        {
          Name: 'DESTINATION_SQL_STREAM',
          KinesisStreamsOutput: { ResourceARN: arnOf(options.output), RoleARN: ROLE },
          DestinationSchema: { RecordFormatType: 'JSON' },
        },
      ],
    }),
  )
  const applicationArn = created.ApplicationSummary?.ApplicationARN ?? ''
  const requested = performance.now()
  await kda.send(
    new StartApplicationCommand({
      ApplicationName: options.name,
      InputConfigurations: [
        { Id: '1.1', InputStartingPositionConfiguration: { InputStartingPosition: 'TRIM_HORIZON' } },
      ],
    }),
  )
  // The application's group: kinesisanalytics:<application ARN>:<creation time>.
  let groupId = ''
  await waitFor(async () => {
    const { groups } = await admin.listGroups()
    groupId =
      groups.find((group) => group.groupId.startsWith(`kinesisanalytics:${applicationArn}:`))?.groupId ?? ''
    return groupId !== ''
  })
  let first: { at: number; rows: number } | undefined
  let processed = 0
  await waitFor(async () => {
    processed = await options.progress(groupId)
    if (first === undefined && processed > 0) first = { at: performance.now(), rows: processed }
    return processed >= options.target
  }, 600_000)
  const done = performance.now()
  // All done at the first look (a run shorter than one poll): timed from StartApplication instead.
  const from = first === undefined || first.rows >= options.target ? { at: requested, rows: 0 } : first
  return {
    name: options.name,
    startSeconds: ((first?.at ?? done) - requested) / 1000,
    rows: options.target - from.rows,
    seconds: (done - from.at) / 1000,
  }
}

async function deleteApplication(kda: KinesisAnalyticsClient, name: string): Promise<void> {
  const described = await kda.send(new DescribeApplicationCommand({ ApplicationName: name }))
  await kda.send(
    new DeleteApplicationCommand({
      ApplicationName: name,
      CreateTimestamp: described.ApplicationDetail?.CreateTimestamp,
    }),
  )
}

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic)
  return new Map(offsets.map((entry) => [entry.partition, Number(entry.high)]))
}

async function topicSize(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic)
  return sum(offsets.map((entry) => Number(entry.high) - Number(entry.low)))
}

/** The offsets the group committed on the topic, summed: its input rows processed (the topic starts at 0). */
async function committedRows(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
  return sum((committed?.partitions ?? []).map((entry) => Math.max(0, Number(entry.offset))))
}

/**
 * The same computation as a kafkajs consumer group of one member: the stored value is the record's data, byte for
 * byte (src/mapping/record-envelope.ts; the bench's streams are not encrypted). Timed from its first batch to the
 * last of `end` processed.
 */
async function directRun(
  kafka: Kafka,
  topic: string,
  end: ReadonlyMap<number, number>,
  kind: 'filter' | 'aggregate',
  outputTopic?: string,
): Promise<{ seconds: number; passed: number }> {
  const consumer = kafka.consumer({ groupId: `bench-analytics-direct-${randomBytes(4).toString('hex')}` })
  const producer = kafka.producer()
  await Promise.all([consumer.connect(), producer.connect()])
  const remaining = new Map(end)
  const windows = new Map<string, { trades: number; min: number; max: number }>()
  let passed = 0
  let first = 0
  let last = 0
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        if (first === 0) first = performance.now()
        const rows: { value: string }[] = []
        for (const message of batch.messages) {
          const row = JSON.parse((message.value ?? Buffer.alloc(0)).toString('utf8')) as Tick
          if (kind === 'filter') {
            if (row.PRICE > THRESHOLD) {
              rows.push({
                value: JSON.stringify({ TICKER: row.TICKER, PRICE: row.PRICE, SENT_AT: row.SENT_AT }),
              })
            }
          } else {
            const key = `${row.TICKER}|${Math.floor(Number(message.timestamp) / 60_000)}`
            const window = windows.get(key)
            if (window === undefined) windows.set(key, { trades: 1, min: row.PRICE, max: row.PRICE })
            else {
              window.trades++
              window.min = Math.min(window.min, row.PRICE)
              window.max = Math.max(window.max, row.PRICE)
            }
          }
        }
        if (rows.length > 0 && outputTopic !== undefined) {
          await producer.send({ topic: outputTopic, messages: rows })
          passed += rows.length
        }
        const lastOffset = Number(batch.lastOffset()) + 1
        if (lastOffset >= (remaining.get(batch.partition) ?? 0)) remaining.delete(batch.partition)
        if (remaining.size === 0 && last === 0) last = performance.now()
      },
    })
    await waitFor(() => Promise.resolve(last !== 0), 600_000)
  } finally {
    await consumer.disconnect()
    await producer.disconnect()
  }
  return { seconds: (last - first) / 1000, passed }
}

/** RATE records/s for SECONDS s into the running filter (every one passes); when each reaches the output stream. */
async function latency(
  kinesis: KinesisClient,
  input: string,
  output: string,
): Promise<{ sent: number; ms: number[] }> {
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: output,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'LATEST',
    }),
  )
  const ms: number[] = []
  const total = RATE * SECONDS
  const state = { reading: true }
  const reader = (async () => {
    let iterator = ShardIterator
    while (state.reading && iterator !== undefined) {
      const result = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }))
      const received = nowMs()
      for (const record of result.Records ?? []) {
        const row = JSON.parse(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8')) as Tick
        ms.push(received - row.SENT_AT)
      }
      iterator = result.NextShardIterator
      if ((result.Records ?? []).length === 0) await sleep(50)
    }
  })()
  // Batches of 10 every 10 / RATE s, each put on time whatever the previous one took.
  const batch = 10
  const started = nowMs()
  const puts: Promise<void>[] = []
  for (let sent = 0; sent < total; sent += batch) {
    const due = started + (sent / RATE) * 1000
    const wait = due - nowMs()
    if (wait > 0) await sleep(wait)
    const rows = Array.from({ length: Math.min(batch, total - sent) }, (_, index) =>
      tick(sent + index, THRESHOLD + 1 + Math.random() * 10),
    )
    puts.push(putBatch(kinesis, input, rows))
  }
  await Promise.all(puts)
  await waitFor(() => Promise.resolve(ms.length >= total), 30_000).catch(() => undefined)
  state.reading = false
  await reader
  return { sent: total, ms }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}
