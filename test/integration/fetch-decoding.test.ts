import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { uniqueName } from './fixture/names.ts'

describe('Fetch responses read by the one-pass decoder, on a real Kafka broker', () => {
  const stack = inject('stack')
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'fetch-decoding-test' })
  const log = new KafkaRecordLog(kafka)
  const topic = uniqueName('fetch-decoding')

  beforeAll(async () => {
    await log.createTopic(topic, 1, {})
  })

  afterAll(async () => {
    await log.deleteTopic(topic)
    await log.close()
  })

  it('returns committed records only: no transaction markers, nothing of an aborted transaction', async () => {
    const producer = kafka.producer({
      transactionalId: uniqueName('fetch-decoding-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    })
    await producer.connect()
    try {
      await log.append(topic, [{ partition: 0, key: Buffer.from('k'), value: Buffer.from('before') }])
      const aborted = await producer.transaction()
      await aborted.send({
        topic,
        messages: [
          { partition: 0, value: 'aborted 1' },
          { partition: 0, value: 'aborted 2' },
        ],
      })
      await aborted.abort()
      const committed = await producer.transaction()
      await committed.send({ topic, messages: [{ partition: 0, value: 'committed' }] })
      await committed.commit()
      await log.append(topic, [{ partition: 0, key: Buffer.from('k'), value: Buffer.from('after') }])
    } finally {
      await producer.disconnect()
    }

    // The commit marker is written after commit() returns; until then read_committed reads stop before it.
    let read = await log.read(topic, 0, 0, { maxRecords: 100, maxBytes: 1 << 20, maxWaitMs: 0 })
    for (let attempt = 0; read.records.length < 3 && attempt < 100; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      read = await log.read(topic, 0, 0, { maxRecords: 100, maxBytes: 1 << 20, maxWaitMs: 0 })
    }
    expect(read.records.map((record) => record.value?.toString())).toEqual(['before', 'committed', 'after'])
    // Offsets count the markers and the aborted records: 0 before, 1-2 aborted, 3 abort marker, 4 committed;
    // the commit marker lands before or after 'after' (5 or 6).
    const [before, committed, after] = read.records.map((record) => record.offset)
    expect([before, committed]).toEqual([0, 4])
    expect([5, 6]).toContain(after)
    expect(read.highWatermark).toBe(7)
  })
})
