import { randomBytes } from 'node:crypto'

import type { Kafka } from 'kafkajs'

import { createKafkaClient } from '../src/adapters/kafka/kafka-client.ts'
import { KafkaRecordLog } from '../src/adapters/kafka/kafka-record-log.ts'
import { MinioObjectStore } from '../src/adapters/s3/minio-object-store.ts'
import { deliveryStreamTopicName } from '../src/mapping/delivery-stream-topics.ts'
import type { StackEndpoints } from '../src/stack/types.ts'
import {
  ACCOUNT,
  BATCH,
  CLIENTS,
  createStream,
  load,
  putRecordsBodies,
  RECORD_BYTES,
  REPETITIONS,
  SHARDS,
  waitFor,
  ingestRow,
  medianRate,
  type Run,
} from './common.ts'
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts'
import { putRecords } from './ingest.ts'
import { FirehoseHttp2, KinesisHttp2 } from './kinesis-http2.ts'
import { format, percentile, printTable } from './table.ts'

/**
 * Firehose through the gateway (the gateway as its own process, driven over HTTP/2 with pre-encoded bodies):
 * 1. Ingest: PutRecordBatch of 500 x 1 KiB records to a DirectPut delivery stream of 4 partitions, against
 *    Kinesis PutRecords of the same records to a stream of 4 shards, both through the gateway (delivery off, so
 *    that only ingest is measured), and the same batches sent with a kafkajs producer (acks=all) to the
 *    delivery stream's topic. BENCH_FIREHOSE_REQUESTS (200) calls of each per repetition, 8 clients.
 * 2. Put-to-object latency: one PutRecord at a time to a delivery stream with IntervalInSeconds 0, timed until
 *    its object is listed in S3; the reference is the same path done directly (a kafkajs producer, acks=all,
 *    and a kafkajs consumer group that writes each record as an object with the minio client), timed the same
 *    way. BENCH_FIREHOSE_LATENCY_PUTS (50) puts each.
 * 3. Memory: a gateway's resident memory with BENCH_FIREHOSE_STREAMS (50) delivery streams whose workers buffer
 *    BENCH_FIREHOSE_BUFFER_MB (2) MiB each (SizeInMBs 128, IntervalInSeconds 900: nothing is delivered), against
 *    the record data they hold.
 */
const MIB = 1024 * 1024
const INGEST_REQUESTS = Number(process.env.BENCH_FIREHOSE_REQUESTS ?? 200)
const LATENCY_PUTS = Number(process.env.BENCH_FIREHOSE_LATENCY_PUTS ?? 50)
const MEMORY_STREAMS = Number(process.env.BENCH_FIREHOSE_STREAMS ?? 50)
const BUFFER_MIB = Number(process.env.BENCH_FIREHOSE_BUFFER_MB ?? 2)
const ROLE = `arn:aws:iam::${ACCOUNT}:role/firehose`
/** How often S3 is listed while waiting for an object: a floor on the latencies measured, for both paths. */
const LIST_INTERVAL_MS = 10

export async function firehoseGateway(stack: StackEndpoints): Promise<void> {
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'bench-firehose-gateway' })
  const store = new MinioObjectStore(stack.s3)
  const ingestGateway = await startGatewayProcess(stack, {
    FIREHOSE_DELIVERY: 'off',
    FIREHOSE_TOPIC_PARTITIONS: String(SHARDS),
  })
  try {
    await firehoseIngest(ingestGateway, kafka)
  } finally {
    await ingestGateway.stop()
  }
  const deliveryGateway = await startGatewayProcess(stack, {
    FIREHOSE_TOPIC_PARTITIONS: String(SHARDS),
    FIREHOSE_DELIVERY_POLL_INTERVAL_MS: '500',
  })
  try {
    await putToObjectLatency(deliveryGateway, kafka, store)
    await bufferingMemory(deliveryGateway)
  } finally {
    await deliveryGateway.stop()
  }
}

/** PutRecordBatch bodies of 500 distinct 1 KiB records, encoded once. */
function putRecordBatchBodies(name: string, count: number): Buffer[] {
  return Array.from({ length: count }, () =>
    Buffer.from(
      JSON.stringify({
        DeliveryStreamName: name,
        Records: Array.from({ length: BATCH }, () => ({
          Data: randomBytes(RECORD_BYTES).toString('base64'),
        })),
      }),
    ),
  )
}

async function putRecordBatch(client: FirehoseHttp2, body: Buffer): Promise<void> {
  const response = await client.call('PutRecordBatch', body)
  if (response.status !== 200 || !response.body.includes('"FailedPutCount":0')) {
    throw new Error(`PutRecordBatch failed: ${response.status} ${response.body.subarray(0, 200).toString()}`)
  }
}

async function createDeliveryStream(
  client: FirehoseHttp2,
  name: string,
  bucket: string,
  hints: { SizeInMBs: number; IntervalInSeconds: number },
): Promise<void> {
  await client.json('CreateDeliveryStream', {
    DeliveryStreamName: name,
    ExtendedS3DestinationConfiguration: {
      RoleARN: ROLE,
      BucketARN: `arn:aws:s3:::${bucket}`,
      BufferingHints: hints,
    },
  })
}

async function untilActive(client: FirehoseHttp2, name: string): Promise<void> {
  await waitFor(async () => {
    const { DeliveryStreamDescription } = await client.json<{
      DeliveryStreamDescription: { DeliveryStreamStatus: string }
    }>('DescribeDeliveryStream', { DeliveryStreamName: name })
    return DeliveryStreamDescription.DeliveryStreamStatus === 'ACTIVE'
  })
}

async function firehoseIngest(gateway: GatewayProcess, kafka: Kafka): Promise<void> {
  const firehoseClients = Array.from({ length: CLIENTS }, () => new FirehoseHttp2(gateway.endpoint, ACCOUNT))
  const kinesisClients = Array.from({ length: CLIENTS }, () => new KinesisHttp2(gateway.endpoint, ACCOUNT))
  const first = firehoseClients[0] as FirehoseHttp2
  const suffix = randomBytes(3).toString('hex')
  const name = `bench-fh-ingest-${suffix}`
  const streamName = `bench-kinesis-ingest-${suffix}`
  await createDeliveryStream(first, name, name, { SizeInMBs: 128, IntervalInSeconds: 900 })
  await untilActive(first, name)
  await createStream(kinesisClients[0] as KinesisHttp2, streamName)
  const firehoseBodies = putRecordBatchBodies(name, 16)
  const kinesisBodies = putRecordsBodies(streamName, 16)
  const topic = deliveryStreamTopicName({ accountId: ACCOUNT, region: 'us-east-1', name })
  const directBatches = firehoseBodies.map((body) =>
    (JSON.parse(body.toString()) as { Records: { Data: string }[] }).Records.map((record) => ({
      value: Buffer.from(record.Data, 'base64'),
    })),
  )
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
  await producer.connect()

  const firehoseRuns: Run[] = []
  const kinesisRuns: Run[] = []
  const directRuns: Run[] = []
  try {
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      let cpuBefore = gateway.cpuSeconds()
      const viaFirehose = await load(INGEST_REQUESTS, async (index) => {
        await putRecordBatch(
          firehoseClients[index % CLIENTS] as FirehoseHttp2,
          firehoseBodies[index % firehoseBodies.length] as Buffer,
        )
      })
      firehoseRuns.push({
        ...viaFirehose,
        records: INGEST_REQUESTS * BATCH,
        cpuSeconds: gateway.cpuSeconds() - cpuBefore,
      })

      cpuBefore = gateway.cpuSeconds()
      const viaKinesis = await load(INGEST_REQUESTS, async (index) => {
        await putRecords(
          kinesisClients[index % CLIENTS] as KinesisHttp2,
          kinesisBodies[index % kinesisBodies.length] as Buffer,
        )
      })
      kinesisRuns.push({
        ...viaKinesis,
        records: INGEST_REQUESTS * BATCH,
        cpuSeconds: gateway.cpuSeconds() - cpuBefore,
      })

      // Each batch to one partition, successive batches to the next, as the gateway appends them.
      const direct = await load(INGEST_REQUESTS, async (index) => {
        await producer.send({
          topic,
          acks: -1,
          messages: (directBatches[index % directBatches.length] ?? []).map((message) => ({
            ...message,
            partition: index % SHARDS,
          })),
        })
      })
      directRuns.push({ ...direct, records: INGEST_REQUESTS * BATCH })
    }
  } finally {
    await producer.disconnect()
    await first.json('DeleteDeliveryStream', { DeliveryStreamName: name }).catch(() => undefined)
    await (kinesisClients[0] as KinesisHttp2)
      .json('DeleteStream', { StreamName: streamName })
      .catch(() => undefined)
    for (const client of [...firehoseClients, ...kinesisClients]) client.close()
  }

  printTable(
    `Firehose ingest: ${BATCH} x ${RECORD_BYTES} B per call, ${SHARDS} partitions, ${CLIENTS} concurrent clients, ${INGEST_REQUESTS} calls, median of ${REPETITIONS} (delivery off)`,
    ['', 'records/s', 'MB/s', 'p50 ms', 'p99 ms', 'server CPU µs/record'],
    [
      ingestRow('gateway PutRecordBatch (Firehose, HTTP/2)', firehoseRuns),
      ingestRow('gateway PutRecords (Kinesis, HTTP/2)', kinesisRuns),
      ingestRow('direct kafkajs producer', directRuns),
    ],
  )
  process.stdout.write(
    `PutRecordBatch / PutRecords: ${format(medianRate(firehoseRuns) / medianRate(kinesisRuns), 2)}x    PutRecordBatch / direct: ${format(medianRate(firehoseRuns) / medianRate(directRuns), 2)}x\n`,
  )
}

/** Lists the bucket until it holds `count` objects; milliseconds from `startedAt`. */
async function untilObjects(
  store: MinioObjectStore,
  bucket: string,
  count: number,
  startedAt: number,
): Promise<number> {
  const deadline = startedAt + 30_000
  for (;;) {
    const keys = await store.list(bucket, '').catch(() => [])
    if (keys.length >= count) return performance.now() - startedAt
    if (performance.now() > deadline) throw new Error(`no object ${String(count)} in ${bucket} after 30 s`)
    await new Promise((resolve) => setTimeout(resolve, LIST_INTERVAL_MS))
  }
}

async function putToObjectLatency(
  gateway: GatewayProcess,
  kafka: Kafka,
  store: MinioObjectStore,
): Promise<void> {
  const client = new FirehoseHttp2(gateway.endpoint, ACCOUNT)
  const name = `bench-fh-latency-${randomBytes(3).toString('hex')}`
  const viaGateway: number[] = []
  const direct: number[] = []
  try {
    await createDeliveryStream(client, name, name, { SizeInMBs: 1, IntervalInSeconds: 0 })
    await untilActive(client, name)
    // The first object also waits for the worker to start and join its group: not measured.
    const put = (index: number): Promise<unknown> =>
      client.json('PutRecord', {
        DeliveryStreamName: name,
        Record: { Data: Buffer.from(`latency-${String(index)}`).toString('base64') },
      })
    await put(0)
    await untilObjects(store, name, 1, performance.now())
    for (let index = 1; index <= LATENCY_PUTS; index++) {
      const started = performance.now()
      await put(index)
      viaGateway.push(await untilObjects(store, name, index + 1, started))
    }
    direct.push(...(await directLatencies(kafka, store)))
  } finally {
    await client.json('DeleteDeliveryStream', { DeliveryStreamName: name }).catch(() => undefined)
    client.close()
  }
  const row = (label: string, latencies: number[]): string[] => [
    label,
    format(percentile(latencies, 50), 1),
    format(percentile(latencies, 90), 1),
    format(percentile(latencies, 99), 1),
    format(Math.max(...latencies), 1),
  ]
  printTable(
    `Firehose put-to-object latency: PutRecord then S3 listed every ${String(LIST_INTERVAL_MS)} ms until the object is there, IntervalInSeconds 0, ${String(LATENCY_PUTS)} puts one at a time`,
    ['', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
    [
      row('gateway (PutRecord -> delivery worker -> S3)', viaGateway),
      row('direct (kafkajs producer -> consumer group -> minio put)', direct),
    ],
  )
  process.stdout.write(
    `put-to-object p50 gateway / direct: ${format(percentile(viaGateway, 50) / percentile(direct, 50), 2)}x\n`,
  )
}

/** The same path without the gateway: produce with acks=all, a consumer group member writes each record as an object. */
async function directLatencies(kafka: Kafka, store: MinioObjectStore): Promise<number[]> {
  const log = new KafkaRecordLog(kafka)
  const suffix = randomBytes(3).toString('hex')
  const topic = `bench-fh-direct-${suffix}`
  const bucket = `bench-fh-direct-${suffix}`
  await log.createTopic(topic, SHARDS, { 'message.timestamp.type': 'LogAppendTime' })
  await store.ensureBucket(bucket)
  const consumer = kafka.consumer({ groupId: topic, maxWaitTimeInMs: 500 })
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
  const latencies: number[] = []
  try {
    await Promise.all([consumer.connect(), producer.connect()])
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        await store.put(
          bucket,
          `${String(partition)}-${message.offset}`,
          message.value ?? Buffer.alloc(0),
          'application/octet-stream',
          undefined,
        )
      },
    })
    const send = (index: number): Promise<unknown> =>
      producer.send({
        topic,
        acks: -1,
        messages: [{ value: Buffer.from(`latency-${String(index)}`), partition: index % SHARDS }],
      })
    await send(0)
    await untilObjects(store, bucket, 1, performance.now())
    for (let index = 1; index <= LATENCY_PUTS; index++) {
      const started = performance.now()
      await send(index)
      latencies.push(await untilObjects(store, bucket, index + 1, started))
    }
  } finally {
    await consumer.disconnect()
    await producer.disconnect()
    await log.deleteTopic(topic).catch(() => undefined)
    await log.close()
  }
  return latencies
}

/** The sum of a /metrics counter over the samples whose labels contain one of `names`. */
async function metricSum(
  gateway: GatewayProcess,
  metric: string,
  names: ReadonlySet<string>,
): Promise<number> {
  const text = await (await fetch(`${gateway.endpoint}/metrics`)).text()
  let total = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue
    const name = /delivery_stream="([^"]+)"/.exec(line)?.[1]
    if (name !== undefined && names.has(name)) total += Number(line.split(' ').at(-1))
  }
  return total
}

async function bufferingMemory(gateway: GatewayProcess): Promise<void> {
  const client = new FirehoseHttp2(gateway.endpoint, ACCOUNT)
  const suffix = randomBytes(3).toString('hex')
  const names = Array.from(
    { length: MEMORY_STREAMS },
    (_, index) => `bench-fh-memory-${suffix}-${String(index)}`,
  )
  const rows: string[][] = []
  const mib = (bytes: number): string => format(bytes / MIB, 1)
  const recordsPerStream = Math.max(1, Math.round((BUFFER_MIB * MIB) / RECORD_BYTES))
  try {
    const idle = gateway.residentBytes()
    rows.push(['no delivery stream', mib(idle), '-', '-'])
    for (const name of names) {
      await createDeliveryStream(client, name, `bench-fh-memory-${suffix}`, {
        SizeInMBs: 128,
        IntervalInSeconds: 900,
      })
    }
    for (const name of names) await untilActive(client, name)
    // Time for the supervisor to list them and for every worker to join its group.
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    const withWorkers = gateway.residentBytes()
    rows.push([`${String(MEMORY_STREAMS)} delivery streams, empty`, mib(withWorkers), '-', '-'])

    gateway.resetPeakResident()
    const body = (name: string, count: number): Buffer =>
      Buffer.from(
        JSON.stringify({
          DeliveryStreamName: name,
          Records: Array.from({ length: count }, () => ({
            Data: randomBytes(RECORD_BYTES).toString('base64'),
          })),
        }),
      )
    for (const name of names) {
      for (let sent = 0; sent < recordsPerStream; sent += BATCH) {
        await putRecordBatch(client, body(name, Math.min(BATCH, recordsPerStream - sent)))
      }
    }
    const total = recordsPerStream * MEMORY_STREAMS
    await waitFor(
      async () => (await metricSum(gateway, 'firehose_delivery_records_in_total', new Set(names))) >= total,
      300_000,
    )
    const data = total * RECORD_BYTES
    const buffering = gateway.residentBytes()
    rows.push([
      `${String(MEMORY_STREAMS)} delivery streams buffering ${format(BUFFER_MIB, 1)} MiB each`,
      mib(buffering),
      mib(data),
      `${format((buffering - withWorkers) / data, 2)}x`,
    ])
    rows.push(['  peak while putting', mib(gateway.peakResidentBytes()), mib(data), '-'])
  } finally {
    for (const name of names) {
      await client.json('DeleteDeliveryStream', { DeliveryStreamName: name }).catch(() => undefined)
    }
    client.close()
  }
  printTable(
    `Firehose memory: one gateway process, ${String(MEMORY_STREAMS)} delivery streams (SizeInMBs 128, IntervalInSeconds 900), ${String(RECORD_BYTES)} B records`,
    ['', 'resident MiB', 'record data MiB', 'growth / data'],
    rows,
  )
  process.stdout.write(
    `per idle delivery stream: ${format((Number(rows[1]?.[1]?.replace(/,/g, '')) - Number(rows[0]?.[1]?.replace(/,/g, ''))) / MEMORY_STREAMS, 2)} MiB\n`,
  )
}
