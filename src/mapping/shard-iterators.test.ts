import { randomBytes } from 'node:crypto'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  MAX_SHARD_ITERATOR_LENGTH,
  SHARD_ITERATOR_LIFETIME_MILLIS,
  decodeShardIterator,
  encodeShardIterator,
  shardIteratorKey,
  type ShardIteratorContents,
} from './shard-iterators.ts'

const key = shardIteratorKey(randomBytes(32))
const otherKey = shardIteratorKey(randomBytes(32))
const issuedAtMillis = 1_700_000_000_000

const contents: ShardIteratorContents = {
  accountId: '123456789012',
  region: 'us-east-1',
  streamName: 'orders',
  incarnation: 1_699_999_000_000,
  shardIndex: 7,
  offset: 42n,
  issuedAtMillis,
}

const anyContents: fc.Arbitrary<ShardIteratorContents> = fc.record({
  accountId: fc.stringMatching(/^\d{12}$/),
  region: fc.stringMatching(/^[a-z0-9-]{1,32}$/),
  streamName: fc.stringMatching(/^[a-zA-Z0-9_.-]{1,128}$/),
  incarnation: fc.integer({ min: 0, max: 2 ** 44 - 1 }),
  shardIndex: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  offset: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
  issuedAtMillis: fc.integer({ min: 0, max: 2 ** 47 }),
})

describe('encode and decode', () => {
  it('round-trips the contents', () => {
    fc.assert(
      fc.property(anyContents, (anyContentsValue) => {
        const token = encodeShardIterator(anyContentsValue, key)
        expect(decodeShardIterator(token, key, anyContentsValue.issuedAtMillis)).toEqual({
          status: 'ok',
          contents: anyContentsValue,
        })
      }),
    )
  })

  it('produces base64url tokens within the API limit of 512 characters', () => {
    fc.assert(
      fc.property(anyContents, (anyContentsValue) => {
        const token = encodeShardIterator(anyContentsValue, key)
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
        expect(token.length).toBeLessThanOrEqual(MAX_SHARD_ITERATOR_LENGTH)
      }),
    )
    const longest = encodeShardIterator(
      { ...contents, accountId: 'a'.repeat(64), region: 'r'.repeat(64), streamName: 's'.repeat(128) },
      key,
    )
    expect(longest.length).toBeLessThanOrEqual(MAX_SHARD_ITERATOR_LENGTH)
    expect(encodeShardIterator({ ...contents, streamName: 's'.repeat(128) }, key).length).toBeLessThan(300)
  })

  it('seals each token with a fresh IV', () => {
    expect(encodeShardIterator(contents, key)).not.toBe(encodeShardIterator(contents, key))
  })
})

describe('expiry', () => {
  it('accepts a token up to five minutes old and reports it expired after', () => {
    const token = encodeShardIterator(contents, key)
    expect(decodeShardIterator(token, key, issuedAtMillis + SHARD_ITERATOR_LIFETIME_MILLIS).status).toBe('ok')
    expect(decodeShardIterator(token, key, issuedAtMillis + SHARD_ITERATOR_LIFETIME_MILLIS + 1)).toEqual({
      status: 'expired',
      contents,
    })
  })

  it('accepts a token issued slightly in the future by a replica whose clock runs ahead', () => {
    const token = encodeShardIterator(contents, key)
    expect(decodeShardIterator(token, key, issuedAtMillis - 1000).status).toBe('ok')
  })
})

describe('malformed tokens', () => {
  it('rejects any single changed character', () => {
    const token = encodeShardIterator(contents, key)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: token.length - 1 }),
        fc.integer({ min: 0, max: alphabet.length - 1 }).map((index) => alphabet.charAt(index)),
        (position, replacement) => {
          fc.pre(token[position] !== replacement)
          const tampered = token.slice(0, position) + replacement + token.slice(position + 1)
          expect(decodeShardIterator(tampered, key, issuedAtMillis)).toEqual({ status: 'malformed' })
        },
      ),
    )
  })

  it('rejects tokens sealed with another key', () => {
    const token = encodeShardIterator(contents, otherKey)
    expect(decodeShardIterator(token, key, issuedAtMillis)).toEqual({ status: 'malformed' })
  })

  it('rejects truncated and extended tokens', () => {
    const token = encodeShardIterator(contents, key)
    for (const changed of [
      token.slice(0, -1),
      token.slice(0, 20),
      token.slice(1),
      `${token}A`,
      `${token}AAAA`,
    ]) {
      expect(decodeShardIterator(changed, key, issuedAtMillis)).toEqual({ status: 'malformed' })
    }
  })

  it('rejects arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (text) => {
        expect(decodeShardIterator(text, key, issuedAtMillis)).toEqual({ status: 'malformed' })
      }),
    )
    for (const text of [
      '',
      '====',
      'AAAAAAAAAAE=',
      'A'.repeat(513),
      `${encodeShardIterator(contents, key)}=`,
    ]) {
      expect(decodeShardIterator(text, key, issuedAtMillis)).toEqual({ status: 'malformed' })
    }
  })
})

describe('limits', () => {
  it('requires a 32-byte key', () => {
    expect(() => shardIteratorKey(randomBytes(16))).toThrow(RangeError)
  })

  it('refuses contents that do not fit the layout', () => {
    const invalid: Partial<ShardIteratorContents>[] = [
      { offset: -1n },
      { offset: 1n << 63n },
      { shardIndex: -1 },
      { incarnation: 2 ** 48 },
      { issuedAtMillis: 1.5 },
      { streamName: 's'.repeat(129) },
      { region: 'r'.repeat(65) },
    ]
    for (const change of invalid) {
      expect(() => encodeShardIterator({ ...contents, ...change }, key)).toThrow(RangeError)
    }
  })
})
