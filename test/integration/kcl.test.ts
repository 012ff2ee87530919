// Kinesis Client Library applications (test/java: KclScenario for KCL 3.x, Kcl1Scenario for KCL 1.x) run
// unchanged against the gateway as main.ts assembles it, on the real stack: their Kinesis, DynamoDB (lease table)
// and CloudWatch clients all point at the gateway's one port.

import { ListShardsCommand } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { testAccountId } from './fixture/gateway.ts'
import { ensureJavaClient, runPassing, type JavaClient, type JavaScenario } from './fixture/java-client.ts'
import {
  checkpoints,
  createStream,
  deleteStreamAndTables,
  lastPerShard,
  processedRecords,
  putRecords,
  sortedByData,
  startKclGateway,
  type KclGateway,
} from './fixture/kcl.ts'
import { uniqueName } from './fixture/names.ts'
import { startRecordingProxy, tabulate } from './fixture/recording-proxy.ts'

const RECORD_COUNT = 200
const SHARD_COUNT = 2

describe('KCL applications against the gateway', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let java: JavaClient
  let gateway: KclGateway

  beforeAll(async () => {
    java = await ensureJavaClient((line) => {
      process.stdout.write(`[integration] ${line}\n`)
    })
    gateway = await startKclGateway(stack, accountId)
  }, 600_000)

  afterAll(async () => {
    await gateway.stop()
  })

  it.each<[JavaScenario, string]>([
    ['kcl-fan-out', 'KCL 3.x with enhanced fan-out (SubscribeToShard over HTTP/2), its default'],
    ['kcl-polling', 'KCL 3.x polling (GetRecords)'],
    ['kcl-1x', 'KCL 1.x (AWS SDK for Java v1, polling over HTTP/1.1)'],
  ])(
    '%s: processes every record exactly once and checkpoints each shard, with %s',
    async (scenario) => {
      const { kinesis, dynamo, requestLog } = gateway
      const streamName = uniqueName(`kcl-${scenario}`)
      const application = uniqueName(`kcl-app-${scenario}`)
      requestLog.length = 0
      // The DynamoDB client goes through a proxy that records the members of each request.
      const proxy = await startRecordingProxy(gateway.endpoint)
      try {
        await createStream(kinesis, streamName, SHARD_COUNT)
        const put = await putRecords(kinesis, streamName, { count: RECORD_COUNT })
        const started = performance.now()
        const stdout = await runPassing(java, gateway.endpoint, scenario, accountId, [
          `-Dkcl.stream=${streamName}`,
          `-Dkcl.application=${application}`,
          `-Dkcl.records=${String(RECORD_COUNT)}`,
          `-Dkcl.dynamoDbEndpoint=${proxy.endpoint}`,
        ])
        process.stdout.write(
          `[integration] ${scenario}: the KCL application ran ${String(Math.round(performance.now() - started))} ms; ` +
            `${stdout
              .split('\n')
              .filter((line) => line.startsWith('ok '))
              .join('; ')}\n`,
        )
        expect(sortedByData(processedRecords(stdout.split('\n')))).toEqual(sortedByData(put))

        const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }))
        const lastPut = lastPerShard(put)
        expect(Shards.map((shard) => shard.ShardId).sort()).toEqual([...lastPut.keys()].sort())
        expect(await checkpoints(dynamo, application)).toEqual(lastPut)

        const targets = new Set(requestLog.map((line) => line.target ?? line.path ?? ''))
        const errors = requestLog
          .filter((line) => line.errorType !== undefined)
          .map((line) => `${line.target ?? line.path ?? ''} ${line.errorType ?? ''}`)
        process.stdout.write(
          `[integration] ${scenario}: operations seen (requests): ${[...targets]
            .sort()
            .map(
              (target) =>
                `${target} ${String(requestLog.filter((line) => (line.target ?? line.path ?? '') === target).length)}`,
            )
            .join(', ')}; ` + `error answers: ${errors.length === 0 ? 'none' : errors.join(', ')}\n`,
        )
        const kinesisRead = scenario === 'kcl-fan-out' ? 'SubscribeToShard' : 'GetRecords'
        expect(targets).toContain(`Kinesis_20131202.${kinesisRead}`)
        // KCL publishes its metrics to CloudWatch as it goes (every 10 s by default), and once more as it shuts
        // down; KCL 3.x through the SDK v2 (RPC v2 CBOR), KCL 1.x through the SDK v1 (AWS query).
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
        if (scenario === 'kcl-1x')
          expect(new Set(requestLog.map((line) => line.httpVersion))).toEqual(new Set(['1.1']))
        expect(requestLog.filter((line) => (line.status ?? 0) >= 500)).toEqual([])

        process.stdout.write(
          `[integration] ${scenario}: DynamoDB requests (count | operation | members):\n${tabulate(
            proxy.requests,
          )
            .map((row) => `  ${row}`)
            .join('\n')}\n`,
        )
        // Checkpoints are conditional writes in the legacy form, whatever the version.
        expect(
          proxy.requests.some(
            (request) =>
              request.operation === 'DynamoDB_20120810.UpdateItem' &&
              request.members.includes('Expected') &&
              request.members.includes('AttributeUpdates'),
          ),
        ).toBe(true)
      } finally {
        await proxy.close()
        await deleteStreamAndTables(gateway, streamName, application)
      }
    },
    300_000,
  )
})
