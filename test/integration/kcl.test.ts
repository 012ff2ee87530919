// A Kinesis Client Library 3.x application (test/java, KclScenario) run unchanged against the gateway as main.ts
// assembles it, on the real stack: its Kinesis, DynamoDB (lease table) and CloudWatch clients all point at the
// gateway's one port.

import { DeleteTableCommand, DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb'
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  ListShardsCommand,
  PutRecordsCommand,
  waitUntilStreamExists,
  type KinesisClient,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { loadConfig } from '../../src/config.ts'
import { createLogger } from '../../src/gateway/index.ts'
import { startGateway, type RunningGateway } from '../../src/main.ts'
import { kinesisClient, testAccountId } from './fixture/gateway.ts'
import { ensureJavaClient, type JavaClient, type JavaScenario } from './fixture/java-client.ts'
import { uniqueName } from './fixture/names.ts'

const RECORD_COUNT = 200
const SHARD_COUNT = 2

interface PutRecord {
  data: string
  shardId: string
  sequenceNumber: string
}

interface RequestLogLine {
  httpVersion: string
  target: string | undefined
  path: string | undefined
  status: number | undefined
  errorType: string | undefined
}

describe('a KCL 3.x application against the gateway', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  const requestLog: RequestLogLine[] = []
  let java: JavaClient
  let gateway: RunningGateway
  let endpoint: string
  let kinesis: KinesisClient
  let dynamo: DynamoDBClient

  beforeAll(async () => {
    java = await ensureJavaClient((line) => {
      process.stdout.write(`[integration] ${line}\n`)
    })
    const logger = createLogger('info', (line) => {
      const entry = JSON.parse(line) as { msg: string } & RequestLogLine
      if (entry.msg === 'request') requestLog.push(entry)
    })
    gateway = await startGateway(
      {
        ...loadConfig({
          PORT: '0',
          HOST: '127.0.0.1',
          STREAM_CREATING_DELAY_MS: '200',
          STREAM_UPDATING_DELAY_MS: '200',
          STREAM_DELETING_DELAY_MS: '200',
        }),
        kafkaBrokers: stack.kafkaBrokers,
        redisUrl: stack.redisUrl,
        s3: stack.s3,
      },
      logger,
    )
    endpoint = `http://127.0.0.1:${gateway.ports.port}`
    kinesis = kinesisClient(endpoint, accountId, 'HTTP/1.1')
    dynamo = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: accountId, secretAccessKey: 'test-secret' },
      maxAttempts: 1,
    })
  }, 600_000)

  afterAll(async () => {
    kinesis.destroy()
    dynamo.destroy()
    await gateway.stop()
  })

  /** A stream of SHARD_COUNT shards holding RECORD_COUNT records, each as PutRecords placed it. */
  async function filledStream(streamName: string): Promise<PutRecord[]> {
    await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: SHARD_COUNT }))
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: streamName })
    const put: PutRecord[] = []
    for (let start = 0; start < RECORD_COUNT; start += 100) {
      const data = Array.from(
        { length: Math.min(100, RECORD_COUNT - start) },
        (_, i) => `record-${start + i}`,
      )
      const { FailedRecordCount, Records } = await kinesis.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: data.map((text, i) => ({
            Data: new TextEncoder().encode(text),
            PartitionKey: `key-${start + i}`,
          })),
        }),
      )
      expect(FailedRecordCount).toBe(0)
      data.forEach((text, i) => {
        const result = Records?.[i]
        put.push({ data: text, shardId: result?.ShardId ?? '', sequenceNumber: result?.SequenceNumber ?? '' })
      })
    }
    return put
  }

  /** Runs the KCL application to the end and returns the records it processed, in order. */
  async function consume(
    scenario: JavaScenario,
    streamName: string,
    application: string,
  ): Promise<PutRecord[]> {
    const started = performance.now()
    const { exitCode, stdout, stderr } = await java.run(endpoint, scenario, accountId, [
      `-Dkcl.stream=${streamName}`,
      `-Dkcl.application=${application}`,
      `-Dkcl.records=${String(RECORD_COUNT)}`,
    ])
    process.stdout.write(
      `[integration] ${scenario}: the KCL application ran ${String(Math.round(performance.now() - started))} ms; ` +
        `${stdout
          .split('\n')
          .filter((line) => line.startsWith('ok '))
          .join('; ')}\n`,
    )
    if (exitCode !== 0) {
      const reason = stderr.split('\n').find((line) => /^(MISMATCH|UNEXPECTED|FAILED)/.test(line))
      throw new Error(`${reason ?? `exit code ${String(exitCode)}`}\n\nKCL output:\n${stdout}\n${stderr}`)
    }
    expect(stdout).toContain(`PASS ${scenario}`)
    return stdout
      .split('\n')
      .filter((line) => line.startsWith('PROCESSED '))
      .map((line) => {
        const [, shardId = '', sequenceNumber = '', data = ''] = line.split(' ')
        return { shardId, sequenceNumber, data }
      })
  }

  /** The lease table's checkpoint of each shard, read through the gateway's DynamoDB API. */
  async function checkpoints(application: string): Promise<Map<string, string | undefined>> {
    const { Items = [] } = await dynamo.send(
      new ScanCommand({ TableName: application, ConsistentRead: true }),
    )
    return new Map(
      Items.filter((item) => item.leaseKey?.S?.startsWith('shardId-') === true).map((item) => [
        item.leaseKey?.S ?? '',
        item.checkpoint?.S,
      ]),
    )
  }

  async function cleanUp(streamName: string, application: string): Promise<void> {
    await kinesis.send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }))
    const { TableNames = [] } = await dynamo.send(new ListTablesCommand({}))
    for (const table of TableNames.filter((name) => name.startsWith(application))) {
      await dynamo.send(new DeleteTableCommand({ TableName: table }))
    }
  }

  it.each<[JavaScenario, string]>([
    ['kcl-fan-out', 'enhanced fan-out (SubscribeToShard over HTTP/2), its default'],
    ['kcl-polling', 'polling (GetRecords)'],
  ])(
    '%s: processes every record exactly once and checkpoints each shard, with %s',
    async (scenario) => {
      const streamName = uniqueName(`kcl-${scenario}`)
      const application = uniqueName(`kcl-app-${scenario}`)
      requestLog.length = 0
      try {
        const put = await filledStream(streamName)
        const processed = await consume(scenario, streamName, application)

        const byData = (a: PutRecord, b: PutRecord) => a.data.localeCompare(b.data)
        expect(processed.toSorted(byData)).toEqual(put.toSorted(byData))

        const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }))
        const lastPut = new Map<string, string>()
        for (const record of put) lastPut.set(record.shardId, record.sequenceNumber)
        expect(Shards.map((shard) => shard.ShardId).sort()).toEqual([...lastPut.keys()].sort())
        expect(await checkpoints(application)).toEqual(lastPut)

        const targets = new Set(requestLog.map((line) => line.target ?? line.path ?? ''))
        const errors = requestLog
          .filter((line) => line.errorType !== undefined)
          .map((line) => `${line.target ?? line.path ?? ''} ${line.errorType ?? ''}`)
        process.stdout.write(
          `[integration] ${scenario}: operations seen: ${[...targets].sort().join(', ')}; ` +
            `error answers: ${errors.length === 0 ? 'none' : errors.join(', ')}\n`,
        )
        const kinesisRead = scenario === 'kcl-polling' ? 'GetRecords' : 'SubscribeToShard'
        expect(targets).toContain(`Kinesis_20131202.${kinesisRead}`)
        // KCL publishes its metrics to CloudWatch every 10 s by default, and once more as it shuts down.
        expect(targets).toContain('GraniteServiceVersion20100801.PutMetricData')
        // The only errors are the answers KCL asks for: whether its tables, and its stream consumer, exist yet.
        expect(new Set(errors)).toEqual(
          new Set([
            'DynamoDB_20120810.DescribeTable com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
            ...(scenario === 'kcl-fan-out'
              ? ['Kinesis_20131202.DescribeStreamConsumer ResourceNotFoundException']
              : []),
          ]),
        )
        expect(
          requestLog
            .filter((line) => line.target === 'Kinesis_20131202.SubscribeToShard')
            .every((line) => line.httpVersion === '2.0'),
        ).toBe(true)
        expect(requestLog.filter((line) => (line.status ?? 0) >= 500)).toEqual([])
      } finally {
        await cleanUp(streamName, application)
      }
    },
    300_000,
  )
})
