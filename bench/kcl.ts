import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { ensureJavaClient, type JavaScenario } from '../test/integration/fixture/java-client.ts'
import { ACCOUNT, BATCH, CLIENTS, createStream, load, SHARDS } from './common.ts'
import { startGatewayProcess } from './gateway-process.ts'
import type { StackEndpoints } from '../src/stack/types.ts'
import { putRecords } from './ingest.ts'
import { KinesisHttp2 } from './kinesis-http2.ts'
import { format, percentile, printTable } from './table.ts'

/*
 * Scenario: a KCL 3.x application (test/java, KclScenario) consumes a 4-shard stream through the gateway, with its
 * lease table and metrics on the gateway too; it checkpoints each shard at most once a second. Once it processes
 * records of every shard (a warm-up batch), the stream is fed at a steady BENCH_KCL_RATE records/s (default 1000),
 * first unmeasured for BENCH_KCL_WARM_UP_SECONDS (30, the JVM's compilers' time), then for BENCH_KCL_SECONDS (30), then
 * BENCH_KCL_BURST records (20000) are put at once, as fast as the ingest scenario puts them. Measured: the end-to-end lag of each steady record
 * (PutRecords sent to its processRecords line), how fast KCL drains the burst per shard against a quarter of
 * the gateway's ingest rate, and the latency of KCL's DynamoDB (lease table) calls as the gateway logs them, beside
 * that of the steady PutRecords in the same run (what any call costs on the machine at that moment) and that of
 * the same work done directly on Redis during the steady phase (bench/redis-lease-probe.ts): what the gateway adds.
 */
const RATE = Number(process.env.BENCH_KCL_RATE ?? 1_000)
const SECONDS = Number(process.env.BENCH_KCL_SECONDS ?? 30)
const BURST = Number(process.env.BENCH_KCL_BURST ?? 20_000)
const RECORD_BYTES = 100
const TICK_MS = 50
/** Records put before the measurement: with random partition keys, every shard gets some (but 1 in ~25,000). */
const WARM_UP = 40
/**
 * Then the stream is fed at the steady rate for this long, unmeasured: the JVM's just-in-time compilers, which
 * otherwise take a tenth of the two cores in the first half-minute of feeding, are done before the clock runs.
 */
const JIT_WARM_UP_SECONDS = Number(process.env.BENCH_KCL_WARM_UP_SECONDS ?? 30)
/** The application checkpoints a shard at most once a second, as applications that checkpoint periodically do. */
const CHECKPOINT_EVERY_MS = 1_000
const MODES: readonly JavaScenario[] = ['kcl-fan-out', 'kcl-polling']
/** Lease renewals per second done directly on Redis while the stream is fed steadily (KCL makes about 10). */
const PROBE_RATE = 20

interface KclRun {
  mode: JavaScenario
  lagsMs: number[]
  /** Records/s per shard at which KCL processed the burst. */
  drainPerShard: number
  leaseCalls: Map<string, number[]>
  /** The lease calls logged while the stream was fed at the steady rate (no start-up, no burst). */
  steadyLeaseMs: number[]
  /** A lease renewal's compare-and-set done directly on Redis meanwhile, from a process of its own. */
  directRenewalMs: number[]
  /** The steady PutRecords' server-side latency in the same run: what any call costs on the machine then. */
  putRecordsMs: number[]
}

/** The gateway's ingest rate (records/s) comes from the ingest scenario: KCL is compared to a quarter of it. */
export async function kcl(stack: StackEndpoints, ingestRate: number): Promise<void> {
  const java = await ensureJavaClient((line) => {
    process.stderr.write(`${line}\n`)
  })
  const runs: KclRun[] = []
  for (const mode of MODES) runs.push(await kclOnce(stack, java, mode))

  const quarter = ingestRate / SHARDS
  printTable(
    `KCL 3.x consumer: ${SHARDS} shards fed ${format(RATE)} records/s of ${RECORD_BYTES} B for ${SECONDS} s, then a burst of ${format(BURST)}; lease table and metrics on the gateway`,
    [
      '',
      'lag p50 ms',
      'lag p99 ms',
      'burst records/s/shard',
      'ingest/4 records/s',
      'burst / (ingest/4)',
      'lease calls',
      'lease p50 ms',
      'lease p99 ms',
      'steady lease p50 / p99 ms',
      'direct on Redis p50 / p99 ms',
      'added at p99 ms',
      'PutRecords p50 ms',
      'PutRecords p99 ms',
    ],
    runs.map((run) => {
      const lease = [...run.leaseCalls.values()].flat()
      return [
        run.mode === 'kcl-fan-out' ? 'KCL, enhanced fan-out' : 'KCL, polling (200 ms idle)',
        format(percentile(run.lagsMs, 50), 1),
        format(percentile(run.lagsMs, 99), 1),
        format(run.drainPerShard),
        format(quarter),
        format(run.drainPerShard / quarter, 2),
        format(lease.length),
        format(percentile(lease, 50), 2),
        format(percentile(lease, 99), 2),
        `${format(percentile(run.steadyLeaseMs, 50), 2)} / ${format(percentile(run.steadyLeaseMs, 99), 2)}`,
        `${format(percentile(run.directRenewalMs, 50), 2)} / ${format(percentile(run.directRenewalMs, 99), 2)}`,
        format(percentile(run.steadyLeaseMs, 99) - percentile(run.directRenewalMs, 99), 2),
        format(percentile(run.putRecordsMs, 50), 2),
        format(percentile(run.putRecordsMs, 99), 2),
      ]
    }),
  )
  printTable(
    'KCL lease table calls through the gateway (server-side latency, both runs)',
    ['operation', 'calls', 'p50 ms', 'p99 ms', 'max ms'],
    [...new Set(runs.flatMap((run) => [...run.leaseCalls.keys()]))].sort().map((operation) => {
      const latencies = runs.flatMap((run) => run.leaseCalls.get(operation) ?? [])
      return [
        operation,
        format(latencies.length),
        format(percentile(latencies, 50), 2),
        format(percentile(latencies, 99), 2),
        format(Math.max(...latencies), 2),
      ]
    }),
  )
}

async function kclOnce(
  stack: StackEndpoints,
  java: Awaited<ReturnType<typeof ensureJavaClient>>,
  mode: JavaScenario,
): Promise<KclRun> {
  // A gateway of its own, logging every request with its latency to a file, read when the run is over.
  const logFile = join(tmpdir(), `bench-kcl-gateway-${String(process.pid)}-${mode}.log`)
  const gateway = await startGatewayProcess(stack, { LOG_LEVEL: 'info' }, { logFile })
  let steadyFrom = Number.POSITIVE_INFINITY
  let steadyUntil = Number.POSITIVE_INFINITY
  // Clients connect when their phase starts: KCL may take over a minute to start, and the gateway closes
  // connections idle for 65 s.
  const clients: KinesisHttp2[] = []
  const connect = (): KinesisHttp2 => {
    const client = new KinesisHttp2(gateway.endpoint, ACCOUNT)
    clients.push(client)
    return client
  }
  const streamName = `bench-kcl-${Date.now()}`
  const application = `${streamName}-app`
  const steadyCount = RATE * SECONDS
  const putAt: number[] = []
  const lagsMs: number[] = []
  const now = () => performance.timeOrigin + performance.now()
  // The warm-up records come after the steady and burst ones in numbering.
  const warmUpFirst = steadyCount + BURST
  const warmUp = Array.from({ length: WARM_UP }, (_, i) => warmUpFirst + i)
  const jitWarmUpCount = RATE * JIT_WARM_UP_SECONDS
  let warmedUp = 0
  let processed = 0
  let burstProcessed = 0
  let burstEnded = 0
  // Started before the steady phase, so that its start-up is not measured with it.
  const probe = startLeaseProbe(stack.redisUrl)
  try {
    await createStream(connect(), streamName)
    const consumer = java.run(
      gateway.endpoint,
      mode,
      ACCOUNT,
      [
        `-Dkcl.stream=${streamName}`,
        `-Dkcl.application=${application}`,
        `-Dkcl.records=${String(steadyCount + BURST + WARM_UP + jitWarmUpCount)}`,
        '-Dkcl.timeoutSeconds=110',
        `-Dkcl.checkpointEveryMillis=${String(CHECKPOINT_EVERY_MS)}`,
      ],
      (line) => {
        if (!line.startsWith('PROCESSED ')) return
        const data = line.split(' ')[3] ?? ''
        const index = Number(data.slice(0, data.indexOf('-')))
        if (index >= warmUpFirst) warmedUp++
        else if (index < steadyCount) {
          processed++
          lagsMs.push(now() - (putAt[index] ?? Number.NaN))
        } else if (++burstProcessed === BURST) burstEnded = now()
      },
    )
    // Warm-up: KCL reads every shard (its leases taken, its subscriptions or polls running) before the clock runs.
    await putRecords(connect(), body(streamName, warmUp))
    const started = now()
    while (warmedUp < WARM_UP) {
      if (now() - started > 100_000) throw new Error(`KCL processed no record in 100 s (${mode})`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }

    // Steady: RATE records/s, a PutRecords every TICK_MS, on the schedule (a late tick does not delay the next);
    // first unmeasured, for the JIT, then measured.
    const steady = connect()
    const feed = async (first: number, count: number): Promise<void> => {
      const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000))
      const feedStart = now()
      const sends: Promise<void>[] = []
      for (let offset = 0; offset < count; offset += perTick) {
        const wait = feedStart + (offset / perTick) * TICK_MS - now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        const indexes = Array.from(
          { length: Math.min(perTick, count - offset) },
          (_, i) => first + offset + i,
        )
        const sentAt = now()
        for (const index of indexes) putAt[index] = sentAt
        sends.push(putRecords(steady, body(streamName, indexes)))
      }
      await Promise.all(sends)
    }
    await feed(warmUpFirst + WARM_UP, jitWarmUpCount)
    while (warmedUp < WARM_UP + jitWarmUpCount) await new Promise((resolve) => setTimeout(resolve, 50))
    steadyFrom = Date.now()
    await feed(0, steadyCount)
    while (processed < steadyCount) await new Promise((resolve) => setTimeout(resolve, 50))
    steadyUntil = Date.now()
    const directRenewalMs = (await probe.stop())
      .filter(([endedAt]) => endedAt >= steadyFrom && endedAt <= steadyUntil)
      .map(([, latencyMs]) => latencyMs)

    // Burst: BURST records from CLIENTS concurrent clients, as the ingest scenario sends them.
    const burstBodies = Array.from({ length: Math.ceil(BURST / BATCH) }, (_, batch) =>
      body(
        streamName,
        Array.from(
          { length: Math.min(BATCH, BURST - batch * BATCH) },
          (_, i) => steadyCount + batch * BATCH + i,
        ),
      ),
    )
    const burst = Array.from({ length: CLIENTS }, connect)
    const burstStart = now()
    await load(burstBodies.length, (index) =>
      putRecords(burst[index % CLIENTS] as KinesisHttp2, burstBodies[index] as Buffer),
    )
    const { exitCode, stdout, stderr } = await consumer
    if (exitCode !== 0) {
      throw new Error(`the KCL application failed (${mode}):\n${stdout.slice(-3000)}\n${stderr.slice(-5000)}`)
    }
    return {
      mode,
      lagsMs,
      drainPerShard: BURST / ((burstEnded - burstStart) / 1000) / SHARDS,
      directRenewalMs,
      ...requestLatencies(readFileSync(logFile, 'utf8'), steadyFrom, steadyUntil),
    }
  } finally {
    probe.end()
    await connect().json('DeleteStream', { StreamName: streamName, EnforceConsumerDeletion: true })
    await deleteTables(gateway.endpoint, application)
    for (const client of clients) client.close()
    await gateway.stop()
    rmSync(logFile, { force: true })
  }
}

interface LeaseProbe {
  /** Ends the renewals; resolves with their round trips. */
  stop(): Promise<[number, number][]>
  /** Ends the renewals without waiting (a failed run); nothing if already stopped. */
  end(): void
}

/** bench/redis-lease-probe.ts as a process of its own, renewing until it is stopped. */
function startLeaseProbe(redisUrl: string): LeaseProbe {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('redis-lease-probe.ts', import.meta.url)),
      redisUrl,
      String(PROBE_RATE),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const end = (): void => {
    if (!child.stdin.writableEnded) child.stdin.end()
  }
  return {
    stop: async () => {
      end()
      const code = await exited
      if (code !== 0) throw new Error(`the Redis lease probe exited with ${String(code)}`)
      return JSON.parse(output) as [number, number][]
    },
    end,
  }
}

/** From the gateway's request log: its DynamoDB calls by operation, those of the steady phase, its PutRecords. */
function requestLatencies(
  log: string,
  steadyFrom: number,
  steadyUntil: number,
): Pick<KclRun, 'leaseCalls' | 'steadyLeaseMs' | 'putRecordsMs'> {
  const leaseCalls = new Map<string, number[]>()
  const steadyLeaseMs: number[] = []
  const putRecordsMs: number[] = []
  for (const line of log.split('\n')) {
    const lease = line.includes('"target":"DynamoDB_20120810.')
    if (!lease && !line.includes('"target":"Kinesis_20131202.PutRecords"')) continue
    const entry = JSON.parse(line) as { time: string; target: string; latencyMs: number }
    if (!lease) {
      putRecordsMs.push(entry.latencyMs)
      continue
    }
    const operation = entry.target.slice('DynamoDB_20120810.'.length)
    leaseCalls.set(operation, [...(leaseCalls.get(operation) ?? []), entry.latencyMs])
    const loggedAt = Date.parse(entry.time)
    if (loggedAt >= steadyFrom && loggedAt <= steadyUntil) steadyLeaseMs.push(entry.latencyMs)
  }
  return { leaseCalls, steadyLeaseMs, putRecordsMs }
}

/** A PutRecords body of the records `indexes`: data `<index>-xxx…` (RECORD_BYTES), a partition key each. */
function body(streamName: string, indexes: readonly number[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      StreamName: streamName,
      Records: indexes.map((index) => {
        const prefix = `${String(index)}-`
        return {
          PartitionKey: `key-${String(index)}`,
          Data: Buffer.from(prefix + 'x'.repeat(RECORD_BYTES - prefix.length)).toString('base64'),
        }
      }),
    }),
  )
}

/** KCL's tables (the lease table and the ones named after it), through the gateway's DynamoDB API. */
async function deleteTables(endpoint: string, application: string): Promise<void> {
  const call = async (operation: string, input: object): Promise<unknown> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(input),
    })
    return response.json()
  }
  const { TableNames = [] } = (await call('ListTables', {})) as { TableNames?: string[] }
  for (const table of TableNames.filter((name) => name.startsWith(application))) {
    await call('DeleteTable', { TableName: table })
  }
}
