import { gunzipSync } from 'node:zlib'

import type { ExtendedS3DestinationDescription } from '@aws-sdk/client-firehose'
import { Client } from 'minio'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { KafkaConsumerGroups } from '../../src/adapters/kafka/kafka-consumer-groups.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { MinioObjectStore } from '../../src/adapters/s3/minio-object-store.ts'
import { deliveryConfigOf, deliveryGroupId } from '../../src/firehose/delivery/delivery-config.ts'
import { DeliveryMetrics } from '../../src/firehose/delivery/delivery-metrics.ts'
import { startDeliverySupervisor } from '../../src/firehose/delivery/delivery-supervisor.ts'
import { DeliveryWorker, type DeliveryWorkerDeps } from '../../src/firehose/delivery/delivery-worker.ts'
import { plainProcessing } from '../../src/firehose/delivery/plain-processing.ts'
import { systemClock } from '../../src/ports/clock.ts'
import type { ConsumerGroups } from '../../src/ports/consumer-groups.ts'
import type { DeliveryStreamRecord } from '../../src/ports/delivery-streams.ts'
import { deliveryStreamRecord } from '../support/firehose/delivery-streams.ts'
import { uniqueName } from './fixture/names.ts'
import { stackControl } from './fixture/stack-control.ts'

/**
 * Delivery workers on real Kafka (consumer groups) and a real S3 server: records appended to a delivery stream's
 * topic become objects named, compressed and committed as Firehose does, nothing is lost when a worker dies or
 * S3 is down, and the members of a group share the partitions.
 */
const stack = inject('stack')
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'firehose-delivery-test' })
const log = new KafkaRecordLog(kafka)
const store = new MinioObjectStore(stack.s3)
const s3 = minioClient()
const topics: string[] = []

/** Members leave quickly in these tests; the broker's minimum session timeout is 6 s. */
const groups = new KafkaConsumerGroups(kafka, {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  maxBytes: 8 * 1024 * 1024,
  maxBytesPerPartition: 2 * 1024 * 1024,
  partitionsConsumedConcurrently: 4,
})

function deps(metrics = new DeliveryMetrics(), consumerGroups: ConsumerGroups = groups): DeliveryWorkerDeps {
  return {
    groups: consumerGroups,
    objectStore: store,
    clock: systemClock,
    keyRing: undefined,
    metrics,
    settings: {
      maxBufferedBytes: 64 * 1024 * 1024,
      retryInitialMs: 100,
      retryMaxMs: 1_000,
      stopTimeoutMs: 5_000,
    },
    log: () => undefined,
  }
}

async function deliveryStream(
  partitions: number,
  destination: Partial<ExtendedS3DestinationDescription> = {},
): Promise<DeliveryStreamRecord> {
  const name = uniqueName('fh')
  const topic = `firehose-test.${name}`
  await log.createTopic(topic, partitions, { 'message.timestamp.type': 'LogAppendTime' })
  topics.push(topic)
  const bucket = name.toLowerCase()
  return deliveryStreamRecord({ name, topic, bucket, createdAtMs: Date.now(), destination })
}

function bucketOf(stream: DeliveryStreamRecord): string {
  return deliveryConfigOf(stream).s3.bucket
}

async function append(stream: DeliveryStreamRecord, partition: number, values: string[]): Promise<void> {
  await log.append(
    stream.topic,
    values.map((value) => ({ partition, key: Buffer.alloc(0), value: Buffer.from(value) })),
  )
}

async function objects(stream: DeliveryStreamRecord): Promise<Map<string, Buffer>> {
  const bucket = bucketOf(stream)
  const result = new Map<string, Buffer>()
  try {
    for (const key of await store.list(bucket, '')) result.set(key, await store.get(bucket, key))
  } catch {
    // The bucket does not exist until the first delivery.
  }
  return result
}

async function committed(stream: DeliveryStreamRecord): Promise<Map<number, number>> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const [offsets] = await admin.fetchOffsets({
      groupId: deliveryGroupId(deliveryConfigOf(stream)),
      topics: [stream.topic],
    })
    return new Map((offsets?.partitions ?? []).map((entry) => [entry.partition, Number(entry.offset)]))
  } finally {
    await admin.disconnect()
  }
}

afterAll(async () => {
  for (const topic of topics) await log.deleteTopic(topic).catch(() => undefined)
  await log.close()
})

describe('Firehose delivery to S3 on real Kafka and S3', () => {
  it('turns appended records into objects with Firehose keys, compression and Content-Encoding, then commits', async () => {
    const stream = await deliveryStream(2, {
      CompressionFormat: 'GZIP',
      Prefix: 'logs/',
      BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 1 },
    })
    const supervisor = startDeliverySupervisor(
      { ...deps(), listDeliveryStreams: () => Promise.resolve([stream]) },
      { pollIntervalMs: 1_000, tickIntervalMs: 100 },
    )
    try {
      await append(stream, 0, ['a1\n', 'a2\n'])
      await append(stream, 1, ['b1\n'])
      await vi.waitFor(
        async () => {
          expect((await committed(stream)).get(0)).toBe(2)
          expect((await committed(stream)).get(1)).toBe(1)
        },
        { timeout: 30_000, interval: 250 },
      )
      const delivered = await objects(stream)
      const name = stream.description.DeliveryStreamName ?? ''
      const lines: string[] = []
      for (const [key, body] of delivered) {
        expect(key).toMatch(
          new RegExp(`^logs/\\d{4}/\\d{2}/\\d{2}/\\d{2}/${name}-1-\\d{4}(-\\d{2}){5}-[0-9a-f-]{36}\\.gz$`),
        )
        lines.push(...gunzipSync(body).toString().split('\n').filter(Boolean))
        const stat = await s3.statObject(bucketOf(stream), key)
        expect(stat.metaData['content-encoding']).toBe('gzip')
        expect(stat.metaData['content-type']).toBe('application/octet-stream')
      }
      expect(lines.sort()).toEqual(['a1', 'a2', 'b1'])
    } finally {
      await supervisor.stop()
    }
  })

  it('loses nothing when a worker dies between buffering and delivering: the next member delivers it', async () => {
    const stream = await deliveryStream(1, { BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 900 } })
    const metrics = new DeliveryMetrics()
    const first = await DeliveryWorker.start(stream, deps(metrics), { process: plainProcessing })
    await append(stream, 0, ['one.', 'two.', 'three.'])
    await vi.waitFor(
      () => {
        expect(metrics.snapshot()[0]?.recordsIn).toBe(3)
      },
      { timeout: 30_000, interval: 100 },
    )
    // Dies with the three records buffered: nothing delivered, nothing committed.
    await first.abandon()
    expect((await objects(stream)).size).toBe(0)
    expect((await committed(stream)).get(0)).toBe(-1)

    const interval0 = {
      ...stream,
      description: {
        ...stream.description,
        Destinations: [
          {
            DestinationId: 'destinationId-000000000001',
            ExtendedS3DestinationDescription: {
              ...stream.description.Destinations?.[0]?.ExtendedS3DestinationDescription,
              BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 0 },
            } as ExtendedS3DestinationDescription,
          },
        ],
      },
    }
    const second = await DeliveryWorker.start(interval0, deps(), { process: plainProcessing })
    try {
      await vi.waitFor(
        async () => {
          expect((await committed(stream)).get(0)).toBe(3)
        },
        { timeout: 30_000, interval: 250 },
      )
      expect([...(await objects(stream)).values()].map(String).join('')).toBe('one.two.three.')
    } finally {
      await second.stop()
    }
  })

  it('shares the partitions between two members of the group, and one takes over when the other stops', async () => {
    const stream = await deliveryStream(4, { BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 0 } })
    const assignments = new Map<string, number[]>()
    const spying = (member: string): ConsumerGroups => ({
      join: (spec) =>
        groups.join({
          ...spec,
          handler: {
            assigned: (partitions) => {
              assignments.set(member, [...partitions])
              spec.handler.assigned(partitions)
            },
            records: (partition, records) => spec.handler.records(partition, records),
          },
        }),
    })
    const a = await DeliveryWorker.start(stream, deps(new DeliveryMetrics(), spying('a')), {
      process: plainProcessing,
    })
    const b = await DeliveryWorker.start(stream, deps(new DeliveryMetrics(), spying('b')), {
      process: plainProcessing,
    })
    try {
      await vi.waitFor(
        () => {
          expect(assignments.get('a')?.length).toBe(2)
          expect(assignments.get('b')?.length).toBe(2)
        },
        { timeout: 30_000, interval: 200 },
      )
      for (let partition = 0; partition < 4; partition++) await append(stream, partition, [`p${partition}.`])
      await vi.waitFor(
        async () => {
          const offsets = await committed(stream)
          for (let partition = 0; partition < 4; partition++) expect(offsets.get(partition)).toBe(1)
        },
        { timeout: 30_000, interval: 250 },
      )

      await b.stop()
      await vi.waitFor(
        () => {
          expect(assignments.get('a')).toEqual([0, 1, 2, 3])
        },
        { timeout: 30_000, interval: 200 },
      )
      for (let partition = 0; partition < 4; partition++) await append(stream, partition, [`q${partition}.`])
      await vi.waitFor(
        async () => {
          const offsets = await committed(stream)
          for (let partition = 0; partition < 4; partition++) expect(offsets.get(partition)).toBe(2)
        },
        { timeout: 30_000, interval: 250 },
      )
      const delivered = [...(await objects(stream)).values()].map(String).join('').split('.').filter(Boolean)
      expect(delivered.sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'q0', 'q1', 'q2', 'q3'])
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  })
})

const access = await stackControl(inject('infrastructureSource'), stack, (line) => {
  process.stdout.write(`[firehose-delivery] ${line}\n`)
})
if ('skipReason' in access) {
  process.stdout.write(`[firehose-delivery] skipping the S3 outage case: ${access.skipReason}\n`)
}

describe.skipIf('skipReason' in access)('Firehose delivery through an S3 outage', () => {
  beforeAll(async () => {
    // The stack's S3 server must be this checkout's own for the test to stop it.
    const { resolveLocalStackOptions, localStackEndpoints } = await import('../../src/stack/index.ts')
    expect(localStackEndpoints(resolveLocalStackOptions(process.env)).s3.endpoint).toBe(stack.s3.endpoint)
  })

  it('retries without committing while S3 is down, and delivers everything once it is back', async () => {
    if (!('control' in access)) return
    const stream = await deliveryStream(1, { BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 0 } })
    const metrics = new DeliveryMetrics()
    const worker = await DeliveryWorker.start(stream, deps(metrics), { process: plainProcessing })
    try {
      await append(stream, 0, ['before.'])
      await vi.waitFor(
        async () => {
          expect((await committed(stream)).get(0)).toBe(1)
        },
        { timeout: 30_000, interval: 250 },
      )
      await access.control.stop('s3proxy')
      try {
        await append(stream, 0, ['during1.', 'during2.'])
        await vi.waitFor(
          () => {
            expect(metrics.snapshot()[0]?.deliveryRetries).toBeGreaterThan(2)
          },
          { timeout: 30_000, interval: 250 },
        )
        expect((await committed(stream)).get(0)).toBe(1)
        expect(metrics.snapshot()[0]?.oldestUndeliveredAgeMs).toBeGreaterThan(0)
      } finally {
        await access.control.start('s3proxy')
      }
      await vi.waitFor(
        async () => {
          expect((await committed(stream)).get(0)).toBe(3)
        },
        { timeout: 60_000, interval: 500 },
      )
      expect([...(await objects(stream)).values()].map(String).sort()).toEqual([
        'before.',
        'during1.during2.',
      ])
    } finally {
      await worker.stop()
    }
  }, 120_000)
})

function minioClient(): Client {
  const url = new URL(stack.s3.endpoint)
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: url.protocol === 'https:',
    accessKey: stack.s3.accessKey,
    secretKey: stack.s3.secretKey,
    region: stack.s3.region,
    pathStyle: true,
  })
}
