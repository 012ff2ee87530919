import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'

import type { StoredRecord } from '../../ports/record-log.ts'
import { derivedKeyRing } from './record-encryption.ts'
import {
  ENCRYPTION_HEADER,
  EXPLICIT_HASH_KEY_HEADER,
  fromStoredRecord,
  MISSING_PARTITION_KEY,
  toRecordToAppend,
} from './record-envelope.ts'

const ring = derivedKeyRing(randomBytes(32))

function sealing(keyId: string) {
  const key = ring.dataKey(keyId)
  if (key === undefined) throw new Error(`no key for ${keyId}`)
  return { keyId, key }
}

function stored(appended: ReturnType<typeof toRecordToAppend>): StoredRecord {
  return {
    offset: 0,
    timestamp: 0,
    key: appended.key,
    value: appended.value,
    headers: appended.headers ?? {},
  }
}

describe('record envelope', () => {
  it('stores the partition key as the key and the data as the value, without a copy and without headers', () => {
    const data = new Uint8Array([1, 2, 3])
    const record = toRecordToAppend({ partition: 2, partitionKey: 'ключ', data }, undefined)
    expect(record.partition).toBe(2)
    expect(record.key?.toString('utf8')).toBe('ключ')
    expect(record.value.buffer).toBe(data.buffer)
    expect(record.headers).toBeUndefined()
    expect(fromStoredRecord(stored(record), undefined)).toEqual({
      partitionKey: 'ключ',
      data: Buffer.from([1, 2, 3]),
      encrypted: false,
    })
  })

  it('keeps an ExplicitHashKey in a header', () => {
    const record = toRecordToAppend(
      { partition: 0, partitionKey: 'k', data: new Uint8Array(), explicitHashKey: '123' },
      undefined,
    )
    expect(record.headers?.[EXPLICIT_HASH_KEY_HEADER]?.toString()).toBe('123')
  })

  it('seals the data of an encrypted stream and names the key in a header', () => {
    const record = toRecordToAppend(
      { partition: 0, partitionKey: 'k', data: Buffer.from('secret') },
      sealing('alias/aws/kinesis'),
    )
    expect(record.headers?.[ENCRYPTION_HEADER]?.toString()).toBe('kms:alias/aws/kinesis')
    expect(record.value.includes(Buffer.from('secret'))).toBe(false)
    expect(fromStoredRecord(stored(record), ring)).toEqual({
      partitionKey: 'k',
      data: Buffer.from('secret'),
      encrypted: true,
    })
  })

  it('reads a record without key or value as a native Kafka producer may write it', () => {
    const record: StoredRecord = { offset: 7, timestamp: 0, key: null, value: null, headers: {} }
    expect(fromStoredRecord(record, undefined)).toEqual({
      partitionKey: MISSING_PARTITION_KEY,
      data: new Uint8Array(),
      encrypted: false,
    })
  })

  it('fails on an encrypted record whose key the ring lacks, or that does not open', () => {
    const record = stored(
      toRecordToAppend(
        { partition: 0, partitionKey: 'k', data: Buffer.from('x') },
        sealing('alias/aws/kinesis'),
      ),
    )
    expect(() => fromStoredRecord(record, undefined)).toThrow(
      expect.objectContaining({ type: 'KMSNotFoundException' }),
    )
    const otherRing = derivedKeyRing(randomBytes(32))
    expect(() => fromStoredRecord(record, otherRing)).toThrow('does not open')
  })
})
