// A Kinesis Producer Library application (test/java, KplScenario) with aggregation on, against the gateway's TLS
// port, and the KCL 3.x application (KclScenario) consuming what it put, on the real stack: every user record is
// put, stored inside aggregated Kinesis records, de-aggregated by KCL and processed once, and each shard
// checkpointed at its last user record.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DeleteTableCommand, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb'
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { makeSelfSignedCertificate } from '../support/self-signed-certificate.ts'
import { testAccountId } from './fixture/gateway.ts'
import { ensureJavaClient, type JavaClient, type JavaRun } from './fixture/java-client.ts'
import { startKclGateway, type KclGateway } from './fixture/kcl.ts'
import { uniqueName } from './fixture/names.ts'

const RECORD_COUNT = 300
const SHARD_COUNT = 2
/** The first four bytes of a KPL aggregated record. */
const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2])

/** The data of user record `index` of `count`, as KplScenario.data makes it. */
function userRecordData(index: number, count: number): string {
  const size = index === count - 1 ? 60 * 1024 : index % 25 === 0 ? 10 * 1024 : 40 + (index % 7)
  const prefix = `kpl-${String(index)}-`
  return prefix + 'x'.repeat(size - prefix.length)
}

interface KinesisRecordId {
  shardId: string
  sequenceNumber: string
}

const certificateDir = mkdtempSync(join(tmpdir(), 'kpl-tls-'))
const certificate = makeSelfSignedCertificate(certificateDir)
if (certificate === undefined)
  console.warn('Skipping the KPL test: openssl is not available to make its certificate')

describe.skipIf(certificate === undefined)('a KPL application with aggregation, consumed by KCL 3.x', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let java: JavaClient
  let kcl: KclGateway

  beforeAll(async () => {
    java = await ensureJavaClient((line) => {
      process.stdout.write(`[integration] ${line}\n`)
    })
    kcl = await startKclGateway(stack, accountId, {
      TLS_PORT: '0',
      TLS_CERT_FILE: certificate?.certFile ?? '',
      TLS_KEY_FILE: certificate?.keyFile ?? '',
    })
  }, 600_000)

  afterAll(async () => {
    await kcl.stop()
    rmSync(certificateDir, { recursive: true, force: true })
  })

  function passed(scenario: string, { exitCode, stdout, stderr }: JavaRun, started: number): void {
    const steps = stdout.split('\n').filter((line) => line.startsWith('ok '))
    process.stdout.write(
      `[integration] ${scenario}: ran ${String(Math.round(performance.now() - started))} ms; ${steps.join('; ')}\n`,
    )
    if (exitCode !== 0) {
      const reason = stderr.split('\n').find((line) => /^(MISMATCH|UNEXPECTED|FAILED)/.test(line))
      throw new Error(
        `${reason ?? `exit code ${String(exitCode)}`}\n\n${scenario} output:\n${stdout}\n${stderr}`,
      )
    }
    expect(stdout).toContain(`PASS ${scenario}`)
  }

  /** Every Kinesis record of the shard as GetRecords returns it, aggregated or not. */
  async function rawRecords(
    streamName: string,
    shardId: string,
  ): Promise<{ sequenceNumber: string; data: Buffer }[]> {
    const records: { sequenceNumber: string; data: Buffer }[] = []
    let { ShardIterator: iterator } = await kcl.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
    while (iterator !== undefined) {
      const page = await kcl.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }))
      for (const record of page.Records ?? []) {
        records.push({ sequenceNumber: record.SequenceNumber ?? '', data: Buffer.from(record.Data ?? []) })
      }
      if (page.MillisBehindLatest === 0 && (page.Records ?? []).length === 0) break
      iterator = page.NextShardIterator
    }
    return records
  }

  async function cleanUp(streamName: string, application: string): Promise<void> {
    await kcl.kinesis.send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }))
    const { TableNames = [] } = await kcl.dynamo.send(new ListTablesCommand({}))
    for (const table of TableNames.filter((name) => name.startsWith(application))) {
      await kcl.dynamo.send(new DeleteTableCommand({ TableName: table }))
    }
  }

  it('puts every user record in aggregated records over TLS, and KCL processes each once and checkpoints it', async () => {
    const streamName = uniqueName('kpl')
    const application = uniqueName('kpl-app')
    kcl.requestLog.length = 0
    try {
      await kcl.kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: SHARD_COUNT }))
      await waitUntilStreamExists({ client: kcl.kinesis, maxWaitTime: 30 }, { StreamName: streamName })

      // The producer: what it reports for each user record.
      let started = performance.now()
      const produced = await java.run(kcl.tlsEndpoint ?? '', 'kpl', accountId, [
        `-Dkpl.stream=${streamName}`,
        `-Dkpl.records=${String(RECORD_COUNT)}`,
      ])
      passed('kpl', produced, started)
      const put = new Map<number, KinesisRecordId>()
      for (const line of produced.stdout.split('\n').filter((text) => text.startsWith('PUT '))) {
        const [, index = '', shardId = '', sequenceNumber = ''] = line.split(' ')
        put.set(Number(index), { shardId, sequenceNumber })
      }
      expect(put.size).toBe(RECORD_COUNT)
      const producerLog = kcl.requestLog.splice(0)

      // The stream as GetRecords shows it: aggregated records (KPL's magic number first), and the one user
      // record too large to share an aggregated record (60 KB) on its own.
      const { Shards = [] } = await kcl.kinesis.send(new ListShardsCommand({ StreamName: streamName }))
      const userRecordsOf = new Map<string, number>()
      for (const { shardId, sequenceNumber } of put.values()) {
        const key = `${shardId} ${sequenceNumber}`
        userRecordsOf.set(key, (userRecordsOf.get(key) ?? 0) + 1)
      }
      const lastRecord = new Map<string, { sequenceNumber: string; subSequenceNumber: number }>()
      let aggregated = 0
      let total = 0
      for (const { ShardId: shardId = '' } of Shards) {
        const records = await rawRecords(streamName, shardId)
        total += records.length
        for (const record of records) {
          const userRecords = userRecordsOf.get(`${shardId} ${record.sequenceNumber}`)
          expect(userRecords, `${shardId} ${record.sequenceNumber} is a record the KPL put`).toBeDefined()
          if (record.data.subarray(0, 4).equals(KPL_MAGIC)) aggregated += 1
          else {
            // Put on its own: the user record itself.
            expect(userRecords).toBe(1)
            expect(record.data.toString('ascii')).toMatch(/^kpl-\d+-x+$/)
          }
        }
        const last = records.at(-1)
        if (last !== undefined) {
          const isAggregate = last.data.subarray(0, 4).equals(KPL_MAGIC)
          const count = userRecordsOf.get(`${shardId} ${last.sequenceNumber}`) ?? 0
          lastRecord.set(shardId, {
            sequenceNumber: last.sequenceNumber,
            subSequenceNumber: isAggregate ? count - 1 : 0,
          })
        }
      }
      process.stdout.write(
        `[integration] kpl: ${String(RECORD_COUNT)} user records in ${String(total)} Kinesis records, ` +
          `${String(aggregated)} of them aggregated\n`,
      )
      expect(total).toBe(userRecordsOf.size)
      expect(aggregated).toBeGreaterThanOrEqual(SHARD_COUNT)
      expect(total).toBeLessThan(RECORD_COUNT / 10)

      // The consumer: KCL de-aggregates, processes every user record once, with the sequence number of the
      // Kinesis record that holds it.
      started = performance.now()
      const consumed = await java.run(kcl.endpoint, 'kcl-polling', accountId, [
        `-Dkcl.stream=${streamName}`,
        `-Dkcl.application=${application}`,
        `-Dkcl.records=${String(RECORD_COUNT)}`,
      ])
      passed('kcl-polling', consumed, started)
      const processed = consumed.stdout
        .split('\n')
        .filter((line) => line.startsWith('PROCESSED '))
        .map((line) => {
          const [, shardId = '', sequenceNumber = '', data = ''] = line.split(' ')
          return { index: Number(/^kpl-(\d+)-/.exec(data)?.[1] ?? -1), shardId, sequenceNumber, data }
        })
      expect(processed.map(({ index }) => index).sort((a, b) => a - b)).toEqual(
        Array.from({ length: RECORD_COUNT }, (_, i) => i),
      )
      for (const { index, shardId, sequenceNumber, data } of processed) {
        expect({ shardId, sequenceNumber }).toEqual(put.get(index))
        expect(data).toBe(userRecordData(index, RECORD_COUNT))
      }

      // Each shard's checkpoint: the last Kinesis record, at its last user record.
      const { Items = [] } = await kcl.dynamo.send(
        new ScanCommand({ TableName: application, ConsistentRead: true }),
      )
      const checkpoints = new Map(
        Items.filter((item) => item.leaseKey?.S?.startsWith('shardId-') === true).map((item) => [
          item.leaseKey?.S ?? '',
          {
            sequenceNumber: item.checkpoint?.S ?? '',
            subSequenceNumber: Number(item.checkpointSubSequenceNumber?.N ?? -1),
          },
        ]),
      )
      expect(checkpoints).toEqual(lastRecord)

      // The producer's calls: STS for its account, the shards, the records, its metrics; no error answer.
      const targets = new Set(producerLog.map((line) => line.target ?? line.path ?? ''))
      process.stdout.write(
        `[integration] kpl: operations seen: ${[...targets].sort().join(', ')}; HTTP versions: ` +
          `${[...new Set(producerLog.map((line) => line.httpVersion))].join(', ')}\n`,
      )
      for (const operation of [
        'AWSSecurityTokenServiceV20110615.GetCallerIdentity',
        'Kinesis_20131202.ListShards',
        'Kinesis_20131202.PutRecords',
        'GraniteServiceVersion20100801.PutMetricData',
      ]) {
        expect(targets).toContain(operation)
      }
      expect(producerLog.filter((line) => line.errorType !== undefined)).toEqual([])
      const metrics = await (await fetch(`${kcl.endpoint}/metrics`)).text()
      expect(metrics).toContain(
        `cloudwatch_metric_sum{namespace="KinesisProducerLibrary",metric_name="UserRecordsPut",unit="Count",StreamName="${streamName}"}`,
      )
    } finally {
      await cleanUp(streamName, application)
    }
  }, 180_000)
})
