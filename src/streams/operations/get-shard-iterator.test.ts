import type { ShardIteratorType } from '@aws-sdk/client-kinesis'
import { describe, expect, it, vi } from 'vitest'

import { sequenceNumberOf, startingSequenceNumber } from '../../mapping/sequence-numbers.ts'
import { decodeShardIterator } from '../../mapping/shard-iterators.ts'
import {
  createTestDataPlane,
  createTestStream,
  splitTestShard,
  type TestDataPlane,
} from '../../../test/support/streams/test-streams.ts'
import { getShardIterator } from './get-shard-iterator.ts'
import { putRecord } from './put-record.ts'

async function setUp() {
  const plane = createTestDataPlane()
  const stream = await createTestStream(plane, { name: 'clicks', shardCount: 2 })
  return { plane, stream, get: getShardIterator(plane.deps) }
}

/** Writes records to shard 0 (hash key 0), one clock millisecond apart; returns their sequence numbers. */
async function writeToShardZero(plane: TestDataPlane, count: number): Promise<string[]> {
  const put = putRecord(plane.deps)
  const numbers: string[] = []
  for (let index = 0; index < count; index++) {
    plane.clock.advance(1)
    const result = await put.handle(
      { StreamName: 'clicks', PartitionKey: 'k', ExplicitHashKey: '0', Data: new Uint8Array([index]) },
      plane.context,
    )
    numbers.push(result.SequenceNumber ?? '')
  }
  return numbers
}

function offsetOf(plane: TestDataPlane, iterator: string | undefined): bigint {
  const decoded = decodeShardIterator(iterator ?? '', plane.deps.settings.iteratorKey, plane.clock.now())
  if (decoded.status !== 'ok') throw new Error(`iterator is ${decoded.status}`)
  return decoded.contents.offset
}

describe('GetShardIterator', () => {
  it('starts TRIM_HORIZON at the oldest retained record and LATEST after the newest', async () => {
    const { plane, stream, get } = await setUp()
    await writeToShardZero(plane, 5)
    plane.recordLog.trim(stream.topic, 0, 2)
    const trimHorizon = await get.handle(
      { StreamName: 'clicks', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' },
      plane.context,
    )
    const latest = await get.handle(
      { StreamName: 'clicks', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' },
      plane.context,
    )
    expect(offsetOf(plane, trimHorizon.ShardIterator)).toBe(2n)
    expect(offsetOf(plane, latest.ShardIterator)).toBe(5n)
  })

  it('starts AT_SEQUENCE_NUMBER at that record and AFTER_SEQUENCE_NUMBER after it', async () => {
    const { plane, get } = await setUp()
    const numbers = await writeToShardZero(plane, 3)
    const at = await get.handle(
      {
        StreamName: 'clicks',
        ShardId: '0',
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: numbers[1],
      },
      plane.context,
    )
    const after = await get.handle(
      {
        StreamName: 'clicks',
        ShardId: '0',
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        StartingSequenceNumber: numbers[1],
      },
      plane.context,
    )
    expect(offsetOf(plane, at.ShardIterator)).toBe(1n)
    expect(offsetOf(plane, after.ShardIterator)).toBe(2n)
  })

  it("takes the shard's StartingSequenceNumber as the position before its first record", async () => {
    const { plane, stream, get } = await setUp()
    await writeToShardZero(plane, 2)
    const start = startingSequenceNumber({ incarnation: stream.incarnation, shardIndex: 0 })
    for (const type of ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const) {
      const result = await get.handle(
        { StreamName: 'clicks', ShardId: '0', ShardIteratorType: type, StartingSequenceNumber: start },
        plane.context,
      )
      expect(offsetOf(plane, result.ShardIterator)).toBe(0n)
    }
  })

  it('starts AT_TIMESTAMP at the first record that arrived at or after the time', async () => {
    const { plane, get } = await setUp()
    const before = plane.clock.now()
    await writeToShardZero(plane, 3)
    const at = async (millis: number) =>
      offsetOf(
        plane,
        (
          await get.handle(
            {
              StreamName: 'clicks',
              ShardId: '0',
              ShardIteratorType: 'AT_TIMESTAMP',
              Timestamp: new Date(millis),
            },
            plane.context,
          )
        ).ShardIterator,
      )
    expect(await at(before + 2)).toBe(1n)
    expect(await at(before - 1_000_000)).toBe(0n)
    expect(await at(-5)).toBe(0n)
    plane.clock.advance(10)
    expect(await at(plane.clock.now())).toBe(3n)
  })

  it('accepts the lenient shard id forms Kinesis accepts', async () => {
    const { plane, get } = await setUp()
    for (const shardId of ['shardId-000000000001', '1', 'shard-1', 'anything-00001']) {
      const result = await get.handle(
        { StreamName: 'clicks', ShardId: shardId, ShardIteratorType: 'LATEST' },
        plane.context,
      )
      const decoded = decodeShardIterator(
        result.ShardIterator ?? '',
        plane.deps.settings.iteratorKey,
        plane.clock.now(),
      )
      expect(decoded).toMatchObject({ status: 'ok', contents: { shardIndex: 1, streamName: 'clicks' } })
    }
  })

  it('answers ResourceNotFoundException for a shard the stream does not have, or a stream that does not exist', async () => {
    const { plane, get } = await setUp()
    await expect(
      get.handle({ StreamName: 'clicks', ShardId: 'shardId-5', ShardIteratorType: 'LATEST' }, plane.context),
    ).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: 'Shard shardId-000000000005 in stream clicks under account 123456789012 does not exist',
    })
    await expect(
      get.handle({ StreamName: 'gone', ShardId: '0', ShardIteratorType: 'LATEST' }, plane.context),
    ).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: 'Shard shardId-000000000000 in stream gone under account 123456789012 does not exist',
    })
    await expect(
      get.handle({ StreamName: 'clicks', ShardId: 'ABKLFD8', ShardIteratorType: 'LATEST' }, plane.context),
    ).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: 'Could not find shard ABKLFD8 in stream clicks under account 123456789012.',
    })
  })

  it('rejects a sequence number of another shard', async () => {
    const { plane, get } = await setUp()
    const [number] = await writeToShardZero(plane, 1)
    await expect(
      get.handle(
        {
          StreamName: 'clicks',
          ShardId: '1',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: number,
        },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        'Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001',
    })
  })

  it('rejects a sequence number of an earlier stream of the same name, and one it never issued', async () => {
    const { plane, stream, get } = await setUp()
    const earlier = sequenceNumberOf({ incarnation: stream.incarnation - 1000, shardIndex: 0 }, 0n)
    await expect(
      get.handle(
        {
          StreamName: 'clicks',
          ShardId: '0',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: earlier,
        },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        `StartingSequenceNumber ${earlier} used in GetShardIterator on shard shardId-000000000000 in stream clicks ` +
        'under account 123456789012 is invalid because it did not come from this stream.',
    })
    await expect(
      get.handle(
        {
          StreamName: 'clicks',
          ShardId: '0',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: '5',
        },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        'StartingSequenceNumber 5 used in GetShardIterator on shard shardId-000000000000 in stream clicks ' +
        'under account 123456789012 is invalid.',
    })
  })

  it.each<[ShardIteratorType, string | undefined, string]>([
    ['AT_SEQUENCE_NUMBER', undefined, 'Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.'],
    [
      'AFTER_SEQUENCE_NUMBER',
      undefined,
      'Request specified AFTER_SEQUENCE_NUMBER and no StartingSequenceNumber.',
    ],
    ['LATEST', '5', 'Request specified LATEST and also a StartingSequenceNumber.'],
    ['TRIM_HORIZON', '5', 'Request specified TRIM_HORIZON and also a StartingSequenceNumber.'],
  ])('rejects %s with StartingSequenceNumber %s', async (type, sequenceNumber, ending) => {
    const { plane, get } = await setUp()
    const input = { StreamName: 'clicks', ShardId: '0', ShardIteratorType: type }
    await expect(
      get.handle(
        sequenceNumber === undefined ? input : { ...input, StartingSequenceNumber: sequenceNumber },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
        `(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ${ending}`,
    })
  })

  it('requires a Timestamp for AT_TIMESTAMP', async () => {
    const { plane, get } = await setUp()
    await expect(
      get.handle({ StreamName: 'clicks', ShardId: '0', ShardIteratorType: 'AT_TIMESTAMP' }, plane.context),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
    })
  })

  it('reports constraint violations in the order Kinesis does', async () => {
    const { plane, get } = await setUp()
    await expect(
      get.handle(
        {
          StreamName: '',
          ShardId: '',
          ShardIteratorType: '' as ShardIteratorType,
          StartingSequenceNumber: '',
        },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '6 validation errors detected: ' +
        "Value '' at 'shardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'shardId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: " +
        '[AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]; ' +
        "Value '' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    })
  })

  it('starts LATEST of a closed shard at its end, even if records were written past it', async () => {
    const { plane, stream, get } = await setUp()
    await writeToShardZero(plane, 2)
    await splitTestShard(plane, 'clicks', 0)
    plane.clock.advance(1)
    await plane.recordLog.append(stream.topic, [
      { partition: 0, key: Buffer.from('late'), value: Buffer.from('x') },
    ])
    const latest = await get.handle(
      { StreamName: 'clicks', ShardId: '0', ShardIteratorType: 'LATEST' },
      plane.context,
    )
    expect(offsetOf(plane, latest.ShardIterator)).toBe(2n)
    const afterEnd = await get.handle(
      {
        StreamName: 'clicks',
        ShardId: '0',
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: new Date(plane.clock.now()),
      },
      plane.context,
    )
    expect(offsetOf(plane, afterEnd.ShardIterator)).toBe(2n)
  })

  it('refuses an AT_TIMESTAMP in the future with Kinesis wording', async () => {
    const { plane, get } = await setUp()
    const now = plane.clock.now()
    await expect(
      get.handle(
        {
          StreamName: 'clicks',
          ShardId: '0',
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: new Date(now + 1),
        },
        plane.context,
      ),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        'The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. ' +
        `timestampInMillis: ${String(now + 1)}, currentTimestampInMillis: ${String(now)}`,
    })
    const atNow = await get.handle(
      { StreamName: 'clicks', ShardId: '0', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(now) },
      plane.context,
    )
    expect(offsetOf(plane, atNow.ShardIterator)).toBe(0n)
  })

  it('reads the stream from the cached catalog only, never the catalog store', async () => {
    const { plane, stream, get } = await setUp()
    vi.spyOn(plane.catalog, 'getCached').mockResolvedValue(stream)
    const storeRead = vi.spyOn(plane.catalog, 'get')
    await get.handle({ StreamName: 'clicks', ShardId: '0', ShardIteratorType: 'TRIM_HORIZON' }, plane.context)
    expect(storeRead).not.toHaveBeenCalled()
  })
})
