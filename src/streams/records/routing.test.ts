import { describe, expect, it } from 'vitest'

import { hashKeyOfPartitionKey, MAX_HASH_KEY, toHexHashKey } from '../../mapping/hash-keys.ts'
import type { ShardRecord, StreamRecord } from '../../ports/stream-catalog.ts'
import { hashKeyOfRecord, StreamRoutingCache } from './routing.ts'

const HALF = (MAX_HASH_KEY + 1n) / 2n

function shard(index: number, start: bigint, end: bigint, extra: Partial<ShardRecord> = {}): ShardRecord {
  return {
    index,
    startingHashKey: start.toString(),
    endingHashKey: end.toString(),
    createdAtMillis: 0,
    ...extra,
  }
}

function streamWith(shards: ShardRecord[], version = 1): StreamRecord {
  return {
    accountId: '123456789012',
    region: 'us-east-1',
    streamName: 'routing',
    streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/routing',
    topic: 'kinesis.123456789012.us-east-1.routing',
    incarnation: 1,
    createdAtMillis: 1,
    status: 'ACTIVE',
    mode: 'PROVISIONED',
    retentionPeriodHours: 24,
    encryption: { type: 'NONE' },
    shardLevelMetrics: [],
    maxRecordSizeKiB: 1024,
    shards,
    tags: {},
    version,
  }
}

describe('hashKeyOfRecord', () => {
  it('is the MD5 of the partition key, or the ExplicitHashKey when given', () => {
    expect(hashKeyOfRecord('abc', undefined)).toBe(hashKeyOfPartitionKey('abc'))
    expect(hashKeyOfRecord('abc', '42')).toBe('0000000000000000000000000000002a')
    expect(hashKeyOfRecord('abc', MAX_HASH_KEY.toString())).toBe('f'.repeat(32))
  })

  it('rejects an ExplicitHashKey beyond 2^128 - 1 with Kinesis wording', () => {
    expect(() => hashKeyOfRecord('abc', (MAX_HASH_KEY + 1n).toString())).toThrow(
      'Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. ' +
        'Specified value was 340282366920938463463374607431768211456',
    )
  })
})

describe('StreamRoutingCache', () => {
  const parent = shard(0, 0n, MAX_HASH_KEY, { endingOffset: 5, closedAtMillis: 10 })
  const lower = shard(1, 0n, HALF - 1n, { parentIndex: 0 })
  const upper = shard(2, HALF, MAX_HASH_KEY, { parentIndex: 0 })

  it('routes only to open shards', () => {
    const routing = new StreamRoutingCache().of(streamWith([parent, lower, upper]))
    expect(routing.openShardFor(toHexHashKey(0n))).toBe(1)
    expect(routing.openShardFor(toHexHashKey(HALF - 1n))).toBe(1)
    expect(routing.openShardFor(toHexHashKey(HALF))).toBe(2)
    expect(routing.openShardFor(toHexHashKey(MAX_HASH_KEY))).toBe(2)
  })

  it('finds shards by index, whatever their position in the list', () => {
    const routing = new StreamRoutingCache().of(streamWith([lower, upper]))
    expect(routing.shard(2)).toBe(upper)
    expect(routing.shard(0)).toBeUndefined()
  })

  it('reports the children of a split shard with their parent', () => {
    const routing = new StreamRoutingCache().of(streamWith([parent, lower, upper]))
    expect(routing.childShards(0)).toEqual([
      {
        ShardId: 'shardId-000000000001',
        ParentShards: ['shardId-000000000000'],
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: (HALF - 1n).toString() },
      },
      {
        ShardId: 'shardId-000000000002',
        ParentShards: ['shardId-000000000000'],
        HashKeyRange: { StartingHashKey: HALF.toString(), EndingHashKey: MAX_HASH_KEY.toString() },
      },
    ])
    expect(routing.childShards(1)).toEqual([])
  })

  it('reports the child of merged shards with both parents', () => {
    const closedLower = { ...lower, endingOffset: 3 }
    const closedUpper = { ...upper, endingOffset: 4 }
    const merged = shard(3, 0n, MAX_HASH_KEY, { parentIndex: 1, adjacentParentIndex: 2 })
    const routing = new StreamRoutingCache().of(streamWith([closedLower, closedUpper, merged]))
    const expected = [
      {
        ShardId: 'shardId-000000000003',
        ParentShards: ['shardId-000000000001', 'shardId-000000000002'],
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: MAX_HASH_KEY.toString() },
      },
    ]
    expect(routing.childShards(1)).toEqual(expected)
    expect(routing.childShards(2)).toEqual(expected)
    expect(routing.openShardFor(toHexHashKey(HALF))).toBe(3)
  })

  it('builds a stream routing once per version of the stream record', () => {
    const cache = new StreamRoutingCache()
    const first = cache.of(streamWith([lower, upper]))
    expect(cache.of(streamWith([lower, upper]))).toBe(first)
    const resharded = cache.of(streamWith([{ ...lower, endingOffset: 1 }, upper, shard(3, 0n, HALF - 1n)], 2))
    expect(resharded).not.toBe(first)
    expect(resharded.openShardFor(toHexHashKey(0n))).toBe(3)
  })
})

describe('resharding in the routing', () => {
  it('routes nothing to a closing parent, and names the closing ancestors of its descendants', () => {
    const routing = new StreamRoutingCache().of(
      streamWith([
        shard(0, 0n, HALF - 1n, { closingSinceMillis: 5 }),
        shard(1, HALF, MAX_HASH_KEY),
        // A short-lived child, sealed at once, and its children.
        shard(2, 0n, HALF - 1n, { parentIndex: 0, endingOffset: 0, closedAtMillis: 5 }),
        shard(3, 0n, 9n, { parentIndex: 2 }),
        shard(4, 10n, HALF - 1n, { parentIndex: 2 }),
      ]),
    )
    expect(routing.openShardFor(toHexHashKey(0n))).toBe(3)
    expect(routing.openShardFor(toHexHashKey(HALF - 1n))).toBe(4)
    expect(routing.closingAncestors(3)).toEqual([0])
    expect(routing.closingAncestors(4)).toEqual([0])
    expect(routing.closingAncestors(1)).toEqual([])
  })
})
