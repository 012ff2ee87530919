import { randomBytes } from 'node:crypto'

import { resolveLocalStackOptions, startLocalStack } from '../src/stack/index.ts'
import type { StackEndpoints } from '../src/stack/types.ts'
import { format, median, percentile } from './table.ts'

/** What every scenario shares: 1 KiB records, 4 shards, 8 concurrent clients, the repetitions to take medians of. */
export const RECORD_BYTES = 1024
export const BATCH = 500
export const SHARDS = 4
export const CLIENTS = 8
export const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3)
export const ACCOUNT = '123456789012'

/** One measured repetition of a load. */
export interface Run {
  seconds: number
  records: number
  latenciesMs: number[]
  cpuSeconds?: number
}

/** The median records/s of runs. */
export function medianRate(runs: readonly Run[]): number {
  return median(runs.map((run) => run.records / run.seconds))
}

/** A row of an ingest table: records/s, MB/s of RECORD_BYTES records, latency p50 / p99, server CPU per record. */
export function ingestRow(label: string, runs: readonly Run[]): string[] {
  const rate = medianRate(runs)
  const cpu = median(runs.map((run) => ((run.cpuSeconds ?? Number.NaN) / run.records) * 1e6))
  const latencies = runs.flatMap((run) => run.latenciesMs)
  return [
    label,
    format(rate),
    format((rate * RECORD_BYTES) / 1e6, 1),
    format(percentile(latencies, 50), 1),
    format(percentile(latencies, 99), 1),
    Number.isNaN(cpu) ? '-' : format(cpu, 1),
  ]
}

/** The servers to run on: KAFKA_BROKERS / REDIS_URL / S3_ENDPOINT when all are set, else the local stack. */
export async function endpoints(): Promise<StackEndpoints> {
  const { KAFKA_BROKERS, REDIS_URL, S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY } = process.env
  if (KAFKA_BROKERS && REDIS_URL && S3_ENDPOINT && S3_ACCESS_KEY && S3_SECRET_KEY) {
    return {
      kafkaBrokers: KAFKA_BROKERS.split(','),
      redisUrl: REDIS_URL,
      s3: { endpoint: S3_ENDPOINT, accessKey: S3_ACCESS_KEY, secretKey: S3_SECRET_KEY, region: 'us-east-1' },
    }
  }
  const { endpoints: started } = await startLocalStack(resolveLocalStackOptions(), (line) => {
    process.stderr.write(`${line}\n`)
  })
  return started
}

/** The Kafka topic behind a stream of the benchmark's account, with the default topic template. */
export function topicOf(streamName: string): string {
  return `kinesis.${ACCOUNT}.us-east-1.${streamName}`
}

/** Distinct PutRecords bodies, encoded once: the load generator should cost as little as possible. */
export function putRecordsBodies(streamName: string, count: number): Buffer[] {
  return Array.from({ length: count }, () =>
    Buffer.from(
      JSON.stringify({
        StreamName: streamName,
        Records: Array.from({ length: BATCH }, () => ({
          PartitionKey: randomBytes(8).toString('hex'),
          Data: randomBytes(RECORD_BYTES).toString('base64'),
        })),
      }),
    ),
  )
}

/** The output of a successful call; anything but 200 fails with the operation, status and body. */
export function jsonOutput(operation: string, response: { status: number; body: Buffer }): unknown {
  if (response.status !== 200) throw new Error(`${operation}: ${response.status} ${response.body.toString()}`)
  return response.body.length === 0 ? {} : JSON.parse(response.body.toString())
}

/** What a stream can be created with: either lean client. */
export interface JsonCaller {
  json<T>(operation: string, input: object): Promise<T>
}

export async function createStream(client: JsonCaller, streamName: string, shards = SHARDS): Promise<void> {
  await client.json('CreateStream', { StreamName: streamName, ShardCount: shards })
  await waitFor(async () => {
    const summary = await client.json<{ StreamDescriptionSummary: { StreamStatus: string } }>(
      'DescribeStreamSummary',
      { StreamName: streamName },
    )
    return summary.StreamDescriptionSummary.StreamStatus === 'ACTIVE'
  })
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('timed out waiting for a condition')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Runs `requests` calls of `send` from `clients` concurrent workers; latency per call. */
export async function load(
  requests: number,
  send: (index: number) => Promise<void>,
  clients = CLIENTS,
): Promise<{ seconds: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = []
  let next = 0
  const started = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requests) {
        const index = next++
        const begin = process.hrtime.bigint()
        await send(index)
        latenciesMs.push(Number(process.hrtime.bigint() - begin) / 1e6)
      }
    }),
  )
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, latenciesMs }
}
