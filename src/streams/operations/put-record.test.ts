import { describe, expect, it, vi } from 'vitest'

import { fromHexHashKey, hashKeyOfPartitionKey, MAX_HASH_KEY } from '../../mapping/hash-keys.ts'
import { decodeSequenceNumber, sequenceNumberOf } from '../../mapping/sequence-numbers.ts'
import { RecordLogUnavailableError } from '../../ports/record-log.ts'
import { derivedKeyRing } from '../records/record-encryption.ts'
import { EXPLICIT_HASH_KEY_HEADER } from '../records/record-envelope.ts'
import {
  createTestDataPlane,
  createTestStream,
  type TestDataPlane,
} from '../../../test/support/streams/test-streams.ts'
import { putRecord } from './put-record.ts'

const bytes = (text: string) => new Uint8Array(Buffer.from(text))

async function setUp(shardCount = 4) {
  const plane = createTestDataPlane()
  const stream = await createTestStream(plane, { name: 'orders', shardCount })
  return { plane, stream, put: putRecord(plane.deps) }
}

function storedRecords(plane: TestDataPlane, topic: string, partition: number) {
  return plane.recordLog.read(topic, partition, 0, { maxRecords: 100, maxBytes: 1 << 30, maxWaitMs: 0 })
}

describe('PutRecord', () => {
  it('routes a partition key to the open shard owning its MD5 hash key, always the same one', async () => {
    const { plane, put } = await setUp(4)
    const quarter = (MAX_HASH_KEY + 1n) / 4n
    const expectedShard = Number(fromHexHashKey(hashKeyOfPartitionKey('customer-42')) / quarter)
    const first = await put.handle(
      { StreamName: 'orders', PartitionKey: 'customer-42', Data: bytes('a') },
      plane.context,
    )
    const second = await put.handle(
      { StreamName: 'orders', PartitionKey: 'customer-42', Data: bytes('b') },
      plane.context,
    )
    expect(first.ShardId).toBe(`shardId-00000000000${expectedShard}`)
    expect(second.ShardId).toBe(first.ShardId)
  })

  it('routes by ExplicitHashKey when given, ignoring the partition key', async () => {
    const { plane, put } = await setUp(4)
    const result = await put.handle(
      { StreamName: 'orders', PartitionKey: 'a', ExplicitHashKey: MAX_HASH_KEY.toString(), Data: bytes('x') },
      plane.context,
    )
    expect(result.ShardId).toBe('shardId-000000000003')
    const zero = await put.handle(
      { StreamName: 'orders', PartitionKey: 'a', ExplicitHashKey: '0', Data: bytes('x') },
      plane.context,
    )
    expect(zero.ShardId).toBe('shardId-000000000000')
  })

  it('numbers records by their Kafka offset, increasing within a shard', async () => {
    const { plane, stream, put } = await setUp(1)
    const numbers: string[] = []
    for (let index = 0; index < 3; index++) {
      const result = await put.handle(
        { StreamName: 'orders', PartitionKey: `key-${index}`, Data: bytes('x') },
        plane.context,
      )
      numbers.push(result.SequenceNumber ?? '')
    }
    expect(numbers).toEqual(
      [0n, 1n, 2n].map((offset) =>
        sequenceNumberOf({ incarnation: stream.incarnation, shardIndex: 0 }, offset),
      ),
    )
    expect([...numbers].sort()).toEqual(numbers)
    expect(new Set(numbers).size).toBe(3)
  })

  it('stores the partition key as the Kafka key and the data untouched, with a header only for ExplicitHashKey', async () => {
    const { plane, stream, put } = await setUp(1)
    await put.handle({ StreamName: 'orders', PartitionKey: 'plain', Data: bytes('hello') }, plane.context)
    await put.handle(
      { StreamName: 'orders', PartitionKey: 'explicit', ExplicitHashKey: '12345', Data: bytes('world') },
      plane.context,
    )
    const [plain, explicit] = (await storedRecords(plane, stream.topic, 0)).records
    expect(plain?.key?.toString()).toBe('plain')
    expect(plain?.value?.toString()).toBe('hello')
    expect(plain?.headers).toEqual({})
    expect(explicit?.headers[EXPLICIT_HASH_KEY_HEADER]?.toString()).toBe('12345')
  })

  it('answers ShardId, SequenceNumber and EncryptionType', async () => {
    const { plane, stream, put } = await setUp(1)
    const result = await put.handle(
      { StreamName: 'orders', PartitionKey: 'a', Data: bytes('x') },
      plane.context,
    )
    expect(result).toEqual({
      ShardId: 'shardId-000000000000',
      SequenceNumber: sequenceNumberOf({ incarnation: stream.incarnation, shardIndex: 0 }, 0n),
      EncryptionType: 'NONE',
    })
    expect(decodeSequenceNumber(result.SequenceNumber ?? '')).toMatchObject({ ok: true, shardIndex: 0 })
  })

  it('accepts the stream by ARN', async () => {
    const { plane, stream, put } = await setUp(1)
    const result = await put.handle(
      { StreamARN: stream.streamArn, PartitionKey: 'a', Data: bytes('x') },
      plane.context,
    )
    expect(result.ShardId).toBe('shardId-000000000000')
  })

  it('counts the partition key with the data against the stream maximum record size', async () => {
    const { plane, put } = await setUp(1)
    const limit = 1024 * 1024
    await put.handle(
      { StreamName: 'orders', PartitionKey: 'key', Data: new Uint8Array(limit - 3) },
      plane.context,
    )
    await expect(
      put.handle(
        { StreamName: 'orders', PartitionKey: 'key', Data: new Uint8Array(limit - 2) },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048574 cap=1048574]' at 'data' " +
        'failed to satisfy constraint: Member must have length less than or equal to 1048573 (the data blob ' +
        'added to the partition key size, 1048577 bytes, must not exceed the maximum record size of 1048576 bytes)',
    })
  })

  it('names data plus partition key when 10 MiB of data and a 1-byte key exceed a 10 MiB record size', async () => {
    const plane = createTestDataPlane()
    await createTestStream(plane, { name: 'large', maxRecordSizeKiB: 10240 })
    await expect(
      putRecord(plane.deps).handle(
        { StreamName: 'large', PartitionKey: 'k', Data: new Uint8Array(10 * 1024 * 1024) },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485760 cap=10485760]' at 'data' " +
        'failed to satisfy constraint: Member must have length less than or equal to 10485759 (the data blob ' +
        'added to the partition key size, 10485761 bytes, must not exceed the maximum record size of 10485760 bytes)',
    })
  })

  it('takes records up to a raised maximum record size', async () => {
    const plane = createTestDataPlane()
    await createTestStream(plane, { name: 'large', maxRecordSizeKiB: 2048 })
    const result = await putRecord(plane.deps).handle(
      { StreamName: 'large', PartitionKey: 'k', Data: new Uint8Array(2 * 1024 * 1024 - 1) },
      plane.context,
    )
    expect(result.ShardId).toBe('shardId-000000000000')
  })

  it('reports constraint violations in the order Kinesis does, before anything else', async () => {
    const { plane, put } = await setUp(1)
    await expect(
      put.handle(
        {
          StreamName: '',
          PartitionKey: 'p'.repeat(257),
          ExplicitHashKey: 'x',
          SequenceNumberForOrdering: 'y',
          Data: bytes(''),
        },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '5 validation errors detected: ' +
        "Value 'y' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); " +
        `Value '${'p'.repeat(257)}' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256; ` +
        "Value 'x' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    })
  })

  it('rejects an ExplicitHashKey above 2^128 - 1', async () => {
    const { plane, put } = await setUp(1)
    const tooLarge = (MAX_HASH_KEY + 1n).toString()
    await expect(
      put.handle(
        { StreamName: 'orders', PartitionKey: 'a', ExplicitHashKey: tooLarge, Data: bytes('x') },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${tooLarge}`,
    })
  })

  it('accepts a SequenceNumberForOrdering it issued and rejects one it cannot have issued', async () => {
    const { plane, put } = await setUp(1)
    const first = await put.handle(
      { StreamName: 'orders', PartitionKey: 'a', Data: bytes('1') },
      plane.context,
    )
    await put.handle(
      {
        StreamName: 'orders',
        PartitionKey: 'a',
        Data: bytes('2'),
        SequenceNumberForOrdering: first.SequenceNumber,
      },
      plane.context,
    )
    const afterZero = await put.handle(
      { StreamName: 'orders', PartitionKey: 'a', Data: bytes('2'), SequenceNumberForOrdering: '0' },
      plane.context,
    )
    expect(afterZero.ShardId).toBe('shardId-000000000000')
    await expect(
      put.handle(
        { StreamName: 'orders', PartitionKey: 'a', Data: bytes('3'), SequenceNumberForOrdering: '12' },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        'ExclusiveMinimumSequenceNumber 12 used in PutRecord on stream orders under account 123456789012 is invalid.',
    })
  })

  it('answers ResourceNotFoundException for an unknown stream and for one CREATING or DELETING', async () => {
    const plane = createTestDataPlane()
    await createTestStream(plane, { name: 'creating', status: 'CREATING' })
    await createTestStream(plane, { name: 'deleting', status: 'DELETING' })
    const put = putRecord(plane.deps)
    for (const name of ['missing', 'creating', 'deleting']) {
      await expect(
        put.handle({ StreamName: name, PartitionKey: 'a', Data: bytes('x') }, plane.context),
      ).rejects.toMatchObject({
        type: 'ResourceNotFoundException',
        message: `Stream ${name} under account 123456789012 not found.`,
      })
    }
  })

  it('writes to an UPDATING stream', async () => {
    const plane = createTestDataPlane()
    await createTestStream(plane, { name: 'updating', status: 'UPDATING' })
    const result = await putRecord(plane.deps).handle(
      { StreamName: 'updating', PartitionKey: 'a', Data: bytes('x') },
      plane.context,
    )
    expect(result.ShardId).toBe('shardId-000000000000')
  })

  it('answers a retriable ServiceUnavailable when Kafka does not acknowledge', async () => {
    const { plane, put } = await setUp(1)
    vi.spyOn(plane.recordLog, 'append').mockRejectedValue(new RecordLogUnavailableError('down'))
    await expect(
      put.handle({ StreamName: 'orders', PartitionKey: 'a', Data: bytes('x') }, plane.context),
    ).rejects.toMatchObject({ type: 'ServiceUnavailable', status: 503 })
  })

  it('seals the data of a KMS-encrypted stream and says so', async () => {
    const plane = createTestDataPlane({ keyRing: derivedKeyRing(Buffer.alloc(32, 7)) })
    const stream = await createTestStream(plane, {
      name: 'secret',
      encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' },
    })
    const result = await putRecord(plane.deps).handle(
      { StreamName: 'secret', PartitionKey: 'a', Data: bytes('confidential') },
      plane.context,
    )
    expect(result.EncryptionType).toBe('KMS')
    const [stored] = (await storedRecords(plane, stream.topic, 0)).records
    expect(stored?.value?.toString()).not.toContain('confidential')
    expect(stored?.headers['kinesis-encryption']?.toString()).toBe('kms:alias/aws/kinesis')
  })

  it('answers KMSNotFoundException for an encrypted stream when no key ring provides its key', async () => {
    const plane = createTestDataPlane()
    await createTestStream(plane, { name: 'secret', encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' } })
    await expect(
      putRecord(plane.deps).handle(
        { StreamName: 'secret', PartitionKey: 'a', Data: bytes('x') },
        plane.context,
      ),
    ).rejects.toMatchObject({ type: 'KMSNotFoundException' })
  })
})
