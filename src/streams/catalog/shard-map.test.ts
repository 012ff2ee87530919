import { describe, expect, it } from 'vitest'

import { endingSequenceNumber, startingSequenceNumber } from '../../mapping/sequence-numbers.ts'
import type { ShardRecord, StreamRecord } from '../../ports/stream-catalog.ts'
import {
  describeShard,
  initialShards,
  isOpen,
  openShardCount,
  selectShards,
  shardsAfter,
  trimHorizonMillis,
} from './shard-map.ts'

const HOUR = 3_600_000
const CREATED = Date.UTC(2026, 0, 1)

function streamWith(shards: ShardRecord[], retentionPeriodHours = 24): StreamRecord {
  return {
    accountId: '123456789012',
    region: 'us-east-1',
    streamName: 'orders',
    streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
    topic: 'kinesis.123456789012.us-east-1.orders',
    incarnation: CREATED,
    createdAtMillis: CREATED,
    status: 'ACTIVE',
    mode: 'PROVISIONED',
    retentionPeriodHours,
    encryption: { type: 'NONE' },
    shardLevelMetrics: [],
    maxRecordSizeKiB: 1024,
    shards,
    tags: {},
    version: 1,
  }
}

function shard(index: number, createdAtMillis: number, closedAtMillis?: number): ShardRecord {
  return {
    index,
    startingHashKey: '0',
    endingHashKey: '1',
    createdAtMillis,
    ...(closedAtMillis === undefined ? {} : { closedAtMillis, endingOffset: 10 }),
  }
}

// Shard 0 closed two hours after creation into 1 and 2; shard 1 closed 30 hours after creation into 3.
const lineage = [
  shard(0, CREATED, CREATED + 2 * HOUR),
  { ...shard(1, CREATED + 2 * HOUR, CREATED + 30 * HOUR), parentIndex: 0 },
  { ...shard(2, CREATED + 2 * HOUR), parentIndex: 0 },
  { ...shard(3, CREATED + 30 * HOUR), parentIndex: 1 },
]
const ids = (shards: ShardRecord[]) => shards.map((each) => each.index)

describe('initialShards', () => {
  it('splits the key space evenly into open shards numbered from 0', () => {
    const shards = initialShards(3, CREATED)
    expect(shards.map((each) => [each.index, each.startingHashKey, each.endingHashKey])).toEqual([
      [0, '0', '113427455640312821154458202477256070484'],
      [1, '113427455640312821154458202477256070485', '226854911280625642308916404954512140969'],
      [2, '226854911280625642308916404954512140970', '340282366920938463463374607431768211455'],
    ])
    expect(shards.every(isOpen)).toBe(true)
    expect(openShardCount(streamWith(shards))).toBe(3)
  })
})

describe('describeShard', () => {
  it('shows an open shard without an EndingSequenceNumber or parents', () => {
    const stream = streamWith(initialShards(1, CREATED))
    expect(describeShard(stream, stream.shards[0] as ShardRecord)).toEqual({
      ShardId: 'shardId-000000000000',
      HashKeyRange: { StartingHashKey: '0', EndingHashKey: '340282366920938463463374607431768211455' },
      SequenceNumberRange: {
        StartingSequenceNumber: startingSequenceNumber({ incarnation: CREATED, shardIndex: 0 }),
      },
    })
  })

  it('shows a closed child with its parents and EndingSequenceNumber', () => {
    const child: ShardRecord = {
      ...shard(4, CREATED, CREATED + HOUR),
      parentIndex: 1,
      adjacentParentIndex: 2,
    }
    const described = describeShard(streamWith([child]), child)
    expect(described.ParentShardId).toBe('shardId-000000000001')
    expect(described.AdjacentParentShardId).toBe('shardId-000000000002')
    expect(described.SequenceNumberRange?.EndingSequenceNumber).toBe(
      endingSequenceNumber({ incarnation: CREATED, shardIndex: 4 }, 10n),
    )
  })
})

describe('shardsAfter', () => {
  it('keeps the shards whose ids sort after the given one, known or not', () => {
    const shards = initialShards(12, CREATED)
    expect(ids(shardsAfter(shards, 'shardId-000000000009'))).toEqual([10, 11])
    expect(ids(shardsAfter(shards, 'shardId-000000000011'))).toEqual([])
    expect(ids(shardsAfter(shards, 'z'))).toEqual([])
    expect(ids(shardsAfter(shards, 'a'))).toHaveLength(12)
    expect(ids(shardsAfter(shards, 'shardId-00000000000'))).toHaveLength(12)
  })
})

describe('selectShards', () => {
  const now = CREATED + 40 * HOUR // trim horizon: 16 hours after creation
  const stream = streamWith(lineage)

  it('starts the trim horizon at creation for a young stream', () => {
    expect(trimHorizonMillis(stream, CREATED + HOUR)).toBe(CREATED)
    expect(trimHorizonMillis(stream, now)).toBe(CREATED + 16 * HOUR)
  })

  it('FROM_TRIM_HORIZON leaves out shards closed before the trim horizon', () => {
    expect(ids(selectShards(stream, { type: 'FROM_TRIM_HORIZON' }, now))).toEqual([1, 2, 3])
    expect(ids(selectShards(stream, { type: 'FROM_TRIM_HORIZON' }, CREATED + 3 * HOUR))).toEqual([0, 1, 2, 3])
  })

  it('AT_TRIM_HORIZON lists the shards open at the trim horizon', () => {
    expect(ids(selectShards(stream, { type: 'AT_TRIM_HORIZON' }, now))).toEqual([1, 2])
    expect(ids(selectShards(stream, { type: 'AT_TRIM_HORIZON' }, CREATED + 3 * HOUR))).toEqual([0])
  })

  it('AT_LATEST lists the open shards', () => {
    expect(ids(selectShards(stream, { type: 'AT_LATEST' }, now))).toEqual([2, 3])
  })

  it('AT_TIMESTAMP lists the shards open at that time, no earlier than the trim horizon', () => {
    const at = (hours: number) => ({ type: 'AT_TIMESTAMP' as const, timestampMillis: CREATED + hours * HOUR })
    expect(ids(selectShards(stream, at(35), now))).toEqual([2, 3])
    expect(ids(selectShards(stream, at(30), now))).toEqual([1, 2, 3])
    expect(ids(selectShards(stream, at(1), now))).toEqual([1, 2])
    expect(ids(selectShards(stream, at(1), CREATED + 3 * HOUR))).toEqual([0])
  })

  it('FROM_TIMESTAMP lists the open shards and those closed at or after that time', () => {
    const from = (hours: number) => ({
      type: 'FROM_TIMESTAMP' as const,
      timestampMillis: CREATED + hours * HOUR,
    })
    expect(ids(selectShards(stream, from(31), now))).toEqual([2, 3])
    expect(ids(selectShards(stream, from(30), now))).toEqual([1, 2, 3])
    expect(ids(selectShards(stream, from(0), now))).toEqual([1, 2, 3])
  })

  it('AFTER_SHARD_ID lists the retained shards after that id', () => {
    expect(
      ids(selectShards(stream, { type: 'AFTER_SHARD_ID', shardId: 'shardId-000000000001' }, now)),
    ).toEqual([2, 3])
  })
})
