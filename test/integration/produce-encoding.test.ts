import { describe, expect, it } from 'vitest'

import { sendProduceRequest } from '../../src/adapters/kafka/protocol/kafkajs-transport.ts'
import { useKafkaTopicWithCluster } from './fixture/kafka-topic.ts'

describe('Produce requests written by the one-pass encoder, on a real Kafka broker', () => {
  const { kafka, log, topic, cluster } = useKafkaTopicWithCluster('produce-encoding', 3)

  /** The broker leading every partition: the test stack has one. */
  async function leader() {
    const [nodeId] = Object.keys(cluster.findLeaderForPartitions(topic, [0, 1, 2]))
    return cluster.findBroker({ nodeId: nodeId ?? '' })
  }

  it('stores keys, values, headers, partitions and idempotent sequences as sent', async () => {
    const broker = await leader()
    const { producerId, producerEpoch } = await broker.initProducerId({ transactionTimeout: 60_000 })
    const messages = Array.from({ length: 300 }, (_, index) => ({
      partition: index % 3,
      key: index % 7 === 0 ? null : Buffer.from(`key-${index}`),
      value: Buffer.alloc(index * 5, index),
      headers: { position: String(index), kind: Buffer.from('bytes') },
    }))
    // Two requests: the broker accepts the second batch of each partition only with the next sequence number.
    for (const [half, firstSequence] of [
      [messages.slice(0, 150), 0],
      [messages.slice(150), 50],
    ] as const) {
      await sendProduceRequest(broker, {
        acks: -1,
        timeout: 30_000,
        producerId,
        producerEpoch,
        topicData: [
          {
            topic,
            partitions: [0, 1, 2].map((partition) => ({
              partition,
              firstSequence,
              messages: half.filter((message) => message.partition === partition),
            })),
          },
        ],
      })
    }

    for (const partition of [0, 1, 2]) {
      const read = await log.read(topic, partition, 0, { maxRecords: 500, maxBytes: 8 << 20, maxWaitMs: 0 })
      const expected = messages.filter((message) => message.partition === partition)
      expect(read.records.map((record) => record.offset)).toEqual(expected.map((_, offset) => offset))
      expect(read.records.map((record) => record.key?.toString() ?? null)).toEqual(
        expected.map((message) => message.key?.toString() ?? null),
      )
      expect(read.records.map((record) => record.value)).toEqual(expected.map((message) => message.value))
      expect(read.records.map((record) => record.headers.position?.toString())).toEqual(
        expected.map((message) => message.headers.position),
      )
      expect(read.records.every((record) => record.headers.kind?.toString() === 'bytes')).toBe(true)
    }
  })

  it('is the encoder in use: a header without a value, which kafkajs cannot encode, is stored as null', async () => {
    const message = {
      partition: 0,
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      headers: { absent: undefined },
    }

    const plain = kafka.producer({ allowAutoTopicCreation: false })
    await plain.connect()
    try {
      await expect(plain.send({ topic, acks: -1, messages: [message] })).rejects.toThrow()
    } finally {
      await plain.disconnect()
    }

    const response = (await sendProduceRequest(await leader(), {
      acks: -1,
      timeout: 30_000,
      topicData: [{ topic, partitions: [{ partition: 0, messages: [message] }] }],
    })) as { topics: { partitions: { baseOffset: string }[] }[] }
    const baseOffset = Number(response.topics[0]?.partitions[0]?.baseOffset)
    const read = await log.read(topic, 0, baseOffset, { maxRecords: 1, maxBytes: 1 << 20, maxWaitMs: 0 })
    expect(read.records[0]?.value?.toString()).toBe('v')
    expect(Object.keys(read.records[0]?.headers ?? {})).toEqual(['absent'])
    expect(read.records[0]?.headers.absent).toBeUndefined()
  })
})
