import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import {
  createProducerWithCluster,
  encodeProducesInOnePass,
} from '../../src/adapters/kafka/kafka-internals.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { uniqueName } from './fixture/names.ts'

describe('Produce requests written by the one-pass encoder, on a real Kafka broker', () => {
  const stack = inject('stack')
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'produce-encoding-test' })
  const log = new KafkaRecordLog(kafka)
  const topic = uniqueName('produce-encoding')
  const producerConfig = { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }

  beforeAll(async () => {
    await log.createTopic(topic, 3, {})
  })

  afterAll(async () => {
    await log.deleteTopic(topic)
    await log.close()
  })

  it('stores what kafkajs asked for: keys, values, headers, partitions and idempotent sequences', async () => {
    const { producer, cluster } = createProducerWithCluster(kafka, producerConfig)
    encodeProducesInOnePass(cluster)
    await producer.connect()
    try {
      const messages = Array.from({ length: 300 }, (_, index) => ({
        partition: index % 3,
        key: index % 7 === 0 ? null : Buffer.from(`key-${index}`),
        value: Buffer.alloc(index * 5, index),
        headers: { position: String(index), kind: Buffer.from('bytes') },
      }))
      // Two sends: the second batch of each partition must carry the next idempotent sequence number.
      await producer.send({ topic, acks: -1, messages: messages.slice(0, 150) })
      await producer.send({ topic, acks: -1, messages: messages.slice(150) })

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
    } finally {
      await producer.disconnect()
    }
  })

  it('is the encoder in use: a header without a value, which kafkajs cannot encode, is stored as null', async () => {
    const message = {
      partition: 0,
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      headers: { absent: undefined },
    }

    const plain = createProducerWithCluster(kafka, producerConfig).producer
    await plain.connect()
    try {
      await expect(plain.send({ topic, acks: -1, messages: [message] })).rejects.toThrow()
    } finally {
      await plain.disconnect()
    }

    const { producer, cluster } = createProducerWithCluster(kafka, producerConfig)
    encodeProducesInOnePass(cluster)
    await producer.connect()
    try {
      const [metadata] = await producer.send({ topic, acks: -1, messages: [message] })
      const read = await log.read(topic, 0, Number(metadata?.baseOffset), {
        maxRecords: 1,
        maxBytes: 1 << 20,
        maxWaitMs: 0,
      })
      expect(read.records[0]?.value?.toString()).toBe('v')
      expect(Object.keys(read.records[0]?.headers ?? {})).toEqual(['absent'])
      expect(read.records[0]?.headers.absent).toBeUndefined()
    } finally {
      await producer.disconnect()
    }
  })
})
