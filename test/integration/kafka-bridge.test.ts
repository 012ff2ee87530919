import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { kinesisClient, startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream } from './fixture/streams.ts'

describe('the two-way bridge between Kinesis clients and native Kafka clients', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'native-kafka-client' })
  let gateway: TestGateway
  let client: KinesisClient

  beforeAll(async () => {
    gateway = await startTestGateway(stack)
    client = kinesisClient(gateway.endpoint, accountId, 'HTTP/2')
  })

  afterAll(async () => {
    client.destroy()
    await gateway.stop()
  })

  it('lets a plain Kafka consumer group read what Kinesis producers wrote, and GetRecords read what Kafka producers wrote', async () => {
    const streamName = uniqueName('bridge')
    await createActiveStream(client, streamName, 1)
    const topic = `kinesis.${accountId}.us-east-1.${streamName}`

    await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: [
          { PartitionKey: 'order-1', Data: Buffer.from('{"total":10}') },
          { PartitionKey: 'order-2', Data: Buffer.from('{"total":20}') },
        ],
      }),
    )

    const consumer = kafka.consumer({ groupId: uniqueName('native-group') })
    const seen: { key: string; value: string }[] = []
    try {
      await consumer.connect()
      await consumer.subscribe({ topic, fromBeginning: true })
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`the consumer group saw ${seen.length} records`))
        }, 30_000)
        void consumer.run({
          eachMessage: ({ message }) => {
            seen.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' })
            if (seen.length === 2) {
              clearTimeout(timer)
              resolve()
            }
            return Promise.resolve()
          },
        })
      })
    } finally {
      await consumer.disconnect()
    }
    expect(seen).toEqual([
      { key: 'order-1', value: '{"total":10}' },
      { key: 'order-2', value: '{"total":20}' },
    ])

    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic, messages: [{ partition: 0, key: 'from-kafka', value: 'native record' }] })
    await producer.disconnect()

    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
    const { Records } = await client.send(new GetRecordsCommand({ ShardIterator }))
    expect(
      Records?.map((record) => [record.PartitionKey, Buffer.from(record.Data ?? []).toString()]),
    ).toEqual([
      ['order-1', '{"total":10}'],
      ['order-2', '{"total":20}'],
      ['from-kafka', 'native record'],
    ])

    await client.send(new DeleteStreamCommand({ StreamName: streamName }))
  })
})
