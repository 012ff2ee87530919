import { randomBytes } from 'node:crypto'

import type { Kafka } from 'kafkajs'

import { ACCOUNT, createStream, RECORD_BYTES, REPETITIONS, SHARDS, topicOf } from './common.ts'
import type { GatewayProcess } from './gateway-process.ts'
import { KinesisHttp2 } from './kinesis-http2.ts'
import { format, median, printTable } from './table.ts'

/** Scenario 3: records pre-loaded, read back with GetRecords Limit 10000 over all shards; against a kafkajs consumer. */
const CATCHUP_RECORDS = Number(process.env.BENCH_CATCHUP_RECORDS ?? 100_000)

export async function catchUp(gateway: GatewayProcess, kafka: Kafka): Promise<void> {
  const client = new KinesisHttp2(gateway.endpoint, ACCOUNT)
  const streamName = `bench-catchup-${Date.now()}`
  await createStream(client, streamName)
  const topic = topicOf(streamName)
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
