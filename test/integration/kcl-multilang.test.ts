// A Python KCL application (test/python/record_processor.py on amazon_kclpy) run by KCL's MultiLangDaemon against
// the gateway on the real stack: its properties file points the Kinesis, DynamoDB and CloudWatch clients at the
// gateway's one port, and it processes every record once and checkpoints each shard.

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DeleteTableCommand, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb'
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  PutRecordsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { testAccountId } from './fixture/gateway.ts'
import { startKclGateway, type KclGateway } from './fixture/kcl.ts'
import { ensureKclpy, type Kclpy } from './fixture/kclpy.ts'
import { uniqueName } from './fixture/names.ts'

const RECORD_COUNT = 100
const SHARD_COUNT = 2
const PROCESSOR = fileURLToPath(new URL('../python/record_processor.py', import.meta.url))
/** KCL waits up to 30 s (at random) for another worker to fill an empty lease table before it does. */
const PROCESSING_TIMEOUT_MS = 100_000

describe('a Python KCL application through the MultiLangDaemon', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  const workDir = mkdtempSync(join(tmpdir(), 'kclpy-'))
  let kclpy: Kclpy
  let gateway: KclGateway

  beforeAll(async () => {
    kclpy = await ensureKclpy((line) => {
      process.stdout.write(`[integration] ${line}\n`)
    })
    gateway = await startKclGateway(stack, accountId)
  }, 600_000)

  afterAll(async () => {
    await gateway.stop()
    rmSync(workDir, { recursive: true, force: true })
  })

  /** The properties file as README's KCL section shows it, with the start-up tuning of KclScenario. */
  function propertiesFile(streamName: string, application: string): string {
    const file = join(workDir, `${application}.properties`)
    writeFileSync(
      file,
      [
        `executableName = ${kclpy.python} ${PROCESSOR}`,
        `streamName = ${streamName}`,
        `applicationName = ${application}`,
        'processingLanguage = python/3',
        'initialPositionInStream = TRIM_HORIZON',
        'regionName = us-east-1',
        'AwsCredentialsProvider = DefaultCredentialsProvider',
        `kinesisEndpoint = ${gateway.endpoint}`,
        `dynamoDBEndpoint = ${gateway.endpoint}`,
        `cloudWatchClient.endpointOverride = ${gateway.endpoint}`,
        'retrievalMode = POLLING',
        'idleTimeBetweenReadsInMillis = 200',
        'failoverTimeMillis = 5000',
        'shardSyncIntervalMillis = 1000',
        '',
      ].join('\n'),
    )
    return file
  }

  /** Runs the daemon until `done(output lines)` holds, then stops it (SIGTERM, as a service manager would). */
  async function runDaemon(
    properties: string,
    output: string,
    done: (lines: string[]) => boolean,
  ): Promise<string> {
    const [command = 'java', ...args] = await kclpy.daemonCommand(properties)
    const daemon = spawn(command, args, {
      cwd: workDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        JAVA_HOME: process.env.JAVA_HOME,
        AWS_ACCESS_KEY_ID: accountId,
        AWS_SECRET_ACCESS_KEY: 'test-secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        KCLPY_OUTPUT: output,
      },
    })
    let log = ''
    daemon.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()))
    daemon.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
    const exited = new Promise<void>((resolve) => {
      daemon.on('exit', () => {
        resolve()
      })
    })
    const lines = () => (existsSync(output) ? readFileSync(output, 'utf8').split('\n') : [])
    const deadline = performance.now() + PROCESSING_TIMEOUT_MS
    try {
      while (!done(lines()) && daemon.exitCode === null && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      if (!done(lines())) {
        throw new Error(
          `the MultiLangDaemon did not process every record:\n${lines().join('\n')}\n\n${log.slice(-20_000)}`,
        )
      }
    } finally {
      // The daemon and the processors it started form one process group.
      if (daemon.exitCode === null && daemon.pid !== undefined) process.kill(-daemon.pid, 'SIGTERM')
      await exited
    }
    return log
  }

  it('processes every record once and checkpoints each shard, with its three endpoints on the gateway', async () => {
    const streamName = uniqueName('kclpy')
    const application = uniqueName('kclpy-app')
    const output = join(workDir, `${application}.out`)
    try {
      await gateway.kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: SHARD_COUNT }))
      await waitUntilStreamExists({ client: gateway.kinesis, maxWaitTime: 30 }, { StreamName: streamName })
      const put = new Map<string, { shardId: string; sequenceNumber: string }>()
      const data = Array.from({ length: RECORD_COUNT }, (_, i) => `python-record-${String(i)}`)
      const { FailedRecordCount, Records = [] } = await gateway.kinesis.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: data.map((text, i) => ({
            Data: new TextEncoder().encode(text),
            PartitionKey: `key-${String(i)}`,
          })),
        }),
      )
      expect(FailedRecordCount).toBe(0)
      data.forEach((text, i) => {
        put.set(text, {
          shardId: Records[i]?.ShardId ?? '',
          sequenceNumber: Records[i]?.SequenceNumber ?? '',
        })
      })
      const lastPut = new Map<string, string>()
      for (const { shardId, sequenceNumber } of put.values()) lastPut.set(shardId, sequenceNumber)
      gateway.requestLog.length = 0

      const started = performance.now()
      const checkpointed = (lines: string[]) =>
        [...lastPut].every(([shardId, sequenceNumber]) =>
          lines.includes(`CHECKPOINTED ${shardId} ${sequenceNumber} 0`),
        )
      await runDaemon(propertiesFile(streamName, application), output, checkpointed)
      const lines = readFileSync(output, 'utf8').split('\n')
      process.stdout.write(
        `[integration] kclpy: the MultiLangDaemon processed and checkpointed ${String(RECORD_COUNT)} records in ` +
          `${String(Math.round(performance.now() - started))} ms\n`,
      )

      const processed = lines
        .filter((line) => line.startsWith('PROCESSED '))
        .map((line) => {
          const [, shardId = '', sequenceNumber = '', subSequenceNumber = '', text = ''] = line.split(' ')
          return { text, shardId, sequenceNumber, subSequenceNumber }
        })
      expect(processed.map(({ text }) => text).sort()).toEqual(data.toSorted())
      for (const { text, shardId, sequenceNumber, subSequenceNumber } of processed) {
        expect({ shardId, sequenceNumber }).toEqual(put.get(text))
        expect(subSequenceNumber).toBe('0')
      }
      expect(lines.filter((line) => /^(CHECKPOINT FAILED|LEASE LOST)/.test(line))).toEqual([])

      const { Items = [] } = await gateway.dynamo.send(
        new ScanCommand({ TableName: application, ConsistentRead: true }),
      )
      const checkpoints = new Map(
        Items.filter((item) => item.leaseKey?.S?.startsWith('shardId-') === true).map((item) => [
          item.leaseKey?.S ?? '',
          item.checkpoint?.S,
        ]),
      )
      expect(checkpoints).toEqual(lastPut)

      const targets = new Set(gateway.requestLog.map((line) => line.target ?? ''))
      const errors = new Set(
        gateway.requestLog.filter((line) => line.errorType !== undefined).map((line) => line.errorType),
      )
      process.stdout.write(
        `[integration] kclpy: operations seen: ${[...targets].sort().join(', ')}; error answers: ${[...errors].join(', ') || 'none'}\n`,
      )
      expect(targets).toContain('Kinesis_20131202.GetRecords')
      expect(targets).toContain('DynamoDB_20120810.UpdateItem')
      expect(targets).toContain('GraniteServiceVersion20100801.PutMetricData')
      // The only error answers are to KCL asking whether its tables exist yet.
      expect(errors).toEqual(new Set(['com.amazonaws.dynamodb.v20120810#ResourceNotFoundException']))
      expect(gateway.requestLog.filter((line) => (line.status ?? 0) >= 500)).toEqual([])
    } finally {
      await gateway.kinesis.send(
        new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }),
      )
      const { TableNames = [] } = await gateway.dynamo.send(new ListTablesCommand({}))
      for (const table of TableNames.filter((name) => name.startsWith(application))) {
        await gateway.dynamo.send(new DeleteTableCommand({ TableName: table }))
      }
    }
  }, 180_000)
})
