import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { TopicNotFoundError } from '../../src/ports/record-log.ts'
import { uniqueName } from './fixture/names.ts'

describe('KafkaRecordLog on a real Kafka broker', () => {
  const stack = inject('stack')
  const log = new KafkaRecordLog(
    createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'record-log-test' }),
  )
  const topic = uniqueName('record-log')

  beforeAll(async () => {
    await log.createTopic(topic, 2, { 'message.timestamp.type': 'LogAppendTime' })
  })

  afterAll(async () => {
    await log.deleteTopic(topic)
    await log.close()
  })

  it('appends to chosen partitions and reads back in order from any offset', async () => {
    const before = Date.now()
    const appended = await log.append(topic, [
      { partition: 0, key: Buffer.from('a'), value: Buffer.from('first') },
      { partition: 1, key: Buffer.from('b'), value: Buffer.from('other partition') },
      { partition: 0, key: Buffer.from('a'), value: Buffer.from('second'), headers: { h: Buffer.from('v') } },
    ])
    expect(appended.map(({ partition, offset }) => [partition, offset])).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
    ])
    expect(appended[0]?.timestamp).toBeGreaterThanOrEqual(before - 1000)

    const all = await log.read(topic, 0, 0, { maxRecords: 100, maxBytes: 1 << 20, maxWaitMs: 0 })
    expect(all.records.map((record) => record.value?.toString())).toEqual(['first', 'second'])
    expect(all.records[1]?.headers.h?.toString()).toBe('v')
    expect(all.highWatermark).toBe(2)

    const fromSecond = await log.read(topic, 0, 1, { maxRecords: 100, maxBytes: 1 << 20, maxWaitMs: 0 })
    expect(fromSecond.records.map((record) => record.offset)).toEqual([1])

    const limited = await log.read(topic, 0, 0, { maxRecords: 1, maxBytes: 1 << 20, maxWaitMs: 0 })
    expect(limited.records).toHaveLength(1)
  })

  it('answers a waiting read as soon as its partition gets a record, whatever other reads wait', async () => {
    const waitingTopic = uniqueName('waiting-reads')
    await log.createTopic(waitingTopic, 3, {})
    try {
      const limits = { maxRecords: 10, maxBytes: 1 << 20, maxWaitMs: 3_000 }
      const idle = [0, 1].map((partition) => log.read(waitingTopic, partition, 0, limits))
      const started = performance.now()
      const awaited = log.read(waitingTopic, 2, 0, limits)
      await new Promise((resolve) => setTimeout(resolve, 200))
      await log.append(waitingTopic, [{ partition: 2, key: Buffer.from('k'), value: Buffer.from('now') }])
      const read = await awaited
      expect(read.records.map((record) => record.value?.toString())).toEqual(['now'])
      expect(performance.now() - started).toBeLessThan(2_000)
      const quick = performance.now()
      await log.read(waitingTopic, 2, 0, { ...limits, maxWaitMs: 0 })
      expect(performance.now() - quick).toBeLessThan(1_000)
      await Promise.all(idle)
    } finally {
      await log.deleteTopic(waitingTopic)
    }
  })

  it('batches concurrent appends without losing or reordering records', async () => {
    const writes = Array.from({ length: 50 }, (_, index) =>
      log.append(topic, [{ partition: 1, key: Buffer.from('k'), value: Buffer.from(`concurrent-${index}`) }]),
    )
    const results = await Promise.all(writes)
    const offsets = results.map((result) => result[0]?.offset)
    expect(new Set(offsets).size).toBe(50)

    const range = await log.offsetRange(topic, 1)
    const read = await log.read(topic, 1, range.latest - 50, {
      maxRecords: 100,
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    })
    const byOffset = new Map(read.records.map((record) => [record.offset, record.value?.toString()]))
    results.forEach((result, index) => {
      expect(byOffset.get(result[0]?.offset ?? -1)).toBe(`concurrent-${index}`)
    })
  })

  it('finds offsets by timestamp and reports the end of the log past the newest record', async () => {
    const range = await log.offsetRange(topic, 0)
    expect(await log.offsetForTimestamp(topic, 0, 0)).toBe(range.earliest)
    expect(await log.offsetForTimestamp(topic, 0, Date.now() + 60_000)).toBe(range.latest)
  })

  it('reads nothing past the end of the log', async () => {
    const range = await log.offsetRange(topic, 0)
    const read = await log.read(topic, 0, range.latest + 10, {
      maxRecords: 10,
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    })
    expect(read.records).toEqual([])
    expect(read.highWatermark).toBe(range.latest)
  })

  it('grows a topic by partitions', async () => {
    await log.addPartitions(topic, 3)
    const [appended] = await log.append(topic, [
      { partition: 2, key: Buffer.from('c'), value: Buffer.from('new') },
    ])
    expect(appended?.partition).toBe(2)
    const read = await log.read(topic, 2, 0, { maxRecords: 10, maxBytes: 1 << 20, maxWaitMs: 0 })
    expect(read.records.map((record) => record.value?.toString())).toEqual(['new'])
  })

  it('keeps working after topics it used were deleted, here or by another client', async () => {
    const replica = new KafkaRecordLog(
      createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'record-log-replica' }),
    )
    const doomed = uniqueName('doomed')
    const survivor = uniqueName('survivor')
    try {
      await log.createTopic(doomed, 1, {})
      await log.createTopic(survivor, 1, {})
      for (const client of [log, replica]) {
        await client.append(doomed, [{ partition: 0, key: Buffer.from('k'), value: Buffer.from('v') }])
        await client.read(doomed, 0, 0, { maxRecords: 1, maxBytes: 1 << 20, maxWaitMs: 0 })
        await client.offsetRange(doomed, 0)
      }
      await log.deleteTopic(doomed)
      for (const client of [log, replica]) {
        const [appended] = await client.append(survivor, [
          { partition: 0, key: Buffer.from('k'), value: Buffer.from('still') },
        ])
        const read = await client.read(survivor, 0, appended?.offset ?? 0, {
          maxRecords: 1,
          maxBytes: 1 << 20,
          maxWaitMs: 0,
        })
        expect(read.records[0]?.value?.toString()).toBe('still')
        expect((await client.offsetRange(survivor, 0)).latest).toBeGreaterThan(0)
      }
      await expect(
        replica.read(doomed, 0, 0, { maxRecords: 1, maxBytes: 1 << 20, maxWaitMs: 0 }),
      ).rejects.toBeInstanceOf(TopicNotFoundError)
    } finally {
      await log.deleteTopic(survivor)
      await replica.close()
    }
  })

  it('reports a topic that does not exist', async () => {
    await expect(log.offsetRange(uniqueName('missing'), 0)).rejects.toBeInstanceOf(TopicNotFoundError)
  })
})
