import { describe, expect, it } from 'vitest'

import {
  SHARD_TOKEN_LIFETIME_MS,
  decodeShardPageToken,
  decodeStreamPageToken,
  encodeShardPageToken,
  encodeStreamPageToken,
  type ShardPageToken,
} from './next-tokens.ts'
import { fakeContext } from '../../../test/support/streams/fake-streams-deps.ts'

const context = fakeContext()
const token: ShardPageToken = {
  streamName: 'orders',
  incarnation: 1_700_000_000_000,
  afterShardId: 'shardId-000000000004',
  selection: { type: 'AT_TIMESTAMP', timestampMillis: 1_700_000_000_500 },
  issuedAtMillis: 1_700_000_100_000,
}

describe('shard page tokens', () => {
  it('round-trip within their lifetime', () => {
    const text = encodeShardPageToken(token, context)
    expect(decodeShardPageToken(text, context, token.issuedAtMillis + SHARD_TOKEN_LIFETIME_MS)).toEqual(token)
  })

  it('expire after 300 seconds', () => {
    const text = encodeShardPageToken(token, context)
    expect(() =>
      decodeShardPageToken(text, context, token.issuedAtMillis + SHARD_TOKEN_LIFETIME_MS + 1),
    ).toThrow(expect.objectContaining({ type: 'ExpiredNextTokenException' }))
  })

  it('are refused in another account or region, or when garbled', () => {
    const text = encodeShardPageToken(token, context)
    const invalid: unknown = expect.objectContaining({
      type: 'InvalidArgumentException',
      message: 'The NextToken provided is invalid.',
    })
    const now = token.issuedAtMillis
    expect(() => decodeShardPageToken(text, fakeContext({ accountId: '999999999999' }), now)).toThrow(invalid)
    expect(() => decodeShardPageToken(text, fakeContext({ region: 'eu-west-1' }), now)).toThrow(invalid)
    expect(() => decodeShardPageToken('not a token', context, now)).toThrow(invalid)
    expect(() =>
      decodeShardPageToken(encodeStreamPageToken({ afterStreamName: 'a' }, context), context, now),
    ).toThrow(invalid)
    const badSelection = Buffer.from(
      JSON.stringify({
        kind: 'shards',
        accountId: context.accountId,
        region: context.region,
        ...token,
        selection: { type: 'AT_TIMESTAMP' },
      }),
    ).toString('base64url')
    expect(() => decodeShardPageToken(badSelection, context, now)).toThrow(invalid)
  })
})

describe('stream page tokens', () => {
  it('round-trip', () => {
    const text = encodeStreamPageToken({ afterStreamName: 'orders' }, context)
    expect(decodeStreamPageToken(text, context)).toEqual({ afterStreamName: 'orders' })
    expect(() => decodeStreamPageToken(text, fakeContext({ accountId: '999999999999' }))).toThrow(
      expect.objectContaining({ type: 'InvalidArgumentException' }),
    )
  })
})
