import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { MemoryStreamCatalog } from '../support/memory/memory-stream-catalog.ts'
import { shardIteratorKey } from '../../src/mapping/shard-iterators.ts'
import { DEFAULT_TOPIC_TEMPLATE, parseTopicTemplate } from '../../src/mapping/topic-names.ts'
import { systemClock } from '../../src/ports/clock.ts'
import type { StreamRecord } from '../../src/ports/stream-catalog.ts'
import type { StreamsDeps } from '../../src/streams/deps.ts'
import { getRecords } from '../../src/streams/operations/get-records.ts'
import { getShardIterator } from '../../src/streams/operations/get-shard-iterator.ts'
import { putRecords } from '../../src/streams/operations/put-records.ts'
import { derivedKeyRing } from '../../src/streams/records/record-encryption.ts'
import { MISSING_PARTITION_KEY } from '../../src/streams/records/record-envelope.ts'
import { testStreamRecord } from '../support/streams/test-streams.ts'
import { uniqueName } from './fixture/names.ts'

describe('the data-plane operations on a real Kafka broker', () => {
  const stack = inject('stack')
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'data-plane-test' })
  const recordLog = new KafkaRecordLog(kafka)
  const nativeProducer = kafka.producer()
  const deps: StreamsDeps = {
    catalog: new MemoryStreamCatalog(),
    recordLog,
    clock: systemClock,
    settings: {
      topicTemplate: parseTopicTemplate(DEFAULT_TOPIC_TEMPLATE),
      iteratorKey: shardIteratorKey(randomBytes(32)),
      creatingDelayMs: 0,
      updatingDelayMs: 0,
      deletingDelayMs: 0,
      shardLimit: 100,
      onDemandShardCount: 4,
    },
    keyRing: derivedKeyRing(randomBytes(32)),
  }
  const context = {
    requestId: 'test',
    accountId: '123456789012',
    region: 'us-east-1',
    accessKeyId: undefined,
  }
  const streams: StreamRecord[] = []

  async function createStream(options: Parameters<typeof testStreamRecord>[2]): Promise<StreamRecord> {
    const stream = testStreamRecord(deps, context, { ...options, name: uniqueName('data-plane') })
    await recordLog.createTopic(stream.topic, stream.shards.length, {
      'message.timestamp.type': 'LogAppendTime',
    })
    streams.push(stream)
    await deps.catalog.create(stream)
    return stream
  }

  async function readShard(stream: StreamRecord, shardId: string, limit: number) {
    const iterator = await getShardIterator(deps).handle(
      { StreamName: stream.streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' },
      context,
    )
    const read = getRecords(deps)
    const records = []
    let next = iterator.ShardIterator
    while (next !== undefined) {
      const page = await read.handle({ ShardIterator: next, Limit: limit }, context)
      records.push(...(page.Records ?? []))
      if ((page.Records ?? []).length === 0) break
      next = page.NextShardIterator
    }
    return records
  }

  beforeAll(async () => {
    await nativeProducer.connect()
  })

  afterAll(async () => {
    await nativeProducer.disconnect()
    for (const stream of streams) await recordLog.deleteTopic(stream.topic)
    await recordLog.close()
  })

  it('writes a PutRecords request and reads every record back once, in order, with its arrival time', async () => {
    const stream = await createStream({ shardCount: 2 })
    const before = Date.now()
    const keys = Array.from({ length: 60 }, (_, index) => `key-${index}`)
    const put = await putRecords(deps).handle(
      {
        StreamName: stream.streamName,
        Records: keys.map((key) => ({ PartitionKey: key, Data: Buffer.from(key) })),
      },
      context,
    )
    expect(put.FailedRecordCount).toBe(0)
    for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
      const expected = keys.filter((_, index) => put.Records?.[index]?.ShardId === shardId)
      const records = await readShard(stream, shardId, 7)
      expect(records.map((record) => record.PartitionKey)).toEqual(expected)
      expect(records.map((record) => Buffer.from(record.Data ?? []).toString())).toEqual(expected)
      expect(records.map((record) => record.SequenceNumber)).toEqual(
        put.Records?.filter((result) => result.ShardId === shardId).map((result) => result.SequenceNumber),
      )
      for (const record of records) {
        expect(record.ApproximateArrivalTimestamp?.getTime()).toBeGreaterThanOrEqual(before - 1000)
      }
    }
  })

  it('reads what a native Kafka producer wrote, with or without a key', async () => {
    const stream = await createStream({ shardCount: 1 })
    await nativeProducer.send({
      topic: stream.topic,
      messages: [
        { partition: 0, key: 'native', value: 'keyed' },
        { partition: 0, key: null, value: 'keyless' },
      ],
    })
    const records = await readShard(stream, 'shardId-000000000000', 10)
    expect(records.map((record) => [record.PartitionKey, Buffer.from(record.Data ?? []).toString()])).toEqual(
      [
        ['native', 'keyed'],
        [MISSING_PARTITION_KEY, 'keyless'],
      ],
    )
  })

  it('stores the records of an encrypted stream sealed and reads them back in the clear', async () => {
    const stream = await createStream({
      shardCount: 1,
      encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' },
    })
    const put = await putRecords(deps).handle(
      { StreamName: stream.streamName, Records: [{ PartitionKey: 'k', Data: Buffer.from('confidential') }] },
      context,
    )
    expect(put.EncryptionType).toBe('KMS')
    const stored = await recordLog.read(stream.topic, 0, 0, {
      maxRecords: 10,
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    })
    expect(stored.records[0]?.value?.includes(Buffer.from('confidential'))).toBe(false)
    const records = await readShard(stream, 'shardId-000000000000', 10)
    expect(
      records.map((record) => [Buffer.from(record.Data ?? []).toString(), record.EncryptionType]),
    ).toEqual([['confidential', 'KMS']])
  })

  it('starts AT_TIMESTAMP at the records the broker appended at or after that time', async () => {
    const stream = await createStream({ shardCount: 1 })
    const put = putRecords(deps)
    await put.handle(
      { StreamName: stream.streamName, Records: [{ PartitionKey: 'a', Data: Buffer.from('old') }] },
      context,
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    const since = Date.now()
    await put.handle(
      { StreamName: stream.streamName, Records: [{ PartitionKey: 'b', Data: Buffer.from('new') }] },
      context,
    )
    const iterator = await getShardIterator(deps).handle(
      {
        StreamName: stream.streamName,
        ShardId: '0',
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: new Date(since),
      },
      context,
    )
    const page = await getRecords(deps).handle({ ShardIterator: iterator.ShardIterator ?? '' }, context)
    expect(page.Records?.map((record) => record.PartitionKey)).toEqual(['b'])
  })
})
