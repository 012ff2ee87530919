import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'

import {
  derivedKeyRing,
  ENVELOPE_OVERHEAD_BYTES,
  openRecordData,
  sealRecordData,
} from './record-encryption.ts'
import type { KeyRing } from '../../ports/key-ring.ts'

const ring = derivedKeyRing(randomBytes(32))

function keyOf(keyId: string, keyRing: KeyRing = ring) {
  const key = keyRing.dataKey(keyId)
  if (key === undefined) throw new Error(`no key for ${keyId}`)
  return key
}

describe('record encryption', () => {
  it('opens what it sealed, and nothing of the data shows in the envelope', () => {
    const key = keyOf('alias/aws/kinesis')
    const data = Buffer.from('a secret worth keeping')
    const envelope = sealRecordData(data, key)
    expect(envelope.length).toBe(data.length + ENVELOPE_OVERHEAD_BYTES)
    expect(envelope.includes(data)).toBe(false)
    expect(openRecordData(envelope, key)).toEqual(data)
  })

  it('seals empty data', () => {
    const key = keyOf('alias/aws/kinesis')
    expect(openRecordData(sealRecordData(new Uint8Array(), key), key)).toEqual(Buffer.alloc(0))
  })

  it('refuses an envelope under another key, an altered one and a truncated one', () => {
    const envelope = sealRecordData(Buffer.from('data'), keyOf('alias/aws/kinesis'))
    expect(openRecordData(envelope, keyOf('alias/other'))).toBeUndefined()
    const altered = Buffer.from(envelope)
    altered[20] = (altered[20] ?? 0) ^ 1
    expect(openRecordData(altered, keyOf('alias/aws/kinesis'))).toBeUndefined()
    expect(openRecordData(envelope.subarray(0, 10), keyOf('alias/aws/kinesis'))).toBeUndefined()
  })

  it('derives the same key for a KeyId from the same secret, and different keys otherwise', () => {
    const secret = randomBytes(32)
    const envelope = sealRecordData(Buffer.from('data'), keyOf('k', derivedKeyRing(secret)))
    expect(openRecordData(envelope, keyOf('k', derivedKeyRing(secret)))).toEqual(Buffer.from('data'))
    expect(openRecordData(envelope, keyOf('k', derivedKeyRing(randomBytes(32))))).toBeUndefined()
    expect(ring.dataKey('k')).toBe(ring.dataKey('k'))
  })

  it('refuses a short secret', () => {
    expect(() => derivedKeyRing(randomBytes(16))).toThrow(RangeError)
  })
})
