import type { GetShardIteratorInput, ShardIteratorType, _Record } from '@aws-sdk/client-kinesis'
import { describe, expect, it, vi } from 'vitest'

import { MAX_HASH_KEY } from '../../mapping/hash-keys.ts'
import { derivedKeyRing } from '../records/record-encryption.ts'
import { MISSING_PARTITION_KEY } from '../records/record-envelope.ts'
import {
  createTestDataPlane,
  createTestStream,
  splitTestShard,
  updateTestStream,
  type TestDataPlane,
} from '../../../test/support/streams/test-streams.ts'
import { getRecords, javaDateText } from './get-records.ts'
import { getShardIterator } from './get-shard-iterator.ts'
import { putRecord } from './put-record.ts'
import { putRecords } from './put-records.ts'

const text = (data: Uint8Array | undefined) => Buffer.from(data ?? new Uint8Array()).toString()

async function setUp(options: { shardCount?: number; plane?: TestDataPlane } = {}) {
  const plane = options.plane ?? createTestDataPlane()
  const stream = await createTestStream(plane, { name: 'logs', shardCount: options.shardCount ?? 2 })
  return { plane, stream, read: getRecords(plane.deps) }
}

async function iteratorOf(
  plane: TestDataPlane,
  shardId: string,
  type: ShardIteratorType,
  extra: Pick<GetShardIteratorInput, 'StartingSequenceNumber' | 'Timestamp'> = {},
): Promise<string> {
  const result = await getShardIterator(plane.deps).handle(
    { StreamName: 'logs', ShardId: shardId, ShardIteratorType: type, ...extra },
    plane.context,
  )
  return result.ShardIterator ?? ''
}

/** Writes records with the given partition keys to shard 0 (hash key 0), one clock millisecond apart. */
async function writeToShardZero(plane: TestDataPlane, partitionKeys: readonly string[]): Promise<string[]> {
  const put = putRecord(plane.deps)
  const numbers: string[] = []
  for (const partitionKey of partitionKeys) {
    plane.clock.advance(1)
    const result = await put.handle(
      {
        StreamName: 'logs',
        PartitionKey: partitionKey,
        ExplicitHashKey: '0',
        Data: Buffer.from(`data-${partitionKey}`),
      },
      plane.context,
    )
    numbers.push(result.SequenceNumber ?? '')
  }
  return numbers
}

/** Follows NextShardIterator until a call returns no records (or the shard ends). */
async function readToTheEnd(plane: TestDataPlane, iterator: string, limit: number): Promise<_Record[]> {
  const read = getRecords(plane.deps)
  const records: _Record[] = []
  let next: string | undefined = iterator
  while (next !== undefined) {
    const result = await read.handle({ ShardIterator: next, Limit: limit }, plane.context)
    expect(result.Records?.length ?? 0).toBeLessThanOrEqual(limit)
    records.push(...(result.Records ?? []))
    if ((result.Records ?? []).length === 0) break
    next = result.NextShardIterator
  }
  return records
}

describe('GetRecords', () => {
  it('returns the records of the shard with their sequence number, arrival time, data and partition key', async () => {
    const { plane, read } = await setUp()
    const written = plane.clock.now() + 1
    const [number] = await writeToShardZero(plane, ['a'])
    const result = await read.handle(
      { ShardIterator: await iteratorOf(plane, '0', 'TRIM_HORIZON') },
      plane.context,
    )
    expect(result.Records).toEqual([
      {
        SequenceNumber: number,
        ApproximateArrivalTimestamp: new Date(written),
        Data: Buffer.from('data-a'),
        PartitionKey: 'a',
      },
    ])
    expect(result.MillisBehindLatest).toBe(0)
    expect(result.NextShardIterator).toBeDefined()
    expect(result.ChildShards).toBeUndefined()
  })

  it('hands out the data as stored, without copying it', async () => {
    const { plane, stream, read } = await setUp()
    await writeToShardZero(plane, ['a'])
    const stored = await plane.recordLog.read(stream.topic, 0, 0, {
      maxRecords: 1,
      maxBytes: 1024,
      maxWaitMs: 0,
    })
    const result = await read.handle(
      { ShardIterator: await iteratorOf(plane, '0', 'TRIM_HORIZON') },
      plane.context,
    )
    expect(result.Records?.[0]?.Data).toBe(stored.records[0]?.value)
  })

  it('reads every record exactly once, in order, by following NextShardIterator', async () => {
    const { plane } = await setUp()
    const put = putRecords(plane.deps)
    const keys = Array.from({ length: 40 }, (_, index) => `key-${index}`)
    const result = await put.handle(
      { StreamName: 'logs', Records: keys.map((key) => ({ PartitionKey: key, Data: Buffer.from(key) })) },
      plane.context,
    )
    for (const shard of ['0', '1']) {
      const shardId = `shardId-00000000000${shard}`
      const expected = keys.filter((_, index) => result.Records?.[index]?.ShardId === shardId)
      const records = await readToTheEnd(plane, await iteratorOf(plane, shard, 'TRIM_HORIZON'), 3)
      expect(records.map((record) => record.PartitionKey)).toEqual(expected)
      expect(records.map((record) => text(record.Data))).toEqual(expected)
      const numbers = records.map((record) => record.SequenceNumber ?? '')
      expect([...numbers].sort()).toEqual(numbers)
    }
  })

  it('returns at most Limit records', async () => {
    const { plane, read } = await setUp()
    await writeToShardZero(plane, ['a', 'b', 'c', 'd'])
    const result = await read.handle(
      { ShardIterator: await iteratorOf(plane, '0', 'TRIM_HORIZON'), Limit: 3 },
      plane.context,
    )
    expect(result.Records?.map((record) => record.PartitionKey)).toEqual(['a', 'b', 'c'])
    const rest = await read.handle({ ShardIterator: result.NextShardIterator ?? '' }, plane.context)
    expect(rest.Records?.map((record) => record.PartitionKey)).toEqual(['d'])
  })

  it('reads AT_SEQUENCE_NUMBER from that record and AFTER_SEQUENCE_NUMBER from the next', async () => {
    const { plane, read } = await setUp()
    const numbers = await writeToShardZero(plane, ['a', 'b', 'c'])
    const at = await read.handle(
      {
        ShardIterator: await iteratorOf(plane, '0', 'AT_SEQUENCE_NUMBER', {
          StartingSequenceNumber: numbers[1],
        }),
      },
      plane.context,
    )
    const after = await read.handle(
      {
        ShardIterator: await iteratorOf(plane, '0', 'AFTER_SEQUENCE_NUMBER', {
          StartingSequenceNumber: numbers[1],
        }),
      },
      plane.context,
    )
    expect(at.Records?.map((record) => record.SequenceNumber)).toEqual(numbers.slice(1))
    expect(after.Records?.map((record) => record.SequenceNumber)).toEqual(numbers.slice(2))
  })

  it('reads from LATEST only what arrives afterwards, and AT_TIMESTAMP from that time', async () => {
    const { plane, read } = await setUp()
    await writeToShardZero(plane, ['old'])
    const latest = await iteratorOf(plane, '0', 'LATEST')
    const since = plane.clock.now() + 1
    await writeToShardZero(plane, ['new'])
    const fromLatest = await read.handle({ ShardIterator: latest }, plane.context)
    const fromTime = await read.handle(
      { ShardIterator: await iteratorOf(plane, '0', 'AT_TIMESTAMP', { Timestamp: new Date(since) }) },
      plane.context,
    )
    expect(fromLatest.Records?.map((record) => record.PartitionKey)).toEqual(['new'])
    expect(fromTime.Records?.map((record) => record.PartitionKey)).toEqual(['new'])
  })

  it('skips records that retention removed', async () => {
    const { plane, stream, read } = await setUp()
    await writeToShardZero(plane, ['a', 'b', 'c', 'd', 'e'])
    const iterator = await iteratorOf(plane, '0', 'TRIM_HORIZON')
    plane.recordLog.trim(stream.topic, 0, 3)
    const result = await read.handle({ ShardIterator: iterator }, plane.context)
    expect(result.Records?.map((record) => record.PartitionKey)).toEqual(['d', 'e'])
  })

  it('answers an empty page at the tip of an open shard, with an iterator that picks up new records', async () => {
    const { plane, read } = await setUp()
    const empty = await read.handle(
      { ShardIterator: await iteratorOf(plane, '1', 'TRIM_HORIZON') },
      plane.context,
    )
    expect(empty.Records).toEqual([])
    expect(empty.MillisBehindLatest).toBe(0)
    await putRecord(plane.deps).handle(
      {
        StreamName: 'logs',
        PartitionKey: 'x',
        ExplicitHashKey: MAX_HASH_KEY.toString(),
        Data: Buffer.from('1'),
      },
      plane.context,
    )
    const next = await read.handle({ ShardIterator: empty.NextShardIterator ?? '' }, plane.context)
    expect(next.Records?.map((record) => record.PartitionKey)).toEqual(['x'])
  })

  it('reads a closed shard to its end, then reports its children and no next iterator', async () => {
    const { plane, stream, read } = await setUp({ shardCount: 1 })
    await writeToShardZero(plane, ['a', 'b', 'c'])
    const split = await splitTestShard(plane, 'logs', 0)
    // A write that reached the partition after the shard was sealed must stay invisible.
    await plane.recordLog.append(stream.topic, [
      { partition: 0, key: Buffer.from('late'), value: Buffer.from('x') },
    ])

    const first = await read.handle(
      { ShardIterator: await iteratorOf(plane, '0', 'TRIM_HORIZON'), Limit: 2 },
      plane.context,
    )
    expect(first.Records?.map((record) => record.PartitionKey)).toEqual(['a', 'b'])
    expect(first.ChildShards).toBeUndefined()

    const last = await read.handle({ ShardIterator: first.NextShardIterator ?? '' }, plane.context)
    expect(last.Records?.map((record) => record.PartitionKey)).toEqual(['c'])
    expect(last.NextShardIterator).toBeUndefined()
    expect(last.MillisBehindLatest).toBe(0)
    const children = split.shards.filter((shard) => shard.parentIndex === 0)
    expect(last.ChildShards).toEqual(
      children.map((child) => ({
        ShardId: `shardId-00000000000${child.index}`,
        ParentShards: ['shardId-000000000000'],
        HashKeyRange: { StartingHashKey: child.startingHashKey, EndingHashKey: child.endingHashKey },
      })),
    )

    const atEnd = await read.handle({ ShardIterator: await iteratorOf(plane, '0', 'LATEST') }, plane.context)
    expect(atEnd.Records).toEqual([])
    expect(atEnd.NextShardIterator).toBeUndefined()
    expect(atEnd.ChildShards).toHaveLength(2)
  })

  it('reads records that native Kafka producers wrote: no headers, missing key or value', async () => {
    const { plane, stream, read } = await setUp()
    await plane.recordLog.append(stream.topic, [
      { partition: 0, key: Buffer.from('native-key'), value: Buffer.from('{"v":1}') },
      { partition: 0, key: Buffer.alloc(0), value: Buffer.from('keyless') },
    ])
    const iterator = await iteratorOf(plane, '0', 'TRIM_HORIZON')
    const result = await read.handle({ ShardIterator: iterator }, plane.context)
    expect(result.Records?.map((record) => [record.PartitionKey, text(record.Data)])).toEqual([
      ['native-key', '{"v":1}'],
      [MISSING_PARTITION_KEY, 'keyless'],
    ])

    vi.spyOn(plane.recordLog, 'read').mockResolvedValueOnce({
      records: [{ offset: 2, timestamp: plane.clock.now(), key: null, value: null, headers: {} }],
      highWatermark: 3,
      logStartOffset: 0,
    })
    const tombstone = await read.handle({ ShardIterator: result.NextShardIterator ?? '' }, plane.context)
    expect(tombstone.Records?.[0]).toMatchObject({
      PartitionKey: MISSING_PARTITION_KEY,
      Data: new Uint8Array(),
    })
  })

  it('decrypts records of an encrypted stream, and reads records written before and after encryption', async () => {
    const plane = createTestDataPlane({ keyRing: derivedKeyRing(Buffer.alloc(32, 1)) })
    const { read } = await setUp({ plane })
    await writeToShardZero(plane, ['plain-before'])
    await updateTestStream(plane, 'logs', (stream) => {
      stream.encryption = { type: 'KMS', keyId: 'alias/aws/kinesis' }
    })
    await writeToShardZero(plane, ['sealed'])
    await updateTestStream(plane, 'logs', (stream) => {
      stream.encryption = { type: 'KMS', keyId: 'arn:aws:kms:us-east-1:123456789012:key/other' }
    })
    await writeToShardZero(plane, ['sealed-other-key'])
    await updateTestStream(plane, 'logs', (stream) => {
      stream.encryption = { type: 'NONE' }
    })
    await writeToShardZero(plane, ['plain-after'])

    const result = await read.handle(
      { ShardIterator: await iteratorOf(plane, '0', 'TRIM_HORIZON') },
      plane.context,
    )
    expect(
      result.Records?.map((record) => [record.PartitionKey, text(record.Data), record.EncryptionType]),
    ).toEqual([
      ['plain-before', 'data-plain-before', undefined],
      ['sealed', 'data-sealed', 'KMS'],
      ['sealed-other-key', 'data-sealed-other-key', 'KMS'],
      ['plain-after', 'data-plain-after', undefined],
    ])
  })

  it('answers KMSNotFoundException for encrypted records when no key ring provides their key', async () => {
    const writer = createTestDataPlane({ keyRing: derivedKeyRing(Buffer.alloc(32, 1)) })
    await createTestStream(writer, { name: 'logs', encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' } })
    await writeToShardZero(writer, ['sealed'])
    delete writer.deps.keyRing
    await expect(
      getRecords(writer.deps).handle(
        { ShardIterator: await iteratorOf(writer, '0', 'TRIM_HORIZON') },
        writer.context,
      ),
    ).rejects.toMatchObject({ type: 'KMSNotFoundException' })
  })

  it('says how far behind the newest record the reader is', async () => {
    const { plane, read } = await setUp()
    await writeToShardZero(plane, ['a', 'b', 'c'])
    const firstArrival = plane.clock.now() - 2
    plane.clock.advance(1000)
    const first = await read.handle(
      { ShardIterator: await iteratorOf(plane, '0', 'TRIM_HORIZON'), Limit: 1 },
      plane.context,
    )
    expect(first.MillisBehindLatest).toBe(plane.clock.now() - firstArrival)
    const rest = await read.handle({ ShardIterator: first.NextShardIterator ?? '' }, plane.context)
    expect(rest.MillisBehindLatest).toBe(0)
  })

  it('rejects a garbled iterator and one of another account', async () => {
    const { plane, read } = await setUp()
    await expect(
      read.handle({ ShardIterator: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, plane.context),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: 'Invalid ShardIterator.',
    })
    const iterator = await iteratorOf(plane, '0', 'LATEST')
    await expect(
      read.handle({ ShardIterator: iterator }, { ...plane.context, accountId: '999999999999' }),
    ).rejects.toMatchObject({ type: 'InvalidArgumentException', message: 'Invalid ShardIterator.' })
  })

  it('refuses a StreamARN that names another stream than the iterator, and reads under its own', async () => {
    const { plane, read } = await setUp()
    await createTestStream(plane, { name: 'other', shardCount: 1 })
    await writeToShardZero(plane, ['a'])
    const iterator = await iteratorOf(plane, '0', 'TRIM_HORIZON')
    const arn = (name: string) =>
      `arn:aws:kinesis:${plane.context.region}:${plane.context.accountId}:stream/${name}`
    await expect(
      read.handle({ ShardIterator: iterator, StreamARN: arn('other') }, plane.context),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        `StreamARN ${arn('other')} and ShardIterator do not refer to the same stream: the iterator reads ` +
        `stream logs under account ${plane.context.accountId}.`,
    })
    const own = await read.handle({ ShardIterator: iterator, StreamARN: arn('logs') }, plane.context)
    expect(own.Records?.map((record) => record.PartitionKey)).toEqual(['a'])
  })

  it('rejects an iterator older than five minutes with Kinesis wording', async () => {
    const { plane, read } = await setUp()
    const issued = plane.clock.now()
    const iterator = await iteratorOf(plane, '0', 'LATEST')
    plane.clock.advance(300_000)
    await read.handle({ ShardIterator: iterator }, plane.context)
    plane.clock.advance(1)
    await expect(read.handle({ ShardIterator: iterator }, plane.context)).rejects.toMatchObject({
      type: 'ExpiredIteratorException',
      message:
        `Iterator expired. The iterator was created at time ${javaDateText(issued)} while right now it is ` +
        `${javaDateText(issued + 300_001)} which is further in the future than the tolerated delay of 300000 milliseconds.`,
    })
  })

  it('prints times as Java does', () => {
    expect(javaDateText(Date.UTC(2015, 0, 22, 1, 22, 2))).toBe('Thu Jan 22 01:22:02 UTC 2015')
    expect(javaDateText(Date.UTC(2026, 10, 5, 23, 4, 5, 999))).toBe('Thu Nov 05 23:04:05 UTC 2026')
  })

  it('answers ResourceNotFoundException once the stream is deleted, and for a stream created again under its name', async () => {
    const { plane, stream, read } = await setUp()
    const iterator = await iteratorOf(plane, '1', 'TRIM_HORIZON')
    await plane.catalog.remove({ ...plane.context, streamName: 'logs' }, stream.version)
    await plane.recordLog.deleteTopic(stream.topic)
    const notFound = {
      type: 'ResourceNotFoundException',
      message: 'Shard shardId-000000000001 in stream logs under account 123456789012 does not exist',
    }
    await expect(read.handle({ ShardIterator: iterator }, plane.context)).rejects.toMatchObject(notFound)
    plane.clock.advance(10)
    await createTestStream(plane, { name: 'logs', shardCount: 2 })
    await expect(read.handle({ ShardIterator: iterator }, plane.context)).rejects.toMatchObject(notFound)
  })

  it('keeps reading a DELETING stream until its deletion completes', async () => {
    const { plane, read } = await setUp()
    await writeToShardZero(plane, ['a'])
    const iterator = await iteratorOf(plane, '0', 'TRIM_HORIZON')
    await updateTestStream(plane, 'logs', (stream) => {
      stream.status = 'DELETING'
      stream.statusUntilMillis = plane.clock.now() + 1000
    })
    const page = await read.handle({ ShardIterator: iterator }, plane.context)
    expect(page.Records?.map((record) => record.PartitionKey)).toEqual(['a'])
    plane.clock.advance(1000)
    await expect(read.handle({ ShardIterator: iterator }, plane.context)).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    })
  })

  it('checks Limit and ShardIterator as Kinesis does', async () => {
    const { plane, read } = await setUp()
    await expect(read.handle({ ShardIterator: '', Limit: 0 }, plane.context)).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '2 validation errors detected: ' +
        "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '' at 'shardIterator' failed to satisfy constraint: Member must have length greater than or equal to 1",
    })
    await expect(
      read.handle({ ShardIterator: await iteratorOf(plane, '0', 'LATEST'), Limit: 10_001 }, plane.context),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: " +
        'Member must have value less than or equal to 10000',
    })
  })

  it('reads the stream from the cached catalog only, never the catalog store', async () => {
    const { plane, stream, read } = await setUp()
    const iterator = await iteratorOf(plane, '0', 'TRIM_HORIZON')
    vi.spyOn(plane.catalog, 'getCached').mockResolvedValue(stream)
    const storeRead = vi.spyOn(plane.catalog, 'get')
    await read.handle({ ShardIterator: iterator }, plane.context)
    expect(storeRead).not.toHaveBeenCalled()
  })
})
