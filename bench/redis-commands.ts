import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { Redis } from 'ioredis'

import { createRedisClient } from '../src/adapters/redis/redis-client.ts'
import type { StackEndpoints } from '../src/stack/types.ts'
import { ACCOUNT, CLIENTS, createStream, load, putRecordsBodies, SHARDS, waitFor } from './common.ts'
import { freePort } from '../src/stack/processes.ts'
import { startGatewayProcess } from './gateway-process.ts'
import { KinesisHttp2 } from './kinesis-http2.ts'
import { format, printTable } from './table.ts'

/**
 * Scenario 6: Redis commands per data-plane call on a warm gateway. The gateway gets a Redis server of its own,
 * so that every command counted is the gateway's; INFO commandstats is read after N calls of each operation.
 */
const CALLS = Number(process.env.BENCH_REDIS_CALLS ?? 200)
/** The commands this scenario issues itself to take the counts. */
const OWN_COMMANDS = new Set(['info', 'config|resetstat'])

interface Phase {
  name: string
  calls: number
  seconds: number
  commands: Map<string, number>
}

export async function redisCommands(stack: StackEndpoints): Promise<void> {
  const server = await startRedisServer()
  const gateway = await startGatewayProcess({ ...stack, redisUrl: server.url })
  const client = new KinesisHttp2(gateway.endpoint, ACCOUNT)
  const clients = Array.from({ length: CLIENTS }, () => new KinesisHttp2(gateway.endpoint, ACCOUNT))
  const phases: Phase[] = []
  try {
    const streamName = `bench-redis-${Date.now()}`
    const bodies = putRecordsBodies(streamName, 4)
    const shardIterator = async (index: number): Promise<string> => {
      const { ShardIterator } = await (clients[index % CLIENTS] as KinesisHttp2).json<{
        ShardIterator: string
      }>('GetShardIterator', {
        StreamName: streamName,
        ShardId: `shardId-${String(index % SHARDS).padStart(12, '0')}`,
        ShardIteratorType: 'TRIM_HORIZON',
      })
      return ShardIterator
    }
    // Warm-up: one call of each operation, so that the stream record is cached and every connection is open.
    // Its commands are counted too, to show that the gateway does use this server.
    phases.push(
      await measure(server.redis, 'warm-up: CreateStream, one call of each', 0, async () => {
        await createStream(client, streamName)
        await putRecords(client, bodies[0] as Buffer)
        await client.json('GetRecords', { ShardIterator: await shardIterator(0), Limit: 100 })
      }),
    )

    phases.push(
      await measure(server.redis, 'PutRecords', CALLS, async (index) => {
        await putRecords(clients[index % CLIENTS] as KinesisHttp2, bodies[index % bodies.length] as Buffer)
      }),
    )
    phases.push(
      await measure(server.redis, 'GetShardIterator', CALLS, async (index) => {
        await shardIterator(index)
      }),
    )
    const iterators = await Promise.all(Array.from({ length: CALLS }, (_, index) => shardIterator(index)))
    phases.push(
      await measure(server.redis, 'GetRecords', CALLS, async (index) => {
        await (clients[index % CLIENTS] as KinesisHttp2).json('GetRecords', {
          ShardIterator: iterators[index],
          Limit: 100,
        })
      }),
    )
    // Whatever the gateway does without being called, over as long as the longest phase took.
    const idleSeconds = Math.max(...phases.slice(1).map((phase) => phase.seconds))
    phases.push(
      await measure(server.redis, 'no calls (idle)', 0, async () => {
        await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000))
      }),
    )
    await client.json('DeleteStream', { StreamName: streamName })
  } finally {
    client.close()
    for (const each of clients) each.close()
    await gateway.stop()
    await server.stop()
  }

  printTable(
    `Redis on the data path: commands per call on a warm gateway with a Redis server of its own, ${format(CALLS)} calls of each operation from ${CLIENTS} clients`,
    ['', 'calls', 'seconds', 'commands', 'per call', 'commands seen'],
    phases.map((phase) => {
      const total = [...phase.commands.values()].reduce((sum, count) => sum + count, 0)
      return [
        phase.name,
        format(phase.calls),
        format(phase.seconds, 1),
        format(total),
        phase.calls === 0 ? '-' : format(total / phase.calls, 2),
        [...phase.commands].map(([command, count]) => `${command} ${count}`).join(', ') || '-',
      ]
    }),
  )
  const dataPlane = phases.filter((phase) => phase.calls > 0)
  const worst = Math.max(
    ...dataPlane.map(
      (phase) => [...phase.commands.values()].reduce((sum, count) => sum + count, 0) / phase.calls,
    ),
  )
  process.stdout.write(
    `Redis commands per data-plane call: ${format(worst, 2)} at most (target 0): ${worst === 0 ? 'met' : 'MISSED'}\n`,
  )
}

async function putRecords(client: KinesisHttp2, body: Buffer): Promise<void> {
  const response = await client.call('PutRecords', body)
  if (response.status !== 200 || !response.body.includes('"FailedRecordCount":0')) {
    throw new Error(`PutRecords failed: ${response.status} ${response.body.subarray(0, 200).toString()}`)
  }
}

/** Resets the server's command statistics, runs `calls` calls, and returns the commands counted meanwhile. */
async function measure(
  redis: Redis,
  name: string,
  calls: number,
  send: (index: number) => Promise<void>,
): Promise<Phase> {
  await redis.config('RESETSTAT')
  const { seconds } = calls === 0 ? await timed(() => send(0)) : await load(calls, send)
  return { name, calls, seconds, commands: commandCounts(await redis.info('commandstats')) }
}

async function timed(action: () => Promise<void>): Promise<{ seconds: number }> {
  const started = process.hrtime.bigint()
  await action()
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9 }
}

/** Calls per command from INFO commandstats, leaving out the commands this scenario issues itself. */
function commandCounts(info: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const [, command = '', calls = '0'] = match
    if (!OWN_COMMANDS.has(command) && Number(calls) > 0) counts.set(command, Number(calls))
  }
  return counts
}

/** A throw-away redis-server on a free port: no persistence, its files in a temporary directory. */
async function startRedisServer(): Promise<{ url: string; redis: Redis; stop: () => Promise<void> }> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'))
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  )
  const url = `redis://127.0.0.1:${port}`
  const redis = createRedisClient(url, 'bench')
  // Refused connections while the server starts surface as failed pings below.
  redis.on('error', () => undefined)
  await waitFor(async () => {
    try {
      await redis.ping()
      return true
    } catch {
      return false
    }
  }, 10_000)
  return {
    url,
    redis,
    stop: async () => {
      await redis.quit()
      await new Promise<void>((resolve) => {
        child.once('exit', () => {
          resolve()
        })
        child.kill('SIGTERM')
      })
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
