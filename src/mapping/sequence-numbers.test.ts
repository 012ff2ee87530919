import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  SEQUENCE_NUMBER_DIGITS,
  SequenceNumberSeries,
  compareSequenceNumbers,
  decodeSequenceNumber,
  endingSequenceNumber,
  offsetAfterSequenceNumber,
  offsetAtSequenceNumber,
  sequenceNumberOf,
  startingSequenceNumber,
  type SequenceNumberScope,
} from './sequence-numbers.ts'

const MAX_OFFSET = (1n << 63n) - 1n
const anyScope = fc.record({
  incarnation: fc.integer({ min: 0, max: 2 ** 44 - 1 }),
  shardIndex: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
})
const anyOffset = fc.bigInt({ min: 0n, max: MAX_OFFSET })
const scope: SequenceNumberScope = { incarnation: 1_700_000_000_000, shardIndex: 7 }

describe('layout', () => {
  it('matches the documented bit layout', () => {
    // 2^185 | 1 << 181 | 1700000000000 << 137 | 7 << 106 | (42 + 1) << 42, computed independently.
    expect(sequenceNumberOf(scope, 42n)).toBe('52401030161608206022782888088888025541060492193278459904')
  })

  it('always has 56 digits without a leading zero, matching the service model pattern', () => {
    fc.assert(
      fc.property(anyScope, anyOffset, (anyScopeValue, offset) => {
        const sequenceNumber = sequenceNumberOf(anyScopeValue, offset)
        expect(sequenceNumber).toHaveLength(SEQUENCE_NUMBER_DIGITS)
        expect(sequenceNumber).toMatch(/^(?:0|[1-9]\d{0,128})$/)
      }),
    )
    expect(startingSequenceNumber({ incarnation: 0, shardIndex: 0 })).toHaveLength(SEQUENCE_NUMBER_DIGITS)
  })
})

describe('SequenceNumberSeries', () => {
  it('gives every record the number sequenceNumberOf gives it, in any order of shards and offsets', () => {
    const anyStep = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -5, max: 2_000 }))
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 44 - 1 }),
        fc.array(
          fc.record({
            shardIndex: fc.integer({ min: 0, max: 3 }),
            start: fc.nat(2 ** 40),
            steps: fc.array(anyStep),
          }),
          { maxLength: 4 },
        ),
        (incarnation, runs) => {
          const series = new SequenceNumberSeries(incarnation)
          for (const { shardIndex, start, steps } of runs) {
            let offset = start
            for (const step of [0, ...steps]) {
              offset = Math.max(0, offset + step)
              expect(series.numberOf(shardIndex, offset)).toBe(
                sequenceNumberOf({ incarnation, shardIndex }, BigInt(offset)),
              )
            }
          }
        },
      ),
    )
  })

  it('gives the numbers of a long run of consecutive offsets, whatever the carries in their last digits', () => {
    const series = new SequenceNumberSeries(scope.incarnation)
    for (let offset = 0; offset < 20_000; offset++) {
      expect(series.numberOf(scope.shardIndex, offset)).toBe(sequenceNumberOf(scope, BigInt(offset)))
    }
  })
})

describe('decodeSequenceNumber', () => {
  it('round-trips incarnation, shard and offset', () => {
    fc.assert(
      fc.property(anyScope, anyOffset, (anyScopeValue, offset) => {
        expect(decodeSequenceNumber(sequenceNumberOf(anyScopeValue, offset))).toEqual({
          ok: true,
          ...anyScopeValue,
          offset,
        })
      }),
    )
  })

  it('names the shard a number belongs to, so a caller can reject it on another shard', () => {
    const decoded = decodeSequenceNumber(sequenceNumberOf({ incarnation: 5, shardIndex: 3 }, 10n))
    expect(decoded.ok && decoded.shardIndex).toBe(3)
  })

  it('keeps numbers of a re-created stream apart from the old ones', () => {
    fc.assert(
      fc.property(anyScope, anyOffset, anyOffset, fc.integer({ min: 1, max: 1000 }), (old, a, b, later) => {
        fc.pre(old.incarnation + later < 2 ** 44)
        const recreated = { ...old, incarnation: old.incarnation + later }
        expect(sequenceNumberOf(recreated, b)).not.toBe(sequenceNumberOf(old, a))
        expect(compareSequenceNumbers(sequenceNumberOf(recreated, b), sequenceNumberOf(old, a))).toBe(1)
      }),
    )
  })

  it('rejects text that is not a decimal number', () => {
    for (const text of [
      '',
      'abc',
      '-1',
      '1.5',
      ' 52401030161608206022782888088888025541060492193278459904',
    ]) {
      expect(decodeSequenceNumber(text)).toEqual({ ok: false, reason: 'not-a-number' })
    }
  })

  it('rejects numbers of another layout, including those AWS issues', () => {
    const ours = sequenceNumberOf(scope, 42n)
    const foreign = [
      '0',
      '5',
      '49590338271490256608559692538361571095921575989136588898',
      '49606474897903670380967043048643675070254557697658585090',
      '21267647932558653966460912964485513216',
      '9'.repeat(56),
      '1'.repeat(56),
      (BigInt(ours) + 1n).toString(), // reserved bits
      (BigInt(ours) ^ (1n << 184n)).toString(), // version
      `${ours}0`,
    ]
    for (const text of foreign)
      expect(decodeSequenceNumber(text)).toEqual({ ok: false, reason: 'unknown-layout' })
  })

  it('rejects numbers whose position field is beyond any Kafka offset', () => {
    const beyond = (BigInt(sequenceNumberOf(scope, MAX_OFFSET)) + (1n << 42n)).toString()
    expect(decodeSequenceNumber(beyond)).toEqual({ ok: false, reason: 'unknown-layout' })
  })
})

describe('ordering', () => {
  it('orders the numbers of a shard by offset, both as integers and as strings', () => {
    fc.assert(
      fc.property(anyScope, anyOffset, anyOffset, (anyScopeValue, a, b) => {
        const left = sequenceNumberOf(anyScopeValue, a)
        const right = sequenceNumberOf(anyScopeValue, b)
        const expected = Math.sign(Number(a - b))
        expect(compareSequenceNumbers(left, right)).toBe(expected)
        expect(Math.sign(left.localeCompare(right, 'en'))).toBe(expected)
        expect(left < right).toBe(a < b)
      }),
    )
  })

  it('sorts a child shard after its parent', () => {
    fc.assert(
      fc.property(anyScope, anyOffset, anyOffset, (parent, parentOffset, childOffset) => {
        fc.pre(parent.shardIndex < 2 ** 31 - 1)
        const child = { ...parent, shardIndex: parent.shardIndex + 1 }
        expect(sequenceNumberOf(child, childOffset) > sequenceNumberOf(parent, parentOffset)).toBe(true)
      }),
    )
  })
})

describe('shard boundaries', () => {
  it('starts below the first record', () => {
    const starting = startingSequenceNumber(scope)
    expect(compareSequenceNumbers(starting, sequenceNumberOf(scope, 0n))).toBe(-1)
    expect(decodeSequenceNumber(starting)).toEqual({ ok: true, ...scope, offset: -1n })
  })

  it('ends at the last record of a closed shard', () => {
    fc.assert(
      fc.property(anyScope, fc.bigInt({ min: 1n, max: MAX_OFFSET }), (anyScopeValue, endOffset) => {
        expect(endingSequenceNumber(anyScopeValue, endOffset)).toBe(
          sequenceNumberOf(anyScopeValue, endOffset - 1n),
        )
      }),
    )
  })

  it('ends where it starts when the shard never held a record', () => {
    expect(endingSequenceNumber(scope, 0n)).toBe(startingSequenceNumber(scope))
  })

  it('tells readers where AT and AFTER iterators start', () => {
    const atStart = decodeSequenceNumber(startingSequenceNumber(scope))
    const atRecord = decodeSequenceNumber(sequenceNumberOf(scope, 9n))
    if (!atStart.ok || !atRecord.ok) throw new Error('expected our own numbers to decode')
    expect(offsetAtSequenceNumber(atStart)).toBe(0n)
    expect(offsetAfterSequenceNumber(atStart)).toBe(0n)
    expect(offsetAtSequenceNumber(atRecord)).toBe(9n)
    expect(offsetAfterSequenceNumber(atRecord)).toBe(10n)
  })
})

describe('encoding limits', () => {
  it('rejects values that do not fit their fields', () => {
    expect(() => sequenceNumberOf(scope, -1n)).toThrow(RangeError)
    expect(() => sequenceNumberOf(scope, MAX_OFFSET + 1n)).toThrow(RangeError)
    expect(() => endingSequenceNumber(scope, -1n)).toThrow(RangeError)
    expect(() => sequenceNumberOf({ incarnation: 2 ** 44, shardIndex: 0 }, 0n)).toThrow(RangeError)
    expect(() => sequenceNumberOf({ incarnation: -1, shardIndex: 0 }, 0n)).toThrow(RangeError)
    expect(() => sequenceNumberOf({ incarnation: 0, shardIndex: 2 ** 31 }, 0n)).toThrow(RangeError)
    expect(() => startingSequenceNumber({ incarnation: 0.5, shardIndex: 0 })).toThrow(RangeError)
  })
})
