import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

import { PutRecordCommand } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { endpointVariables } from '../../src/stack/environment.ts'
import { freePort, waitUntil } from '../../src/stack/processes.ts'
import { isHealthy, kinesisClient, testAccountId } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream, readShard } from './fixture/streams.ts'

function workerPids(primary: number): number[] {
  try {
    const text = readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim()
    return text === '' ? [] : text.split(' ').map(Number)
  } catch {
    return []
  }
}

/** Polls `condition` every 100 ms for up to 20 s; fails the test when it never holds. */
async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const held = await waitUntil(async () => condition(), { timeoutMs: 20_000, intervalMs: 100 })
  if (!held) throw new Error(`${what} did not happen within 20 s`)
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
        ...endpointVariables(stack),
        STREAM_CREATING_DELAY_MS: '200',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    await until('the gateway answering /health', () => isHealthy(endpoint))
  })

  afterAll(() => {
    if (gateway.exitCode === null) gateway.kill('SIGKILL')
  })

  it('runs two workers on the port, replaces one that dies without losing a record, and stops them all', async () => {
    const primary = gateway.pid as number
    await until('two workers', () => workerPids(primary).length === 2)
    const [first, second] = workerPids(primary)

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
    await until('a replacement worker', () => {
      const pids = workerPids(primary)
      return pids.length === 2 && !pids.includes(first as number)
    })
    const replaced = workerPids(primary)
    expect(replaced).toContain(second)
    await until('the gateway answering /health', () => isHealthy(endpoint))
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
