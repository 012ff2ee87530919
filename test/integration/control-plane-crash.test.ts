// The control plane on real Kafka and Redis under CPU load, and with gateway processes killed (SIGKILL) in the
// middle of CreateStream, UpdateShardCount and DeleteStream: a stream is never left broken.

import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'

import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  UpdateShardCountCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis'
import { afterAll, describe, expect, inject, it } from 'vitest'

import { endpointVariables } from '../../src/stack/environment.ts'
import { freePort, waitUntil } from '../../src/stack/processes.ts'
import type { StackEndpoints } from '../../src/stack/types.ts'
import { kinesisClient, testAccountId } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream } from './fixture/streams.ts'

interface GatewayChild {
  endpoint: string
  process: ChildProcess
}

const started: ChildProcess[] = []

afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** A gateway as its own process, so that it can be killed with SIGKILL. */
async function startGatewayChild(stack: StackEndpoints): Promise<GatewayChild> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      ...endpointVariables(stack),
      STREAM_CREATING_DELAY_MS: '0',
      STREAM_UPDATING_DELAY_MS: '0',
      STREAM_DELETING_DELAY_MS: '0',
      STREAM_RESHARD_FENCE_MS: '300',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  started.push(child)
  const endpoint = `http://127.0.0.1:${port}`
  const healthy = await waitUntil(
    () =>
      fetch(`${endpoint}/health`).then(
        (response) => response.ok,
        () => false,
      ),
    { timeoutMs: 30_000, intervalMs: 100 },
  )
  if (!healthy) throw new Error('the gateway process did not become healthy')
  return { endpoint, process: child }
}

async function killHard(gateway: GatewayChild): Promise<void> {
  const exited = once(gateway.process, 'exit')
  gateway.process.kill('SIGKILL')
  await exited
}

/** Processes that keep a core busy for `millis` at most (they end by themselves). */
function burnCpu(cores: number, millis: number): ChildProcess[] {
  return Array.from({ length: cores }, () =>
    spawn(
      process.execPath,
      ['-e', `const end = Date.now() + ${String(millis)}; while (Date.now() < end) {}`],
      {
        stdio: 'ignore',
      },
    ),
  )
}

type Outcome = 'absent' | 'active'

/**
 * Follows the stream until it settles: absent (never created, rolled back or deleted), or ACTIVE, in which
 * case every open shard must take a record and give it back. A stream shown ACTIVE that refuses a write or a
 * read on one of its shards is the broken stream this suite is about.
 */
async function settledOutcome(client: KinesisClient, streamName: string): Promise<Outcome> {
  const deadline = Date.now() + 60_000
  for (;;) {
    let shards: Shard[] | undefined
    try {
      const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamName: streamName }))
      if (StreamDescription?.StreamStatus === 'ACTIVE') shards = StreamDescription.Shards ?? []
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return 'absent'
      throw error
    }
    if (shards !== undefined) {
      const open = shards.filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined)
      expect(open.length).toBeGreaterThan(0)
      for (const shard of open) await expectWritableAndReadable(client, streamName, shard)
      return 'active'
    }
    if (Date.now() > deadline) throw new Error(`${streamName} did not settle within 60 s`)
    await sleep(200)
  }
}

async function expectWritableAndReadable(
  client: KinesisClient,
  streamName: string,
  shard: Shard,
): Promise<void> {
  const data = `probe-${shard.ShardId ?? ''}-${String(Date.now())}`
  const put = await client.send(
    new PutRecordCommand({
      StreamName: streamName,
      PartitionKey: 'probe',
      ExplicitHashKey: shard.HashKeyRange?.StartingHashKey,
      Data: Buffer.from(data),
    }),
  )
  expect(put.ShardId).toBe(shard.ShardId)
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shard.ShardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      StartingSequenceNumber: put.SequenceNumber,
    }),
  )
  const { Records } = await client.send(new GetRecordsCommand({ ShardIterator }))
  expect(Buffer.from(Records?.[0]?.Data ?? []).toString()).toBe(data)
}

describe('the control plane under load', () => {
  const stack = inject('stack')

  it('completes 20 concurrent CreateStreams with both cores busy; every stream becomes ACTIVE and writable', async () => {
    const gateway = await startGatewayChild(stack)
    const client = kinesisClient(gateway.endpoint, testAccountId(), 'HTTP/1.1')
    const burners = burnCpu(2, 45_000)
    try {
      const names = Array.from({ length: 20 }, (_, index) => uniqueName(`load-${String(index)}`))
      const answers = await Promise.allSettled(
        names.map((StreamName) => client.send(new CreateStreamCommand({ StreamName, ShardCount: 2 }))),
      )
      const failures = answers.filter((answer) => answer.status === 'rejected')
      expect(failures).toEqual([])
      const outcomes = await Promise.all(names.map((name) => settledOutcome(client, name)))
      expect(outcomes).toEqual(names.map(() => 'active'))
    } finally {
      for (const burner of burners) burner.kill('SIGKILL')
      client.destroy()
      await killHard(gateway)
    }
  }, 120_000)
})

describe('gateway processes killed during control-plane operations', () => {
  const stack = inject('stack')
  const account = testAccountId()

  /**
   * Each round starts a gateway, fires CreateStream, UpdateShardCount and DeleteStream at staggered times,
   * kills the gateway with SIGKILL in the middle of them, then starts a fresh one (its start-up reconciler
   * runs) and follows every stream until it settles.
   */
  it.each([
    { when: 'immediately', stepMs: 0, killAfterMs: 1, onFirstAnswer: false },
    { when: 'after a few ms', stepMs: 2, killAfterMs: 8, onFirstAnswer: false },
    { when: 'after some tens of ms', stepMs: 10, killAfterMs: 35, onFirstAnswer: false },
    {
      when: 'right after the first answer (the Redis writes done)',
      stepMs: 1,
      killAfterMs: 0,
      onFirstAnswer: true,
    },
  ])(
    'never leaves a broken stream: kill $when',
    async ({ stepMs, killAfterMs, onFirstAnswer }) => {
      const first = await startGatewayChild(stack)
      const setup = kinesisClient(first.endpoint, account, 'HTTP/1.1')
      const count = 4
      const created = Array.from({ length: count }, () => uniqueName('crash-create'))
      const resharded = Array.from({ length: count }, () => uniqueName('crash-reshard'))
      const deleted = Array.from({ length: count }, () => uniqueName('crash-delete'))
      await Promise.all([...resharded, ...deleted].map((name) => createActiveStream(setup, name, 2)))
      setup.destroy()

      const client = kinesisClient(first.endpoint, account, 'HTTP/1.1')
      // A warm connection, so that the calls reach the gateway within the first milliseconds.
      await client.send(new DescribeStreamCommand({ StreamName: resharded[0] }))
      let firstAnswer: () => void = () => undefined
      const answeredOnce = new Promise<void>((resolve) => {
        firstAnswer = resolve
      })
      /** The streams whose call the killed gateway answered with success. */
      const answered = new Set<string>()
      const fired: Promise<void>[] = []
      const send = (name: string, call: Promise<unknown>): void => {
        fired.push(
          call.then(
            () => {
              answered.add(name)
              firstAnswer()
            },
            () => undefined,
          ),
        )
      }
      const timers = created.map((create, index) =>
        setTimeout(() => {
          const reshard = resharded[index] ?? ''
          const remove = deleted[index] ?? ''
          send(create, client.send(new CreateStreamCommand({ StreamName: create, ShardCount: 8 })))
          send(
            reshard,
            client.send(
              new UpdateShardCountCommand({
                StreamName: reshard,
                TargetShardCount: 4,
                ScalingType: 'UNIFORM_SCALING',
              }),
            ),
          )
          send(remove, client.send(new DeleteStreamCommand({ StreamName: remove })))
        }, index * stepMs),
      )
      if (onFirstAnswer) await Promise.race([answeredOnce, sleep(5_000)])
      await sleep(killAfterMs)
      await killHard(first)
      for (const timer of timers) clearTimeout(timer)
      await Promise.all(fired)
      client.destroy()

      const second = await startGatewayChild(stack)
      const fresh = kinesisClient(second.endpoint, account, 'HTTP/1.1')
      try {
        const outcome = new Map(
          await Promise.all(
            [...created, ...resharded, ...deleted].map(
              async (name) => [name, await settledOutcome(fresh, name)] as const,
            ),
          ),
        )
        // A creation or deletion the client saw succeed completes; a reshard leaves the stream ACTIVE,
        // resharded or not.
        for (const name of created) if (answered.has(name)) expect(outcome.get(name)).toBe('active')
        for (const name of deleted) if (answered.has(name)) expect(outcome.get(name)).toBe('absent')
        for (const name of resharded) expect(outcome.get(name)).toBe('active')
        console.info(
          `killed ${onFirstAnswer ? 'on the first answer' : `after ${String(killAfterMs)} ms`}: ` +
            `${String(answered.size)} calls answered;`,
          [...outcome.values()].join(' '),
        )
      } finally {
        fresh.destroy()
        await killHard(second)
      }
    },
    120_000,
  )
})
