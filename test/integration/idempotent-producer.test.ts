import { describe, expect, it } from 'vitest'

import { IdempotentProducer, type ProduceSender } from '../../src/adapters/kafka/idempotent-producer.ts'
import type { InternalCluster } from '../../src/adapters/kafka/kafkajs-cluster.ts'
import {
  sendProduceRequest,
  type InternalBroker,
} from '../../src/adapters/kafka/protocol/kafkajs-transport.ts'
import type { ProduceRequestArguments } from '../../src/adapters/kafka/protocol/produce-request.ts'
import type { RecordToAppend } from '../../src/ports/record-log.ts'
import { useKafkaTopicWithCluster } from './fixture/kafka-topic.ts'

/**
 * The gateway's Produce sender, except that the answer of the `lose`-th request is lost: the broker stores the
 * records, and the producer sees a retriable timeout instead of the response.
 */
function losingAnswer(lose: number): { send: ProduceSender; lost: number } {
  let sent = 0
  const sender = {
    lost: 0,
    send: async (broker: InternalBroker, request: ProduceRequestArguments) => {
      const response = await sendProduceRequest(broker, request)
      if (++sent !== lose) return response
      sender.lost++
      throw Object.assign(new Error('Request Produce timed out'), {
        name: 'KafkaJSRequestTimeoutError',
        retriable: true,
      })
    },
  }
  return sender
}

/** Counts the produce calls that go through kafkajs's broker.produce (and so its request framing). */
function countKafkajsProduces(cluster: InternalCluster): { calls: number } {
  const count = { calls: 0 }
  const findBroker = cluster.findBroker.bind(cluster)
  const counted = new WeakSet<InternalBroker>()
  cluster.findBroker = async (query) => {
    const broker = await findBroker(query)
    if (!counted.has(broker)) {
      counted.add(broker)
      const produce = broker.produce.bind(broker)
      broker.produce = (request) => {
        count.calls++
        return produce(request)
      }
    }
    return broker
  }
  return count
}

function recordsFor(partition: number, count: number, label: string): RecordToAppend[] {
  return Array.from({ length: count }, (_, index) => ({
    partition,
    key: Buffer.from(`${label}-${index}`),
    value: Buffer.from(`${label} value ${index}`),
  }))
}

describe('The idempotent producer on a real Kafka broker', () => {
  const { log, topic, cluster } = useKafkaTopicWithCluster('idempotent-producer', 3)

  it('stores a batch whose answer was lost once, and reports the offsets it was stored at', async () => {
    const throughKafkajsFraming = countKafkajsProduces(cluster)
    // A single broker: the first produce goes through, the answer to the second is lost.
    const sender = losingAnswer(2)
    const producer = new IdempotentProducer(
      cluster,
      { retries: 3, initialDelayMs: 50, maxDelayMs: 200 },
      sender.send,
    )
    const first = new Map([[topic, new Map([0, 1, 2].map((p) => [p, recordsFor(p, 5, 'first')]))]])
    await producer.produce(first)

    const second = new Map([[topic, new Map([0, 1, 2].map((p) => [p, recordsFor(p, 4, 'second')]))]])
    const appends = await producer.produce(second)
    expect(sender.lost).toBe(1)
    // Sent as one buffer, frame and header included, not through broker.produce.
    expect(throughKafkajsFraming.calls).toBe(0)

    for (const partition of [0, 1, 2]) {
      expect(appends.get(topic)?.get(partition)?.baseOffset).toBe(5)
      const read = await log.read(topic, partition, 0, { maxRecords: 100, maxBytes: 1 << 20, maxWaitMs: 0 })
      // Sent twice, stored once: the broker recognised the resent batch by producer id and sequence number.
      expect(read.records.map((record) => record.key?.toString())).toEqual([
        ...recordsFor(partition, 5, 'first').map((record) => record.key?.toString()),
        ...recordsFor(partition, 4, 'second').map((record) => record.key?.toString()),
      ])
      expect(read.records.map((record) => record.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    }
  })
})
