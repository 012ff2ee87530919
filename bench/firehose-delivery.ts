import { randomBytes } from 'node:crypto'

import { createKafkaClient } from '../src/adapters/kafka/kafka-client.ts'
import {
  DEFAULT_CONSUMER_GROUP_OPTIONS,
  KafkaConsumerGroups,
} from '../src/adapters/kafka/kafka-consumer-groups.ts'
import { KafkaRecordLog } from '../src/adapters/kafka/kafka-record-log.ts'
import { MinioObjectStore } from '../src/adapters/s3/minio-object-store.ts'
import { compressObject, type CompressionFormat } from '../src/firehose/delivery/compression.ts'
import { DeliveryMetrics } from '../src/firehose/delivery/delivery-metrics.ts'
import {
  DEFAULT_DELIVERY_WORKER_SETTINGS,
  DELIVERY_FETCH_BYTES,
  DeliveryWorker,
} from '../src/firehose/delivery/delivery-worker.ts'
import { plainProcessing } from '../src/firehose/delivery/plain-processing.ts'
import { systemClock } from '../src/ports/clock.ts'
import type { StackEndpoints } from '../src/stack/types.ts'
import { deliveryStreamRecord } from '../test/support/firehose/delivery-streams.ts'
import { REPETITIONS, waitFor } from './common.ts'
import { format, median, printTable } from './table.ts'

/**
 * Scenario: Firehose delivery to S3. A topic of 4 partitions holds BENCH_FIREHOSE_MB (60) MiB of 1 KiB JSON
 * records; a delivery worker (one consumer group member) reads them all and delivers 5 MiB objects, uncompressed
 * and GZIP, timed from its first record read to its last delivered (IntervalInSeconds 1 for the last object). The same objects (the same bytes, compressed the same way) written directly with the minio client,
 * 4 at a time, are the reference. MB/s of record data delivered; target >= 0.7x the direct rate.
 */
const MIB = 1024 * 1024
/** A whole number of objects, so that no last object waits for the interval. */
const TOTAL_MIB = Number(process.env.BENCH_FIREHOSE_MB ?? 60)
const RECORD_BYTES = 1024
const PARTITIONS = 4
const OBJECT_MIB = 5
const TARGET_RATIO = 0.7

export async function firehoseDelivery(stack: StackEndpoints): Promise<void> {
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'bench-firehose' })
  const log = new KafkaRecordLog(kafka)
  const store = new MinioObjectStore(stack.s3)
  const records = Array.from({ length: (TOTAL_MIB * MIB) / RECORD_BYTES }, (_, index) => jsonRecord(index))
  const topic = `bench-firehose-${Date.now()}`
  const rows: string[][] = []
  const ratios: string[] = []
  try {
    await log.createTopic(topic, PARTITIONS, { 'message.timestamp.type': 'LogAppendTime' })
    for (let start = 0; start < records.length; start += 500) {
      const batch = records.slice(start, start + 500)
      await log.append(
        topic,
        batch.map((value, index) => ({
          partition: (start + index) % PARTITIONS,
          key: Buffer.alloc(0),
          value,
        })),
      )
    }
    for (const compression of ['UNCOMPRESSED', 'GZIP'] as const) {
      const delivered: number[] = []
      const direct: number[] = []
      for (let repetition = 0; repetition < REPETITIONS; repetition++) {
        delivered.push(await deliver(kafka, store, topic, compression, records.length))
        direct.push(await writeDirectly(store, records, compression))
      }
      const rate = median(delivered)
      const reference = median(direct)
      rows.push([compression, format(rate, 1), format(reference, 1), `${format(rate / reference, 2)}x`])
      ratios.push(`${compression} ${format(rate / reference, 2)}x`)
    }
  } finally {
    await log.deleteTopic(topic).catch(() => undefined)
    await log.close()
  }
  printTable(
    `Firehose delivery: ${TOTAL_MIB} MiB of ${RECORD_BYTES} B records, ${PARTITIONS} partitions, ${OBJECT_MIB} MiB objects, ${REPETITIONS} repetitions`,
    ['', 'delivered MB/s', 'direct MB/s', 'delivered / direct'],
    rows,
  )
  const met = rows.every((row) => Number(row[3]?.replace('x', '')) >= TARGET_RATIO)
  process.stdout.write(
    `Delivery / direct S3 writes: ${ratios.join(', ')} (target >= ${TARGET_RATIO}x): ${met ? 'met' : 'MISSED'}\n`,
  )
}

/** One delivery stream reading the whole topic from the start; MB/s of record data until all is committed. */
async function deliver(
  kafka: ReturnType<typeof createKafkaClient>,
  store: MinioObjectStore,
  topic: string,
  compression: CompressionFormat,
  total: number,
): Promise<number> {
  const name = `bench-${compression.toLowerCase()}-${randomBytes(4).toString('hex')}`
  const stream = deliveryStreamRecord({
    name,
    topic,
    bucket: name,
    createdAtMs: Date.now(),
    destination: {
      CompressionFormat: compression,
      BufferingHints: { SizeInMBs: OBJECT_MIB, IntervalInSeconds: 1 },
    },
  })
  await store.ensureBucket(name)
  const metrics = new DeliveryMetrics()
  const worker = await DeliveryWorker.start(
    stream,
    {
      groups: new KafkaConsumerGroups(kafka, { ...DEFAULT_CONSUMER_GROUP_OPTIONS, ...DELIVERY_FETCH_BYTES }),
      objectStore: store,
      clock: systemClock,
      keyRing: undefined,
      metrics,
      settings: DEFAULT_DELIVERY_WORKER_SETTINGS,
      log: () => undefined,
    },
    { process: plainProcessing },
  )
  const tick = setInterval(() => {
    worker.tick()
  }, 100)
  let started = 0
  try {
    // From the first record read: joining the group (a few seconds, once per worker) is not delivery.
    await waitFor(() => Promise.resolve((metrics.snapshot()[0]?.recordsIn ?? 0) > 0), 60_000)
    started = performance.now()
    if (process.env.BENCH_FIREHOSE_TRACE !== undefined) {
      await waitFor(() => Promise.resolve(metrics.snapshot()[0]?.recordsIn === total), 600_000)
      process.stderr.write(`read all in ${((performance.now() - started) / 1000).toFixed(2)} s\n`)
    }
    await waitFor(() => Promise.resolve(metrics.snapshot()[0]?.recordsDelivered === total), 600_000)
  } finally {
    clearInterval(tick)
  }
  const seconds = (performance.now() - started) / 1000
  await worker.stop()
  return (total * RECORD_BYTES) / MIB / seconds
}

/** The same objects, compressed the same way, written with the minio client, 4 at a time. */
async function writeDirectly(
  store: MinioObjectStore,
  records: Buffer[],
  compression: CompressionFormat,
): Promise<number> {
  const bucket = `bench-direct-${randomBytes(4).toString('hex')}`
  await store.ensureBucket(bucket)
  const perObject = (OBJECT_MIB * MIB) / RECORD_BYTES
  const objects: Buffer[][] = []
  for (let start = 0; start < records.length; start += perObject)
    objects.push(records.slice(start, start + perObject))
  const started = performance.now()
  let next = 0
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < objects.length) {
        const index = next++
        const object = await compressObject(compression, Buffer.concat(objects[index] ?? []), 'x')
        await store.put(
          bucket,
          `direct/${index}`,
          object.body,
          'application/octet-stream',
          object.contentEncoding,
        )
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  return (records.length * RECORD_BYTES) / MIB / seconds
}

/** A 1 KiB JSON document, compressible as logs are. */
function jsonRecord(index: number): Buffer {
  const head = `{"id":${index},"user":"user-${index % 1000}","event":"click","payload":"`
  const tail = '"}\n'
  const filler = randomBytes(RECORD_BYTES).toString('base64').slice(0, 200)
  return Buffer.from((head + filler).padEnd(RECORD_BYTES - tail.length, 'x') + tail)
}
