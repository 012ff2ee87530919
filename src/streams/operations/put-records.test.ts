import { describe, expect, it, vi } from 'vitest'

import { MAX_HASH_KEY } from '../../mapping/hash-keys.ts'
import { decodeSequenceNumber } from '../../mapping/sequence-numbers.ts'
import { RecordLogUnavailableError } from '../../ports/record-log.ts'
import {
  createTestDataPlane,
  createTestStream,
  updateTestStream,
  type TestDataPlane,
} from '../../../test/support/streams/test-streams.ts'
import { putRecords } from './put-records.ts'

const bytes = (text: string) => new Uint8Array(Buffer.from(text))

async function setUp(shardCount = 3) {
  const plane = createTestDataPlane()
  const stream = await createTestStream(plane, { name: 'events', shardCount })
  return { plane, stream, put: putRecords(plane.deps) }
}

async function storedCount(plane: TestDataPlane, topic: string, partitions: number): Promise<number> {
  let count = 0
  for (let partition = 0; partition < partitions; partition++) {
    const range = await plane.recordLog.offsetRange(topic, partition)
    count += range.latest - range.earliest
  }
  return count
}

describe('PutRecords', () => {
  it('answers one result per record, in request order, routed like PutRecord', async () => {
    const { plane, put } = await setUp(3)
    const third = MAX_HASH_KEY / 3n
    const result = await put.handle(
      {
        StreamName: 'events',
        Records: [
          { PartitionKey: 'a', Data: bytes('1'), ExplicitHashKey: '0' },
          { PartitionKey: 'a', Data: bytes('2'), ExplicitHashKey: MAX_HASH_KEY.toString() },
          { PartitionKey: 'a', Data: bytes('3'), ExplicitHashKey: (third + 10n).toString() },
          { PartitionKey: 'a', Data: bytes('4'), ExplicitHashKey: '1' },
        ],
      },
      plane.context,
    )
    expect(result.FailedRecordCount).toBe(0)
    expect(result.EncryptionType).toBe('NONE')
    expect(result.Records?.map((record) => record.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000002',
      'shardId-000000000001',
      'shardId-000000000000',
    ])
    const [first, , , fourth] = result.Records ?? []
    const firstOffset = decodeSequenceNumber(first?.SequenceNumber ?? '')
    const fourthOffset = decodeSequenceNumber(fourth?.SequenceNumber ?? '')
    expect(firstOffset).toMatchObject({ ok: true, shardIndex: 0, offset: 0n })
    expect(fourthOffset).toMatchObject({ ok: true, shardIndex: 0, offset: 1n })
  })

  it('writes the whole request with a single append', async () => {
    const { plane, put } = await setUp(3)
    const append = vi.spyOn(plane.recordLog, 'append')
    const records = Array.from({ length: 500 }, (_, index) => ({
      PartitionKey: `key-${index}`,
      Data: bytes('x'),
    }))
    const result = await put.handle({ StreamName: 'events', Records: records }, plane.context)
    expect(append).toHaveBeenCalledTimes(1)
    expect(result.Records).toHaveLength(500)
    expect(new Set(result.Records?.map((record) => record.SequenceNumber)).size).toBe(500)
  })

  it('writes nothing when any record violates a constraint', async () => {
    const { plane, stream, put } = await setUp(3)
    await expect(
      put.handle(
        {
          StreamName: 'events',
          Records: [
            { PartitionKey: 'good', Data: bytes('1') },
            { PartitionKey: '', Data: bytes('2'), ExplicitHashKey: '' },
          ],
        },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '2 validation errors detected: ' +
        "Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'records.2.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
    })
    expect(await storedCount(plane, stream.topic, 3)).toBe(0)
  })

  it('rejects more than 500 records as Kinesis words it', async () => {
    const { plane, put } = await setUp(1)
    const records = Array.from({ length: 501 }, () => ({ PartitionKey: 'a', Data: bytes('x') }))
    await expect(put.handle({ StreamName: 'events', Records: records }, plane.context)).rejects.toMatchObject(
      {
        type: 'ValidationException',
        message: expect.stringContaining(
          "at 'records' failed to satisfy constraint: Member must have length less than or equal to 500",
        ) as unknown,
      },
    )
  })

  it('writes nothing when one record exceeds the maximum record size, naming each such record', async () => {
    const { plane, stream, put } = await setUp(1)
    const big = new Uint8Array(1024 * 1024)
    await expect(
      put.handle(
        {
          StreamName: 'events',
          Records: [
            { PartitionKey: 'a', Data: bytes('small') },
            { PartitionKey: 'a', Data: big },
          ],
        },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048576 cap=1048576]' at " +
        "'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048575 " +
        '(the data blob added to the partition key size, 1048577 bytes, must not exceed the maximum record size of ' +
        '1048576 bytes)',
    })
    expect(await storedCount(plane, stream.topic, 1)).toBe(0)
  })

  it('rejects a request whose records together exceed 10 MiB', async () => {
    const { plane, stream, put } = await setUp(1)
    const records = Array.from({ length: 11 }, () => ({
      PartitionKey: 'k',
      Data: new Uint8Array(1024 * 1024 - 1),
    }))
    await expect(put.handle({ StreamName: 'events', Records: records }, plane.context)).rejects.toMatchObject(
      {
        type: 'InvalidArgumentException',
        message: 'Records size exceeds 10 MB limit',
      },
    )
    expect(await storedCount(plane, stream.topic, 1)).toBe(0)
    const fitting = records.slice(0, 10)
    const result = await put.handle({ StreamName: 'events', Records: fitting }, plane.context)
    expect(result.FailedRecordCount).toBe(0)
  })

  it('writes nothing when one ExplicitHashKey is out of range', async () => {
    const { plane, stream, put } = await setUp(1)
    const tooLarge = (MAX_HASH_KEY + 1n).toString()
    await expect(
      put.handle(
        {
          StreamName: 'events',
          Records: [
            { PartitionKey: 'a', Data: bytes('1') },
            { PartitionKey: 'a', Data: bytes('2'), ExplicitHashKey: tooLarge },
          ],
        },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${tooLarge}`,
    })
    expect(await storedCount(plane, stream.topic, 1)).toBe(0)
  })

  it('reports a record no open shard takes in place and stores the others', async () => {
    const { plane, put } = await setUp(2)
    // A shard map with a hole: shard 1 closed without children.
    await updateTestStream(plane, 'events', (stream) => {
      const shard = stream.shards[1]
      if (shard !== undefined) shard.endingOffset = 0
    })
    const result = await put.handle(
      {
        StreamName: 'events',
        Records: [
          { PartitionKey: 'a', Data: bytes('1'), ExplicitHashKey: MAX_HASH_KEY.toString() },
          { PartitionKey: 'a', Data: bytes('2'), ExplicitHashKey: '0' },
        ],
      },
      plane.context,
    )
    expect(result.FailedRecordCount).toBe(1)
    expect(result.Records?.[0]).toEqual({
      ErrorCode: 'InternalFailure',
      ErrorMessage: 'Internal Service Failure',
    })
    expect(result.Records?.[1]?.ShardId).toBe('shardId-000000000000')
  })

  it('fails the whole request with a retriable error when Kafka does not acknowledge, reporting nothing as stored', async () => {
    const { plane, put } = await setUp(2)
    vi.spyOn(plane.recordLog, 'append').mockRejectedValue(new RecordLogUnavailableError('down'))
    await expect(
      put.handle({ StreamName: 'events', Records: [{ PartitionKey: 'a', Data: bytes('1') }] }, plane.context),
    ).rejects.toMatchObject({ type: 'ServiceUnavailable', status: 503 })
  })

  it('answers ResourceNotFoundException for a stream that does not exist', async () => {
    const { plane, put } = await setUp(1)
    await expect(
      put.handle({ StreamName: 'nope', Records: [{ PartitionKey: 'a', Data: bytes('1') }] }, plane.context),
    ).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: 'Stream nope under account 123456789012 not found.',
    })
  })

  it('answers ResourceNotFoundException when the topic vanished (stream deleted meanwhile)', async () => {
    const { plane, stream, put } = await setUp(1)
    await plane.recordLog.deleteTopic(stream.topic)
    await expect(
      put.handle({ StreamName: 'events', Records: [{ PartitionKey: 'a', Data: bytes('1') }] }, plane.context),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
  })
})
