import { randomBytes } from 'node:crypto'

import type { Redis } from 'ioredis'
import type { Kafka } from 'kafkajs'

import { createKafkaClient } from '../src/adapters/kafka/kafka-client.ts'
import { createRedisClient } from '../src/adapters/redis/redis-client.ts'
import { hashKeyOfPartitionKey } from '../src/mapping/hash-keys.ts'
import { resolveLocalStackOptions, startLocalStack } from '../src/stack/index.ts'
import type { StackEndpoints } from '../src/stack/types.ts'
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts'
import { KinesisHttp2 } from './kinesis-http2.ts'
import { propagation } from './propagation.ts'
import { format, median, percentile, printTable } from './table.ts'

/*
 * npm run bench — the gateway against the same work done directly on Kafka with kafkajs, in the same run, on
 * the local stack (or the servers in KAFKA_BROKERS / REDIS_URL / S3_ENDPOINT). Settings: BENCH_REPETITIONS (3),
 * BENCH_INGEST_REQUESTS (200 PutRecords of 500 records per repetition), BENCH_CATCHUP_RECORDS (100000),
 * BENCH_PROPAGATION_SECONDS (10).
 */

const RECORD_BYTES = 1024
const BATCH = 500
const SHARDS = 4
const CLIENTS = 8
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3)
const INGEST_REQUESTS = Number(process.env.BENCH_INGEST_REQUESTS ?? 200)
const CATCHUP_RECORDS = Number(process.env.BENCH_CATCHUP_RECORDS ?? 100_000)
const ACCOUNT = '123456789012'

interface Run {
  seconds: number
  records: number
  latenciesMs: number[]
  cpuSeconds?: number
}

async function main(): Promise<void> {
  const stack = await endpoints()
  const gateway = await startGatewayProcess(stack)
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'bench' })
  const redis = createRedisClient(stack.redisUrl, 'bench')
  try {
    await ingest(gateway, kafka, redis)
    await catchUp(gateway, kafka)
    await propagation(gateway, ACCOUNT)
  } finally {
    await gateway.stop()
    await redis.quit()
  }
}

async function endpoints(): Promise<StackEndpoints> {
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

/** Distinct PutRecords bodies, encoded once: the load generator should cost as little as possible. */
function putRecordsBodies(streamName: string, count: number): Buffer[] {
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

async function createStream(client: KinesisHttp2, streamName: string): Promise<void> {
  await client.json('CreateStream', { StreamName: streamName, ShardCount: SHARDS })
  for (;;) {
    const summary = await client.json<{ StreamDescriptionSummary: { StreamStatus: string } }>(
      'DescribeStreamSummary',
      {
        StreamName: streamName,
      },
    )
    if (summary.StreamDescriptionSummary.StreamStatus === 'ACTIVE') return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function redisCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats')
  let total = 0
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    if (match[1] !== 'info') total += Number(match[2])
  return total
}

/** Runs `requests` calls of `send` from CLIENTS concurrent workers; latency per call. */
async function load(
  requests: number,
  send: (index: number) => Promise<void>,
): Promise<{ seconds: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = []
  let next = 0
  const started = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
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

async function ingest(gateway: GatewayProcess, kafka: Kafka, redis: Redis): Promise<void> {
  const clients = Array.from({ length: CLIENTS }, () => new KinesisHttp2(gateway.endpoint, ACCOUNT))
  const streamName = `bench-ingest-${Date.now()}`
  const first = clients[0] as KinesisHttp2
  await createStream(first, streamName)
  const bodies = putRecordsBodies(streamName, 16)
  const topic = `kinesis.${ACCOUNT}.us-east-1.${streamName}`

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
  await producer.connect()
  const directBatches = bodies.map((body) =>
    (JSON.parse(body.toString()) as { Records: { PartitionKey: string; Data: string }[] }).Records.map(
      (record) => ({
        key: record.PartitionKey,
        value: Buffer.from(record.Data, 'base64'),
        partition: Number(hashKeyOfPartitionKey(record.PartitionKey) % BigInt(SHARDS)),
      }),
    ),
  )

  const gatewayRuns: Run[] = []
  const directRuns: Run[] = []
  let redisPerCall = 0
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const cpuBefore = gateway.cpuSeconds()
    const redisBefore = await redisCalls(redis)
    const viaGateway = await load(INGEST_REQUESTS, async (index) => {
      const client = clients[index % CLIENTS] as KinesisHttp2
      const response = await client.call('PutRecords', bodies[index % bodies.length] as Buffer)
      if (response.status !== 200 || !response.body.includes('"FailedRecordCount":0')) {
        throw new Error(`PutRecords failed: ${response.status} ${response.body.subarray(0, 200).toString()}`)
      }
    })
    redisPerCall = ((await redisCalls(redis)) - redisBefore) / INGEST_REQUESTS
    gatewayRuns.push({
      ...viaGateway,
      records: INGEST_REQUESTS * BATCH,
      cpuSeconds: gateway.cpuSeconds() - cpuBefore,
    })

    const direct = await load(INGEST_REQUESTS, async (index) => {
      await producer.send({ topic, acks: -1, messages: directBatches[index % directBatches.length] ?? [] })
    })
    directRuns.push({ ...direct, records: INGEST_REQUESTS * BATCH })
  }
  await producer.disconnect()
  await first.json('DeleteStream', { StreamName: streamName })
  for (const client of clients) client.close()

  const row = (name: string, runs: Run[]): string[] => {
    const rates = runs.map((run) => run.records / run.seconds)
    const latencies = runs.flatMap((run) => run.latenciesMs)
    const cpu = runs.map((run) => ((run.cpuSeconds ?? Number.NaN) / run.records) * 1e6)
    return [
      name,
      format(median(rates)),
      format((median(rates) * RECORD_BYTES) / 1e6, 1),
      format(percentile(latencies, 50), 1),
      format(percentile(latencies, 99), 1),
      Number.isNaN(median(cpu)) ? '-' : format(median(cpu), 1),
    ]
  }
  const gatewayRate = median(gatewayRuns.map((run) => run.records / run.seconds))
  const directRate = median(directRuns.map((run) => run.records / run.seconds))
  printTable(
    `Ingest: PutRecords of ${BATCH} x ${RECORD_BYTES} B, ${SHARDS} shards, ${CLIENTS} concurrent clients, median of ${REPETITIONS}`,
    ['', 'records/s', 'MB/s', 'p50 ms', 'p99 ms', 'gateway CPU µs/record'],
    [row('gateway (HTTP/2, JSON)', gatewayRuns), row('direct kafkajs producer', directRuns)],
  )
  process.stdout.write(
    `gateway / direct: ${format(gatewayRate / directRate, 2)}x    Redis commands per PutRecords on a warm gateway: ${format(redisPerCall, 2)}\n`,
  )
}

async function catchUp(gateway: GatewayProcess, kafka: Kafka): Promise<void> {
  const client = new KinesisHttp2(gateway.endpoint, ACCOUNT)
  const streamName = `bench-catchup-${Date.now()}`
  await createStream(client, streamName)
  const topic = `kinesis.${ACCOUNT}.us-east-1.${streamName}`
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const value = randomBytes(RECORD_BYTES)
  for (let written = 0; written < CATCHUP_RECORDS; written += 5000) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: Math.min(5000, CATCHUP_RECORDS - written) }, (_, index) => ({
        key: `key-${written + index}`,
        value,
        partition: (written + index) % SHARDS,
      })),
    })
  }
  await producer.disconnect()

  const viaGateway: number[] = []
  const direct: number[] = []
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const started = process.hrtime.bigint()
    let read = 0
    await Promise.all(
      Array.from({ length: SHARDS }, async (_, shard) => {
        const { ShardIterator } = await client.json<{ ShardIterator: string }>('GetShardIterator', {
          StreamName: streamName,
          ShardId: `shardId-${String(shard).padStart(12, '0')}`,
          ShardIteratorType: 'TRIM_HORIZON',
        })
        let iterator: string | undefined = ShardIterator
        while (iterator !== undefined) {
          const page: { Records: unknown[]; NextShardIterator?: string; MillisBehindLatest: number } =
            await client.json('GetRecords', { ShardIterator: iterator, Limit: 10_000 })
          read += page.Records.length
          if (page.Records.length === 0 && page.MillisBehindLatest === 0) break
          iterator = page.NextShardIterator
        }
      }),
    )
    viaGateway.push(read / (Number(process.hrtime.bigint() - started) / 1e9))

    const consumer = kafka.consumer({
      groupId: `bench-${Date.now()}-${repetition}`,
      maxBytes: 10 * 1024 * 1024,
    })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const consumed = await new Promise<number>((resolve) => {
      let count = 0
      const begin = process.hrtime.bigint()
      void consumer.run({
        eachBatch: ({ batch }) => {
          count += batch.messages.length
          if (count >= CATCHUP_RECORDS) resolve(count / (Number(process.hrtime.bigint() - begin) / 1e9))
          return Promise.resolve()
        },
      })
    })
    await consumer.disconnect()
    direct.push(consumed)
  }
  await client.json('DeleteStream', { StreamName: streamName })
  client.close()

  printTable(
    `Catch-up read: ${format(CATCHUP_RECORDS)} records of ${RECORD_BYTES} B in ${SHARDS} shards, GetRecords Limit 10000, median of ${REPETITIONS}`,
    ['', 'records/s', 'MB/s'],
    [
      [
        'gateway GetRecords (HTTP/2, JSON)',
        format(median(viaGateway)),
        format((median(viaGateway) * RECORD_BYTES) / 1e6, 1),
      ],
      ['direct kafkajs consumer', format(median(direct)), format((median(direct) * RECORD_BYTES) / 1e6, 1)],
    ],
  )
  process.stdout.write(`gateway / direct: ${format(median(viaGateway) / median(direct), 2)}x\n`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
