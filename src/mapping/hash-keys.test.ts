import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  HASH_KEY_COUNT,
  HashKeyRouter,
  MAX_HASH_KEY,
  areAdjacent,
  evenHashKeyRanges,
  fromAwsHashKeyRange,
  fromHexHashKey,
  hashKeyOfPartitionKey,
  isValidSplitHashKey,
  mergeHashKeyRanges,
  midpointHashKey,
  parseHashKey,
  rangeContains,
  splitHashKeyRange,
  toAwsHashKeyRange,
  toHexHashKey,
  type HashKeyRange,
} from './hash-keys.ts'

const anyHashKey = fc.bigInt({ min: 0n, max: MAX_HASH_KEY })

function awsRanges(shardCount: number): [string, string][] {
  return evenHashKeyRanges(shardCount).map((range) => [range.start.toString(), range.end.toString()])
}

describe('hashKeyOfPartitionKey', () => {
  it.each([
    ['', 281949768489412648962353822266799178366n],
    ['a', 16955237001963240173058271559858726497n],
    ['partitionKey-1', 159499196025307651934328298402289840726n],
    ['ü', 255482112228542481294366945247899473731n],
    ['日本語', 88491575051939950596574576699976684n],
  ])('reads MD5(%j) as a big-endian unsigned integer', (partitionKey, expected) => {
    expect(fromHexHashKey(hashKeyOfPartitionKey(partitionKey))).toBe(expected)
  })

  it('always lies in the key space', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 256 }), (partitionKey) => {
        expect(hashKeyOfPartitionKey(partitionKey)).toMatch(/^[0-9a-f]{32}$/)
      }),
      { numRuns: 50 },
    )
  })
})

describe('HexHashKey', () => {
  it('gives back the hash key it was made from, in exactly 32 lowercase hex digits', () => {
    fc.assert(
      fc.property(anyHashKey, (hashKey) => {
        expect(toHexHashKey(hashKey)).toMatch(/^[0-9a-f]{32}$/)
        expect(fromHexHashKey(toHexHashKey(hashKey))).toBe(hashKey)
      }),
    )
  })

  it('orders as strings the way the hash keys order as numbers', () => {
    fc.assert(
      fc.property(anyHashKey, anyHashKey, (a, b) => {
        expect(toHexHashKey(a) < toHexHashKey(b)).toBe(a < b)
        expect(toHexHashKey(a) === toHexHashKey(b)).toBe(a === b)
      }),
    )
  })
})

describe('parseHashKey', () => {
  it('accepts decimal keys from 0 to 2^128 - 1', () => {
    expect(parseHashKey('0')).toEqual({ ok: true, hashKey: 0n })
    expect(parseHashKey('340282366920938463463374607431768211455')).toEqual({
      ok: true,
      hashKey: MAX_HASH_KEY,
    })
  })

  it('tells a key above 2^128 - 1 from one that is not a decimal number', () => {
    expect(parseHashKey('340282366920938463463374607431768211456')).toEqual({
      ok: false,
      reason: 'out-of-range',
    })
    expect(parseHashKey('999999999999999999999999999999999999999')).toEqual({
      ok: false,
      reason: 'out-of-range',
    })
    for (const text of ['', '-1', '01', '1.5', ' 1', '1e3', '0x10', 'abc']) {
      expect(parseHashKey(text)).toEqual({ ok: false, reason: 'not-decimal' })
    }
  })

  it('round-trips every key', () => {
    fc.assert(
      fc.property(anyHashKey, (hashKey) => {
        expect(parseHashKey(hashKey.toString())).toEqual({ ok: true, hashKey })
      }),
    )
  })
})

describe('evenHashKeyRanges', () => {
  it('reproduces the ranges Kinesis gives a 3-shard stream', () => {
    expect(awsRanges(3)).toEqual([
      ['0', '113427455640312821154458202477256070484'],
      ['113427455640312821154458202477256070485', '226854911280625642308916404954512140969'],
      ['226854911280625642308916404954512140970', '340282366920938463463374607431768211455'],
    ])
  })

  it('reproduces the ranges Kinesis gives a 4-shard stream', () => {
    expect(awsRanges(4)).toEqual([
      ['0', '85070591730234615865843651857942052863'],
      ['85070591730234615865843651857942052864', '170141183460469231731687303715884105727'],
      ['170141183460469231731687303715884105728', '255211775190703847597530955573826158591'],
      ['255211775190703847597530955573826158592', '340282366920938463463374607431768211455'],
    ])
  })

  it('reproduces the ranges Kinesis gives a 6-shard stream (where floor(i * 2^128 / n) would differ)', () => {
    expect(awsRanges(6)).toEqual([
      ['0', '56713727820156410577229101238628035241'],
      ['56713727820156410577229101238628035242', '113427455640312821154458202477256070483'],
      ['113427455640312821154458202477256070484', '170141183460469231731687303715884105725'],
      ['170141183460469231731687303715884105726', '226854911280625642308916404954512140967'],
      ['226854911280625642308916404954512140968', '283568639100782052886145506193140176209'],
      ['283568639100782052886145506193140176210', '340282366920938463463374607431768211455'],
    ])
  })

  it('gives one shard the whole space', () => {
    expect(evenHashKeyRanges(1)).toEqual([{ start: 0n, end: MAX_HASH_KEY }])
  })

  it('covers the whole key space contiguously for any shard count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (shardCount) => {
        const ranges = evenHashKeyRanges(shardCount)
        expect(ranges).toHaveLength(shardCount)
        expect(ranges[0]?.start).toBe(0n)
        expect(ranges.at(-1)?.end).toBe(MAX_HASH_KEY)
        for (const [index, range] of ranges.entries()) {
          expect(range.start <= range.end).toBe(true)
          const next = ranges[index + 1]
          if (next !== undefined) expect(next.start).toBe(range.end + 1n)
        }
      }),
    )
  })

  it('rejects counts that are not positive integers', () => {
    for (const count of [0, -1, 1.5, Number.NaN]) expect(() => evenHashKeyRanges(count)).toThrow(RangeError)
  })
})

describe('AWS representation', () => {
  it('round-trips decimal strings', () => {
    const range = { start: 5n, end: MAX_HASH_KEY }
    expect(toAwsHashKeyRange(range)).toEqual({
      StartingHashKey: '5',
      EndingHashKey: '340282366920938463463374607431768211455',
    })
    expect(fromAwsHashKeyRange(toAwsHashKeyRange(range))).toEqual(range)
  })
})

describe('HashKeyRouter', () => {
  it('routes every key of an even split to the shard whose range holds it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(anyHashKey, { maxLength: 50 }),
        (shardCount, keys) => {
          const ranges = evenHashKeyRanges(shardCount)
          const router = new HashKeyRouter(ranges.map((range, shardIndex) => ({ shardIndex, range })))
          expect(router.coversKeySpace()).toBe(true)
          for (const hashKey of [
            0n,
            MAX_HASH_KEY,
            ...keys,
            ...ranges.flatMap((range) => [range.start, range.end]),
          ]) {
            const shardIndex = router.shardIndexFor(toHexHashKey(hashKey))
            expect(shardIndex).toBeDefined()
            expect(rangeContains(ranges[shardIndex ?? -1] as HashKeyRange, hashKey)).toBe(true)
          }
        },
      ),
    )
  })

  it('routes the golden 3-shard boundaries like Kinesis', () => {
    const router = new HashKeyRouter(evenHashKeyRanges(3).map((range, shardIndex) => ({ shardIndex, range })))
    const boundary = (HASH_KEY_COUNT / 3n) * 2n
    expect(router.shardIndexFor(toHexHashKey(boundary - 1n))).toBe(1)
    expect(router.shardIndexFor(toHexHashKey(boundary))).toBe(2)
    expect(router.shardIndexFor(toHexHashKey(MAX_HASH_KEY))).toBe(2)
    expect(router.shardIndexFor(hashKeyOfPartitionKey('a'))).toBe(0)
  })

  it('uses shard indices, not positions, and accepts shards in any order', () => {
    const [lower, upper] = splitHashKeyRange({ start: 0n, end: MAX_HASH_KEY }, 1n << 127n)
    const router = new HashKeyRouter([
      { shardIndex: 2, range: upper },
      { shardIndex: 1, range: lower },
    ])
    expect(router.shardIndexFor(toHexHashKey(0n))).toBe(1)
    expect(router.shardIndexFor(toHexHashKey(1n << 127n))).toBe(2)
  })

  it('finds no shard in a gap and reports incomplete coverage', () => {
    const router = new HashKeyRouter([
      { shardIndex: 0, range: { start: 0n, end: 99n } },
      { shardIndex: 1, range: { start: 200n, end: MAX_HASH_KEY } },
    ])
    expect(router.shardIndexFor(toHexHashKey(150n))).toBeUndefined()
    expect(router.shardIndexFor(toHexHashKey(99n))).toBe(0)
    expect(router.coversKeySpace()).toBe(false)
    expect(new HashKeyRouter([]).shardIndexFor(toHexHashKey(0n))).toBeUndefined()
  })

  it('rejects overlapping or inverted ranges', () => {
    expect(
      () =>
        new HashKeyRouter([
          { shardIndex: 0, range: { start: 0n, end: 100n } },
          { shardIndex: 1, range: { start: 100n, end: MAX_HASH_KEY } },
        ]),
    ).toThrow(/overlapping/)
    expect(() => new HashKeyRouter([{ shardIndex: 0, range: { start: 5n, end: 4n } }])).toThrow(RangeError)
    expect(() => new HashKeyRouter([{ shardIndex: 0, range: { start: 0n, end: HASH_KEY_COUNT } }])).toThrow(
      RangeError,
    )
  })
})

describe('splitting', () => {
  const parent = { start: 0n, end: 113427455640312821154458202477256070484n }

  it('accepts a key greater than start + 1 and less than end, like SplitShard', () => {
    expect(isValidSplitHashKey(parent, 0n)).toBe(false)
    expect(isValidSplitHashKey(parent, 1n)).toBe(false)
    expect(isValidSplitHashKey(parent, 2n)).toBe(true)
    expect(isValidSplitHashKey(parent, parent.end - 1n)).toBe(true)
    expect(isValidSplitHashKey(parent, parent.end)).toBe(false)
    expect(isValidSplitHashKey(parent, parent.end + 1n)).toBe(false)
  })

  it('gives children that partition the parent', () => {
    fc.assert(
      fc.property(anyHashKey, anyHashKey, anyHashKey, (a, b, c) => {
        const [start, key, end] = [a, b, c].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)) as [
          bigint,
          bigint,
          bigint,
        ]
        const range = { start, end }
        if (!isValidSplitHashKey(range, key)) {
          expect(() => splitHashKeyRange(range, key)).toThrow(RangeError)
          return
        }
        const [lower, upper] = splitHashKeyRange(range, key)
        expect(lower).toEqual({ start, end: key - 1n })
        expect(upper).toEqual({ start: key, end })
        expect(areAdjacent(lower, upper)).toBe(true)
        expect(mergeHashKeyRanges(upper, lower)).toEqual(range)
      }),
    )
  })

  it('halves the key space as CreateStream would with 2 and 4 shards', () => {
    const whole = { start: 0n, end: MAX_HASH_KEY }
    const halves = splitHashKeyRange(whole, midpointHashKey(whole))
    expect(halves).toEqual(evenHashKeyRanges(2))
    const quarters = halves.flatMap((half) => splitHashKeyRange(half, midpointHashKey(half)))
    expect(quarters).toEqual(evenHashKeyRanges(4))
  })

  it('finds a valid split key in any range of at least five keys', () => {
    fc.assert(
      fc.property(anyHashKey, fc.bigInt({ min: 4n, max: MAX_HASH_KEY }), (start, span) => {
        const end = start + span > MAX_HASH_KEY ? MAX_HASH_KEY : start + span
        fc.pre(end - start >= 4n)
        expect(isValidSplitHashKey({ start, end }, midpointHashKey({ start, end }))).toBe(true)
      }),
    )
  })
})

describe('merging', () => {
  it('requires adjacent ranges', () => {
    const ranges = evenHashKeyRanges(3) as [HashKeyRange, HashKeyRange, HashKeyRange]
    expect(areAdjacent(ranges[0], ranges[1])).toBe(true)
    expect(areAdjacent(ranges[2], ranges[1])).toBe(true)
    expect(areAdjacent(ranges[0], ranges[2])).toBe(false)
    expect(areAdjacent(ranges[0], ranges[0])).toBe(false)
    expect(mergeHashKeyRanges(ranges[1], ranges[0])).toEqual({ start: 0n, end: ranges[1].end })
    expect(() => mergeHashKeyRanges(ranges[0], ranges[2])).toThrow(/not adjacent/)
  })
})
