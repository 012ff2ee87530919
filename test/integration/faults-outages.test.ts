import {
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
  PutResourcePolicyCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import type { StackComponentName } from '../../src/stack/index.ts'
import {
  callEveryOperation,
  CHANGING_OPERATIONS,
  everyOperation,
  readPolicy,
  type CallOutcome,
  type OutageTarget,
} from './fixture/every-operation.ts'
import { kinesisClient, startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { stackControl, type StackControl } from './fixture/stack-control.ts'
import { createActiveStream, readShard } from './fixture/streams.ts'

/**
 * Redis and the Kafka broker of the local stack are stopped and started again under a running gateway: every
 * error a client sees meanwhile is a retriable 503 ServiceUnavailable, nothing acknowledged is lost, and the
 * same gateway serves again once the server is back. Each case leaves the stack running, as it found it.
 */
const access = await stackControl(inject('infrastructureSource'), inject('stack'), (line) => {
  process.stdout.write(`[faults] ${line}\n`)
})
if ('skipReason' in access) {
  process.stdout.write(`[faults] skipping the Redis and Kafka restart cases: ${access.skipReason}\n`)
}

describe.skipIf('skipReason' in access)('outages of Redis and Kafka under a running gateway', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  const control = 'control' in access ? access.control : (undefined as unknown as StackControl)
  let gateway: TestGateway
  let client: KinesisClient

  beforeAll(async () => {
    gateway = await startTestGateway(stack)
    client = kinesisClient(gateway.endpoint, accountId, 'HTTP/2')
  })

  afterAll(async () => {
    // Whatever happened, the stack is left running for the test files after this one.
    await control.start('redis')
    client.destroy()
    await gateway.stop()
  })

  for (const component of ['redis', 'kafka'] as const) {
    it(`answers every operation with 503 ServiceUnavailable while ${component} is down, loses nothing acknowledged, and recovers`, async () => {
      const streamName = uniqueName(`outage-${component}`)
      const changing = [...CHANGING_OPERATIONS]
      // A few at a time: many topics created at once make the broker answer some of them "not hosted" for a while.
      const names = [streamName, ...changing.map((_operation, index) => `${streamName}-${String(index)}`)]
      const prepared: OutageTarget[] = []
      for (let start = 0; start < names.length; start += 4) {
        prepared.push(
          ...(await Promise.all(names.slice(start, start + 4).map((name) => prepareTarget(client, name)))),
        )
      }
      const [shared, ...own] = prepared
      const targets = new Map(changing.map((operation, index) => [operation, own[index] as OutageTarget]))
      const producer = startProducer(client, streamName)
      await producer.acknowledgedAtLeast(20)

      await control.stop(component)
      let outcomes: CallOutcome[]
      let health: { status: number; body: { checks: Record<string, string> } }
      try {
        outcomes = await callEveryOperation(
          everyOperation(client, (operation) => targets.get(operation) ?? (shared as OutageTarget)),
        )
        health = await healthOf(gateway)
      } finally {
        await control.start(component)
      }
      // The same gateway serves again without a restart: writes, and reads from a new iterator.
      await producer.acknowledgedAfterRecoveryAtLeast(20, 60_000)
      await readsAgain(client, streamName, 60_000)
      const seen = await producer.stop()

      process.stdout.write(
        `[faults] while ${component} was down:\n${outcomes
          .map(
            (outcome) =>
              `  ${outcome.operation}: ${outcome.status} ${outcome.type ?? ''} ${outcome.message ?? ''}`,
          )
          .join(
            '\n',
          )}\n  /health: ${health.status} ${JSON.stringify(health.body.checks)}\n  producer: ${seen.acknowledged.length} acknowledged, failures ${JSON.stringify(seen.failures)}\n`,
      )
      const notRetriable = outcomes.filter(
        (outcome) =>
          outcome.status !== 200 && (outcome.status !== 503 || outcome.type !== 'ServiceUnavailable'),
      )
      expect(notRetriable).toEqual([])
      expect(Object.keys(seen.failures).every((failure) => failure === '503 ServiceUnavailable')).toBe(true)
      expect(health.status).toBe(503)
      expect(health.body.checks[component]).not.toBe('ok')
      expect(health.body.checks[component]).toMatch(component === 'redis' ? /redis/i : /kafka/i)
      expect(health.body.checks[otherOf(component)]).toBe('ok')

      // Every acknowledged record, and whatever an operation above reported stored, is read back once, in order.
      const stored = [
        ...(await readShard(client, streamName, 'shardId-000000000000')),
        ...(await readShard(client, streamName, 'shardId-000000000001')),
      ].filter((value) => value !== 'outage')
      const storedSet = new Set(stored)
      expect(seen.acknowledged.filter((value) => !storedSet.has(value))).toEqual([])
      expect(storedSet.size).toBe(stored.length)
      expect(inOrder(stored)).toBe(true)
      expect((await healthOf(gateway)).status).toBe(200)
      await Promise.all(
        [shared, ...own].map((target) =>
          client.send(new DeleteStreamCommand({ StreamName: target?.streamName })).catch(() => undefined),
        ),
      )
    }, 150_000)
  }
})

/** A stream of two shards with a consumer and an iterator of its first shard. */
async function prepareTarget(client: KinesisClient, streamName: string): Promise<OutageTarget> {
  await createActiveStream(client, streamName, 2)
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
  const streamArn = summary.StreamDescriptionSummary?.StreamARN ?? ''
  const consumer = await client.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'outage' }),
  )
  // A policy to delete: DeleteResourcePolicy of a stream without one is ResourceNotFoundException, as on AWS.
  await client.send(new PutResourcePolicyCommand({ ResourceARN: streamArn, Policy: readPolicy(streamArn) }))
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  )
  return {
    streamName,
    streamArn,
    consumerArn: consumer.Consumer?.ConsumerARN ?? '',
    shardIterator: ShardIterator ?? '',
  }
}

/** Waits until GetRecords on a new iterator answers again, and says how long that took. */
async function readsAgain(client: KinesisClient, streamName: string, timeoutMs: number): Promise<void> {
  const started = Date.now()
  let lastError: unknown
  while (Date.now() - started < timeoutMs) {
    try {
      await readShard(client, streamName, 'shardId-000000000000')
      process.stdout.write(
        `[faults] reads answered again ${String(Date.now() - started)} ms after the restart\n`,
      )
      return
    } catch (error) {
      lastError = error
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  throw new Error(`GetRecords did not recover within ${String(timeoutMs)} ms: ${String(lastError)}`)
}

function otherOf(component: StackComponentName): StackComponentName {
  return component === 'redis' ? 'kafka' : 'redis'
}

async function healthOf(
  gateway: TestGateway,
): Promise<{ status: number; body: { checks: Record<string, string> } }> {
  const response = await fetch(`${gateway.endpoint}/health`)
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } }
}

/** Records are `<partition key>-<sequence>`; within a key (so within a shard) the sequence only grows. */
function inOrder(stored: readonly string[]): boolean {
  const last = new Map<string, number>()
  for (const value of stored) {
    const [key, sequence] = value.split('-') as [string, string]
    if ((last.get(key) ?? -1) >= Number(sequence)) return false
    last.set(key, Number(sequence))
  }
  return true
}

interface Producer {
  acknowledgedAtLeast(count: number): Promise<void>
  acknowledgedAfterRecoveryAtLeast(count: number, timeoutMs: number): Promise<void>
  stop(): Promise<{ acknowledged: string[]; failures: Record<string, number> }>
}

/** PutRecords of 10 records over 4 partition keys, one request after the other, without SDK retries. */
function startProducer(client: KinesisClient, streamName: string): Producer {
  const acknowledged: string[] = []
  const failures: Record<string, number> = {}
  let acknowledgedSinceFailure = 0
  let sequence = 0
  const state = { running: true }
  const loop = (async () => {
    while (state.running) {
      const values = Array.from({ length: 10 }, () => {
        sequence++
        return `k${String(sequence % 4)}-${String(sequence)}`
      })
      try {
        const result = await client.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: values.map((value) => ({ PartitionKey: value.split('-')[0], Data: Buffer.from(value) })),
          }),
        )
        result.Records?.forEach((entry, index) => {
          if (entry.ErrorCode === undefined) {
            acknowledged.push(values[index] ?? '')
            acknowledgedSinceFailure++
          } else {
            const key = `entry ${entry.ErrorCode}`
            failures[key] = (failures[key] ?? 0) + 1
          }
        })
      } catch (error) {
        const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } }
        const key = `${String(failure.$metadata?.httpStatusCode ?? 0)} ${failure.name ?? 'unknown'}`
        failures[key] = (failures[key] ?? 0) + 1
        acknowledgedSinceFailure = 0
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  })()
  const until = async (condition: () => boolean, timeoutMs: number, what: string): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`the producer did not get ${what} within ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return {
    acknowledgedAtLeast: (count) =>
      until(() => acknowledged.length >= count, 20_000, `${count} acknowledgements`),
    acknowledgedAfterRecoveryAtLeast: (count, timeoutMs) =>
      until(() => acknowledgedSinceFailure >= count, timeoutMs, `${count} acknowledgements after the outage`),
    stop: async () => {
      state.running = false
      await loop
      return { acknowledged, failures }
    },
  }
}
