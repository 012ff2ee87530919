import { describe, expect, it } from 'vitest'

import type { RecordToAppend } from '../../ports/record-log.ts'
import { IdempotentProducer, type RecordsByPartition } from './idempotent-producer.ts'
import type { InternalCluster } from './kafkajs-cluster.ts'
import type { InternalBroker } from './protocol/kafkajs-transport.ts'

/** What a fake broker was asked to store: one entry per partition batch. */
interface SentBatch {
  broker: string
  producerId: string
  topic: string
  partition: number
  firstSequence: number
  records: number
}

class ProtocolError extends Error {
  constructor(
    readonly type: string,
    readonly retriable: boolean,
  ) {
    super(type)
  }
}

/**
 * A memory fake of the kafkajs cluster: two brokers, partitions 0 and 2 led by broker 1, 1 and 3 by broker 2;
 * each broker keeps a log per partition and answers with base offsets; `failNext` makes a broker's next
 * produce fail with the given error (after storing, when `afterStoring`: a lost response). Like Kafka, a
 * broker takes a batch with the producer id and sequence range of one it stored for a retry: it answers with
 * that batch's base offset and stores nothing.
 */
class FakeCluster {
  readonly sent: SentBatch[] = []
  readonly logs = new Map<string, number>()
  private readonly storedBatches = new Map<string, number>()
  readonly failures = new Map<string, { error: Error; afterStoring: boolean }[]>()
  producerIds = 0
  targetTopics = new Set<string>()

  failNext(nodeId: string, error: Error, afterStoring = false): void {
    const queue = this.failures.get(nodeId) ?? []
    queue.push({ error, afterStoring })
    this.failures.set(nodeId, queue)
  }

  readonly brokers = new Map<string, InternalBroker>(
    ['1', '2'].map((nodeId) => [nodeId, this.broker(nodeId)] as const),
  )

  private broker(nodeId: string): InternalBroker {
    return {
      lookupRequest: () => () => {
        throw new Error('not used')
      },
      fetch: () => Promise.reject(new Error('not used')),
      initProducerId: () => Promise.resolve({ producerId: String(++this.producerIds), producerEpoch: 0 }),
      produce: (request) => {
        const failure = this.failures.get(nodeId)?.shift()
        if (failure !== undefined && !failure.afterStoring) return Promise.reject(failure.error)
        const topics = request.topicData.map(({ topic, partitions }) => ({
          topicName: topic,
          partitions: partitions.map(({ partition, firstSequence, messages }) => {
            this.sent.push({
              broker: nodeId,
              producerId: String(request.producerId),
              topic,
              partition,
              firstSequence: firstSequence ?? -1,
              records: messages.length,
            })
            const key = `${topic}/${partition}`
            const batchKey = `${String(request.producerId)}/${key}/${String(firstSequence)}/${String(messages.length)}`
            const storedAt = this.storedBatches.get(batchKey)
            if (storedAt !== undefined) {
              return { partition, errorCode: 0, baseOffset: String(storedAt), logAppendTime: '-1' }
            }
            const baseOffset = this.logs.get(key) ?? 0
            this.logs.set(key, baseOffset + messages.length)
            this.storedBatches.set(batchKey, baseOffset)
            return { partition, errorCode: 0, baseOffset: String(baseOffset), logAppendTime: '-1' }
          }),
        }))
        if (failure !== undefined) return Promise.reject(failure.error)
        return Promise.resolve({ topics })
      },
    }
  }

  asCluster(): InternalCluster {
    return {
      targetTopics: this.targetTopics,
      connect: () => Promise.resolve(),
      isConnected: () => true,
      disconnect: () => Promise.resolve(),
      addTargetTopic: (topic) => {
        this.targetTopics.add(topic)
        return Promise.resolve()
      },
      refreshMetadata: () => Promise.resolve(),
      findTopicPartitionMetadata: () => [0, 1, 2, 3].map((partitionId) => ({ partitionId })),
      findLeaderForPartitions: (_topic, partitions) => {
        const leaders: Record<string, number[]> = {}
        for (const partition of partitions) (leaders[partition % 2 === 0 ? '1' : '2'] ??= []).push(partition)
        return leaders
      },
      findBroker: ({ nodeId }) => Promise.resolve(this.brokers.get(nodeId) as InternalBroker),
      findControllerBroker: () => Promise.resolve(this.brokers.get('1') as InternalBroker),
      removeBroker: () => undefined,
    }
  }
}

function records(count: number, partition: number): RecordToAppend[] {
  return Array.from({ length: count }, (_, index) => ({
    partition,
    key: Buffer.from(`k${index}`),
    value: Buffer.from(`v${index}`),
  }))
}

function batch(counts: Record<number, number>): RecordsByPartition {
  return new Map([
    [
      'topic',
      new Map(
        Object.entries(counts).map(([partition, count]) => [
          Number(partition),
          records(count, Number(partition)),
        ]),
      ),
    ],
  ])
}

const FAST_RETRY = { retries: 3, initialDelayMs: 1, maxDelayMs: 2 }

describe('IdempotentProducer (memory fake of the cluster)', () => {
  it('sends each leader its partitions and moves sequence numbers on by the records acknowledged', async () => {
    const fake = new FakeCluster()
    const producer = new IdempotentProducer(fake.asCluster(), FAST_RETRY, (broker, request) =>
      broker.produce(request),
    )
    const first = await producer.produce(batch({ 0: 3, 1: 2, 2: 1 }))
    const second = await producer.produce(batch({ 0: 4, 1: 1 }))
    expect(fake.sent).toEqual([
      { broker: '1', producerId: '1', topic: 'topic', partition: 0, firstSequence: 0, records: 3 },
      { broker: '1', producerId: '1', topic: 'topic', partition: 2, firstSequence: 0, records: 1 },
      { broker: '2', producerId: '1', topic: 'topic', partition: 1, firstSequence: 0, records: 2 },
      { broker: '1', producerId: '1', topic: 'topic', partition: 0, firstSequence: 3, records: 4 },
      { broker: '2', producerId: '1', topic: 'topic', partition: 1, firstSequence: 2, records: 1 },
    ])
    expect(first.get('topic')?.get(0)).toEqual({ baseOffset: 0, logAppendTime: -1 })
    expect(second.get('topic')?.get(0)).toEqual({ baseOffset: 3, logAppendTime: -1 })
    expect(second.get('topic')?.get(1)).toEqual({ baseOffset: 2, logAppendTime: -1 })
  })

  it("resends only a failed leader's partitions, with the same sequence numbers", async () => {
    const fake = new FakeCluster()
    const producer = new IdempotentProducer(fake.asCluster(), FAST_RETRY, (broker, request) =>
      broker.produce(request),
    )
    await producer.produce(batch({ 0: 1, 1: 1 }))
    fake.failNext('2', new ProtocolError('NOT_LEADER_OR_FOLLOWER', true))
    const appends = await producer.produce(batch({ 0: 2, 1: 5 }))
    expect(fake.sent.slice(2)).toEqual([
      { broker: '1', producerId: '1', topic: 'topic', partition: 0, firstSequence: 1, records: 2 },
      { broker: '2', producerId: '1', topic: 'topic', partition: 1, firstSequence: 1, records: 5 },
    ])
    expect(appends.get('topic')?.get(0)?.baseOffset).toBe(1)
    expect(appends.get('topic')?.get(1)?.baseOffset).toBe(1)
    await producer.produce(batch({ 1: 1 }))
    expect(fake.sent.at(-1)).toMatchObject({ partition: 1, firstSequence: 6 })
  })

  it('resends a batch whose answer was lost with the sequence numbers it was stored with', async () => {
    const fake = new FakeCluster()
    const producer = new IdempotentProducer(fake.asCluster(), FAST_RETRY, (broker, request) =>
      broker.produce(request),
    )
    fake.failNext('1', new ProtocolError('REQUEST_TIMED_OUT', true), true)
    await producer.produce(batch({ 0: 2 }))
    // The broker deduplicates by producer id and sequence; both sends carry the same ones.
    expect(fake.sent.map(({ partition, firstSequence }) => [partition, firstSequence])).toEqual([
      [0, 0],
      [0, 0],
    ])
  })

  it('starts again with a new producer id when the broker no longer knows its sequence numbers', async () => {
    const fake = new FakeCluster()
    const producer = new IdempotentProducer(fake.asCluster(), FAST_RETRY, (broker, request) =>
      broker.produce(request),
    )
    await producer.produce(batch({ 0: 4 }))
    fake.failNext('1', new ProtocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', false))
    await producer.produce(batch({ 0: 1 }))
    expect(fake.sent.slice(1).map(({ producerId, firstSequence }) => [producerId, firstSequence])).toEqual([
      ['2', 0],
    ])
  })

  it('fails at once on an error that is not retriable, and after the retries on one that is', async () => {
    const fake = new FakeCluster()
    const producer = new IdempotentProducer(fake.asCluster(), FAST_RETRY, (broker, request) =>
      broker.produce(request),
    )
    fake.failNext('1', new ProtocolError('MESSAGE_TOO_LARGE', false))
    await expect(producer.produce(batch({ 0: 1 }))).rejects.toThrow('MESSAGE_TOO_LARGE')
    for (let attempt = 0; attempt <= FAST_RETRY.retries; attempt++)
      fake.failNext('1', new ProtocolError('NOT_ENOUGH_REPLICAS', true))
    await expect(producer.produce(batch({ 0: 1 }))).rejects.toThrow('NOT_ENOUGH_REPLICAS')
    expect(fake.sent).toEqual([])
    await producer.produce(batch({ 0: 1 }))
    expect(fake.sent).toEqual([
      { broker: '1', producerId: '3', topic: 'topic', partition: 0, firstSequence: 0, records: 1 },
    ])
  })

  it('does not reuse the sequence numbers of a batch it gave up on, which the broker may have stored', async () => {
    const fake = new FakeCluster()
    const producer = new IdempotentProducer(fake.asCluster(), FAST_RETRY, (broker, request) =>
      broker.produce(request),
    )
    // Stored every time, never acknowledged: the client is told the records were not stored.
    for (let attempt = 0; attempt <= FAST_RETRY.retries; attempt++)
      fake.failNext('1', new ProtocolError('REQUEST_TIMED_OUT', true), true)
    await expect(producer.produce(batch({ 0: 5 }))).rejects.toThrow('REQUEST_TIMED_OUT')
    expect(fake.logs.get('topic/0')).toBe(5)
    // Other records of the same count: a broker that took them for a retry of the batch above would drop them.
    const appends = await producer.produce(batch({ 0: 5 }))
    expect(appends.get('topic')?.get(0)?.baseOffset).toBe(5)
    expect(fake.logs.get('topic/0')).toBe(10)
  })

  it('forgets the sequence numbers of deleted topics', async () => {
    const fake = new FakeCluster()
    const producer = new IdempotentProducer(fake.asCluster(), FAST_RETRY, (broker, request) =>
      broker.produce(request),
    )
    await producer.produce(batch({ 0: 3 }))
    producer.forgetTopics(() => false)
    await producer.produce(batch({ 0: 1 }))
    expect(fake.sent.at(-1)).toMatchObject({ partition: 0, firstSequence: 0 })
  })
})
