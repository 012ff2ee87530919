import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { MAX_SHARD_INDEX, parseShardId, resolveShardId, shardIdOf } from './shard-ids.ts'

const anyShardIndex = fc.integer({ min: 0, max: MAX_SHARD_INDEX })

describe('shardIdOf', () => {
  it('pads the index to 12 digits', () => {
    expect(shardIdOf(7)).toBe('shardId-000000000007')
    expect(shardIdOf(0)).toBe('shardId-000000000000')
    expect(shardIdOf(MAX_SHARD_INDEX)).toBe('shardId-002147483647')
  })

  it('gives the same id on every call, below and above the indices whose ids are kept', () => {
    for (const index of [1, 4095, 4096, 4097, 123_456]) {
      const expected = `shardId-${String(index).padStart(12, '0')}`
      expect(shardIdOf(index)).toBe(expected)
      expect(shardIdOf(index)).toBe(expected)
    }
  })

  it('rejects what is not a partition number', () => {
    for (const index of [-1, 1.5, MAX_SHARD_INDEX + 1, Number.NaN])
      expect(() => shardIdOf(index)).toThrow(RangeError)
  })
})

describe('parseShardId', () => {
  it('round-trips every shard index', () => {
    fc.assert(
      fc.property(anyShardIndex, (index) => {
        expect(parseShardId(shardIdOf(index))).toBe(index)
      }),
    )
  })

  it('accepts only the canonical form', () => {
    for (const id of [
      'shardId-7',
      'shardId-0000000000007',
      'shardid-000000000007',
      'shardId-00000000000a',
      '7',
    ]) {
      expect(parseShardId(id)).toBeUndefined()
    }
    expect(parseShardId('shardId-002147483648')).toBeUndefined()
  })
})

describe('resolveShardId', () => {
  it.each([
    ['shardId-000000000005', 5],
    ['shardId-5', 5],
    ['shard-0', 0],
    ['a-00002147483647', MAX_SHARD_INDEX],
    ['-00002147483647', MAX_SHARD_INDEX],
    ['2147483647', MAX_SHARD_INDEX],
    ['anything.at_all-12', 12],
  ])('reads %s as shard %i, as Kinesis does', (id, index) => {
    expect(resolveShardId(id)).toBe(index)
  })

  it.each(['2147483648', 'shardId-002147483648', 'ABKLFD8', '2.14E4', 'shardId-', 'a-b-3', 'shardId-1x', ''])(
    'finds no shard for %j',
    (id) => {
      expect(resolveShardId(id)).toBeUndefined()
    },
  )

  it('agrees with parseShardId on canonical ids', () => {
    fc.assert(
      fc.property(anyShardIndex, (index) => {
        expect(resolveShardId(shardIdOf(index))).toBe(index)
      }),
    )
  })
})
