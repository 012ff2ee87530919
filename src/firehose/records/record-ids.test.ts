import { randomUUID } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { parseRecordId, recordIdEncoder } from './record-ids.ts'

describe('RecordIds', () => {
  it('are 224 characters of base64, as AWS shows them, and say where the record is', () => {
    const streamId = randomUUID()
    const id = recordIdEncoder(streamId)(3, 2 ** 40 + 7)
    expect(id).toMatch(/^[A-Za-z0-9+/]{224}$/)
    expect(parseRecordId(id)).toEqual({ streamId, partition: 3, offset: 2 ** 40 + 7 })
  })

  it('differ between records, and between delivery streams of the same name', () => {
    const encode = recordIdEncoder(randomUUID())
    const ids = new Set([encode(0, 0), encode(0, 1), encode(1, 0), recordIdEncoder(randomUUID())(0, 0)])
    expect(ids.size).toBe(4)
  })

  it('refuses a text that is not a RecordId', () => {
    expect(parseRecordId('abc')).toBeUndefined()
  })
})
