// Shard iterators: opaque tokens sealed with AES-256-GCM under a key every gateway replica shares, so any
// replica can continue any reader without server-side state.
//
// Token = base64url without padding of:
//
//   version (1 byte, = 1, authenticated as additional data)
//   IV      (12 random bytes)
//   ciphertext of the payload
//   GCM tag (16 bytes)
//
// Payload (big-endian):
//
//   issuedAtMillis  6 bytes   when the iterator was handed out
//   incarnation     6 bytes   the stream's incarnation (see sequence-numbers.ts)
//   shardIndex      4 bytes
//   offset          8 bytes   next Kafka offset to read
//   accountId       1 byte length + UTF-8
//   region          1 byte length + UTF-8
//   streamName      1 byte length + UTF-8
//
// A token for `orders` in us-east-1 has 111 characters, one for a 128-character stream name 274, and the
// longest the field limits allow 416; the API allows 512.
//
// With random 96-bit IVs one key should seal fewer than 2^32 tokens (NIST SP 800-38D); at 10,000 GetRecords
// calls a second that is about five days, after which the chance of a repeated IV stays below 2^-32 for
// years. Rotate the key at least yearly.

import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto'

/** Kinesis iterators expire five minutes after they are handed out. */
export const SHARD_ITERATOR_LIFETIME_MILLIS = 300_000

export const MAX_SHARD_ITERATOR_LENGTH = 512

const VERSION = 1
const IV_BYTES = 12
const TAG_BYTES = 16
const FIXED_PAYLOAD_BYTES = 6 + 6 + 4 + 8
const MAX_TEXT_BYTES = { accountId: 64, region: 64, streamName: 128 } as const
const MAX_OFFSET = (1n << 63n) - 1n
const MAX_SIX_BYTE_INTEGER = 2 ** 48 - 1

export interface ShardIteratorContents {
  readonly accountId: string
  readonly region: string
  readonly streamName: string
  readonly incarnation: number
  readonly shardIndex: number
  /** The next Kafka offset to read. */
  readonly offset: bigint
  readonly issuedAtMillis: number
}

export type ShardIteratorDecoding =
  | { readonly status: 'ok'; readonly contents: ShardIteratorContents }
  /** Older than SHARD_ITERATOR_LIFETIME_MILLIS: ExpiredIteratorException. */
  | { readonly status: 'expired'; readonly contents: ShardIteratorContents }
  /** Not a token this gateway sealed, or altered: InvalidArgumentException. */
  | { readonly status: 'malformed' }

/** Wraps the shared 32-byte secret for use with encode/decode. */
export function shardIteratorKey(secret: Uint8Array): KeyObject {
  if (secret.length !== 32) throw new RangeError(`a shard iterator key has 32 bytes, got ${secret.length}`)
  return createSecretKey(secret)
}

export function encodeShardIterator(contents: ShardIteratorContents, key: KeyObject): string {
  const payload = serialize(contents)
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const header = Buffer.of(VERSION)
  cipher.setAAD(header)
  const ciphertext = Buffer.concat([cipher.update(payload), cipher.final()])
  return Buffer.concat([header, iv, ciphertext, cipher.getAuthTag()]).toString('base64url')
}

/** Opens a token; `nowMillis` decides whether it has expired. */
export function decodeShardIterator(token: string, key: KeyObject, nowMillis: number): ShardIteratorDecoding {
  const contents = open(token, key)
  if (contents === undefined) return { status: 'malformed' }
  if (nowMillis - contents.issuedAtMillis > SHARD_ITERATOR_LIFETIME_MILLIS)
    return { status: 'expired', contents }
  return { status: 'ok', contents }
}

function open(token: string, key: KeyObject): ShardIteratorContents | undefined {
  if (token.length > MAX_SHARD_ITERATOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined
  const bytes = Buffer.from(token, 'base64url')
  // Unused low bits of the last character would otherwise let two spellings open to the same token.
  if (bytes.toString('base64url') !== token) return undefined
  if (bytes.length < 1 + IV_BYTES + FIXED_PAYLOAD_BYTES + 3 + TAG_BYTES || bytes[0] !== VERSION)
    return undefined
  const iv = bytes.subarray(1, 1 + IV_BYTES)
  const ciphertext = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)
  const tag = bytes.subarray(bytes.length - TAG_BYTES)
  let payload: Buffer
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv)
    decipher.setAAD(bytes.subarray(0, 1))
    decipher.setAuthTag(tag)
    payload = Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    return undefined
  }
  return deserialize(payload)
}

function serialize(contents: ShardIteratorContents): Buffer {
  const { issuedAtMillis, incarnation, shardIndex, offset } = contents
  checkInteger('issuedAtMillis', issuedAtMillis, MAX_SIX_BYTE_INTEGER)
  checkInteger('incarnation', incarnation, MAX_SIX_BYTE_INTEGER)
  checkInteger('shardIndex', shardIndex, 0xffffffff)
  if (offset < 0n || offset > MAX_OFFSET) throw new RangeError(`not a Kafka offset: ${offset}`)
  const texts = (['accountId', 'region', 'streamName'] as const).map((field) => {
    const encoded = Buffer.from(contents[field], 'utf8')
    if (encoded.length > MAX_TEXT_BYTES[field]) {
      throw new RangeError(`${field} is longer than ${MAX_TEXT_BYTES[field]} bytes`)
    }
    return encoded
  })
  const fixed = Buffer.alloc(FIXED_PAYLOAD_BYTES)
  fixed.writeUIntBE(issuedAtMillis, 0, 6)
  fixed.writeUIntBE(incarnation, 6, 6)
  fixed.writeUInt32BE(shardIndex, 12)
  fixed.writeBigUInt64BE(offset, 16)
  return Buffer.concat([fixed, ...texts.flatMap((text) => [Buffer.of(text.length), text])])
}

function deserialize(payload: Buffer): ShardIteratorContents | undefined {
  if (payload.length < FIXED_PAYLOAD_BYTES) return undefined
  const offset = payload.readBigUInt64BE(16)
  if (offset > MAX_OFFSET) return undefined
  const texts: string[] = []
  let position = FIXED_PAYLOAD_BYTES
  for (let field = 0; field < 3; field++) {
    const length = payload[position]
    if (length === undefined || position + 1 + length > payload.length) return undefined
    texts.push(payload.toString('utf8', position + 1, position + 1 + length))
    position += 1 + length
  }
  const [accountId, region, streamName] = texts
  if (
    position !== payload.length ||
    accountId === undefined ||
    region === undefined ||
    streamName === undefined
  ) {
    return undefined
  }
  return {
    accountId,
    region,
    streamName,
    incarnation: payload.readUIntBE(6, 6),
    shardIndex: payload.readUInt32BE(12),
    offset,
    issuedAtMillis: payload.readUIntBE(0, 6),
  }
}

function checkInteger(name: string, value: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer in 0 .. ${max}, got ${value}`)
  }
}
