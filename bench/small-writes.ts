import { randomBytes } from 'node:crypto'

import { ACCOUNT, createStream, RECORD_BYTES, SHARDS } from './common.ts'
import type { GatewayProcess } from './gateway-process.ts'
import { KinesisHttp2 } from './kinesis-http2.ts'
import type { Peer } from './peers.ts'
import { format, percentile, printTable } from './table.ts'

/**
 * Scenario 2: PutRecord of one 1 KiB record at fixed offered rates, open loop: requests leave on schedule whether
 * or not earlier ones were answered, and latency counts from the scheduled send time, so that queuing shows.
 */
const RATES = (process.env.BENCH_SMALL_WRITES_RATES ?? '1000,2000,5000').split(',').map(Number)
const SECONDS = Number(process.env.BENCH_SMALL_WRITES_SECONDS ?? 5)
const CONNECTIONS = 16
const P99_LIMIT_MS = 20
/** Answers are awaited this long after the last request is due; later ones count as unanswered. */
const GRACE_MS = 2000
/** A target that answers less than this share of an offered rate in time is not given the higher rates. */
const KEEPING_UP = 0.9
const WARM_UP_SECONDS = 2
/** How long a target may go on with requests it was sent but did not answer in time, before the next load starts. */
const DRAIN_MS = 30_000

type Send = (index: number) => Promise<{ status: number; body: Buffer }>

interface Target {
  name: string
  /** As the table shows it, with the protocol. */
  label: string
  /** Opens CONNECTIONS connections and returns how to send the index-th request over them, and how to close them. */
  connect(bodies: Buffer[]): { send: Send; close(): void }
  /** CPU seconds the target's server processes used so far. */
  cpuSeconds(): number
}

interface Result {
  rate: number
  achieved: number
  p50: number
  p99: number
  failed: number
  /** The server's CPU over the load and its drain, per call offered. */
  cpuMicrosPerCall: number
}

export async function smallWrites(gateway: GatewayProcess, peers: readonly Peer[] = []): Promise<void> {
  const streamName = `bench-small-writes-${Date.now()}`
  const gatewayClient = new KinesisHttp2(gateway.endpoint, ACCOUNT)
  await createStream(gatewayClient, streamName)
  const targets: Target[] = [
    {
      name: 'gateway',
      label: 'gateway (HTTP/2, JSON)',
      connect: (bodies) => {
        const sessions = Array.from(
          { length: CONNECTIONS },
          () => new KinesisHttp2(gateway.endpoint, ACCOUNT),
        )
        return {
          send: (index) =>
            (sessions[index % CONNECTIONS] as KinesisHttp2).call(
              'PutRecord',
              bodies[index % bodies.length] as Buffer,
            ),
          close: () => {
            for (const session of sessions) session.close()
          },
        }
      },
      cpuSeconds: () => gateway.cpuSeconds(),
    },
  ]
  for (const peer of peers) {
    const client = peer.client()
    await createStream(client, streamName, SHARDS)
    client.close()
    targets.push({
      name: peer.name,
      label: `${peer.name} (${peer.protocol})`,
      connect: (bodies) => {
        const connections = peer.client(CONNECTIONS)
        return {
          send: (index) => connections.call('PutRecord', bodies[index % bodies.length] as Buffer),
          close: () => {
            connections.close()
          },
        }
      },
      cpuSeconds: () => peer.cpuSeconds(),
    })
  }

  const bodies = Array.from({ length: 256 }, () =>
    Buffer.from(
      JSON.stringify({
        StreamName: streamName,
        PartitionKey: randomBytes(8).toString('hex'),
        Data: randomBytes(RECORD_BYTES).toString('base64'),
      }),
    ),
  )
  const results = new Map<Target, Result[]>()
  for (const target of targets) {
    // First writes pay for connections, metadata and compilation, which is not what this scenario is about.
    await offerAndDrain(target, bodies, RATES[0] ?? 1000, WARM_UP_SECONDS)
    const runs: Result[] = []
    for (const rate of RATES) {
      const result = await offerAndDrain(target, bodies, rate, SECONDS)
      runs.push(result)
      if (result.achieved < rate * KEEPING_UP) break
    }
    results.set(target, runs)
  }

  await gatewayClient.json('DeleteStream', { StreamName: streamName })
  gatewayClient.close()
  for (const peer of peers) {
    const client = peer.client()
    await client.json('DeleteStream', { StreamName: streamName })
    client.close()
  }

  const milliseconds = (value: number): string =>
    Number.isFinite(value) ? format(value, 1) : `> ${format(SECONDS * 1000 + GRACE_MS)}`
  printTable(
    `Small writes: PutRecord of 1 x ${RECORD_BYTES} B at fixed offered rates, open loop over ${CONNECTIONS} connections, ${SECONDS} s per rate`,
    ['', 'offered/s', 'achieved/s', 'p50 ms', 'p99 ms', 'failed', 'server CPU µs/call'],
    targets.flatMap((target) =>
      RATES.map((rate, index) => {
        const result = results.get(target)?.[index]
        const name = index === 0 ? target.label : ''
        if (result === undefined) return [name, format(rate), 'not run: could not keep up', '', '', '', '']
        return [
          name,
          format(rate),
          format(result.achieved),
          milliseconds(result.p50),
          milliseconds(result.p99),
          format(result.failed),
          format(result.cpuMicrosPerCall, 1),
        ]
      }),
    ),
  )
  const highest = targets.map((target) => {
    const passing = (results.get(target) ?? []).filter(
      (result) => result.p99 < P99_LIMIT_MS && result.failed === 0,
    )
    const rate = Math.max(0, ...passing.map((result) => result.rate))
    return `${target.name}: ${rate === 0 ? 'none' : `${format(rate)}/s`}`
  })
  process.stdout.write(`highest offered rate with p99 under ${P99_LIMIT_MS} ms: ${highest.join('    ')}\n`)
}

/**
 * Offers the load over fresh connections, closes them, and waits (DRAIN_MS at most) until the target has finished
 * with what it was sent, so that a backlog does not slow down the next load.
 */
async function offerAndDrain(
  target: Target,
  bodies: Buffer[],
  rate: number,
  seconds: number,
): Promise<Result> {
  const cpuBefore = target.cpuSeconds()
  const connection = target.connect(bodies)
  const { result, drained } = await offer(connection.send, rate, seconds)
  connection.close()
  let timer: NodeJS.Timeout | undefined
  await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))])
  clearTimeout(timer)
  const calls = Math.round(rate * seconds)
  return { ...result, cpuMicrosPerCall: ((target.cpuSeconds() - cpuBefore) / calls) * 1e6 }
}

/** Sends `rate` requests per second for `seconds`, each due at start + index / rate. */
async function offer(
  send: Send,
  rate: number,
  seconds: number,
): Promise<{ result: Omit<Result, 'cpuMicrosPerCall'>; drained: Promise<unknown> }> {
  const total = Math.round(rate * seconds)
  const latencies: number[] = []
  const requests: Promise<unknown>[] = []
  let failed = 0
  let lastAnswer = 0
  let open = true
  const start = performance.now()
  let sent = 0
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1)
      for (; sent < due; sent++) {
        const scheduled = start + (sent / rate) * 1000
        const request = send(sent).then(
          (response) => {
            if (!open) return
            lastAnswer = performance.now()
            if (response.status === 200) latencies.push(lastAnswer - scheduled)
            else failed++
          },
          () => {
            if (open) failed++
          },
        )
        requests.push(request)
      }
      if (sent < total) setTimeout(tick, 1)
      else resolve()
    }
    tick()
  })
  const deadline = start + seconds * 1000 + GRACE_MS
  while (latencies.length + failed < total && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10))
  open = false
  const answered = latencies.length
  // Unanswered requests are slower than any answered one.
  for (let index = answered + failed; index < total; index++) latencies.push(Number.POSITIVE_INFINITY)
  return {
    result: {
      rate,
      achieved: answered === 0 ? 0 : answered / ((lastAnswer - start) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      failed,
    },
    drained: Promise.all(requests),
  }
}
