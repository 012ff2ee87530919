import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

import { PutRecordCommand } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { testAccountId, kinesisClient } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream, readShard } from './fixture/streams.ts'
import { freePort } from './fixture/ports.ts'

function workerPids(primary: number): number[] {
  try {
    const text = readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim()
    return text === '' ? [] : text.split(' ').map(Number)
  } catch {
    return []
  }
}

async function eventually<T>(probe: () => T | Promise<T>, accept: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await probe()
    if (accept(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the condition did not hold within 20 s')
}

async function untilHealthy(endpoint: string): Promise<void> {
  await eventually(
    () =>
      fetch(`${endpoint}/health`).then(
        (response) => response.ok,
        () => false,
      ),
    (healthy) => healthy,
  )
}

describe('GATEWAY_WORKERS=2: two gateway processes on one port', () => {
  const stack = inject('stack')
  const account = testAccountId()
  let gateway: ChildProcess
  let endpoint: string

  beforeAll(async () => {
    const port = await freePort()
    endpoint = `http://127.0.0.1:${port}`
    gateway = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        GATEWAY_WORKERS: '2',
        LOG_LEVEL: 'error',
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        REDIS_URL: stack.redisUrl,
        S3_ENDPOINT: stack.s3.endpoint,
        S3_ACCESS_KEY: stack.s3.accessKey,
        S3_SECRET_KEY: stack.s3.secretKey,
        STREAM_CREATING_DELAY_MS: '200',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    await untilHealthy(endpoint)
  })

  afterAll(() => {
    if (gateway.exitCode === null) gateway.kill('SIGKILL')
  })

  it('runs two workers on the port, replaces one that dies without losing a record, and stops them all', async () => {
    const primary = gateway.pid as number
    const [first, second] = await eventually(
      () => workerPids(primary),
      (pids) => pids.length === 2,
    )

    const clients = Array.from({ length: 4 }, () => kinesisClient(endpoint, account, 'HTTP/1.1'))
    const streamName = uniqueName('workers')
    await createActiveStream(clients[0] as (typeof clients)[number], streamName, 1)
    const put = (from: number): Promise<unknown> =>
      Promise.all(
        clients.map(async (client, index) => {
          for (let n = 0; n < 10; n++) {
            await client.send(
              new PutRecordCommand({
                StreamName: streamName,
                PartitionKey: `client-${index}`,
                Data: Buffer.from(`${from + index * 10 + n}`),
              }),
            )
          }
        }),
      )
    await put(0)

    process.kill(first as number, 'SIGKILL')
    const replaced = await eventually(
      () => workerPids(primary),
      (pids) => pids.length === 2 && !pids.includes(first as number),
    )
    expect(replaced).toContain(second)
    await untilHealthy(endpoint)
    for (const client of clients) client.destroy()
    const fresh = Array.from({ length: 4 }, () => kinesisClient(endpoint, account, 'HTTP/1.1'))
    clients.splice(0, clients.length, ...fresh)
    await put(40)

    const values = await readShard(clients[0] as (typeof clients)[number], streamName, 'shardId-000000000000')
    expect(values.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 80 }, (_, index) => index))
    for (const client of clients) client.destroy()

    const exited = new Promise((resolve) => gateway.once('exit', resolve))
    gateway.kill('SIGTERM')
    await exited
    expect(workerPids(primary)).toEqual([])
    for (const pid of replaced) expect(() => process.kill(pid, 0)).toThrow()
  })
})
