import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { AwsError } from '../../aws/index.ts'
import { decodeBase64Blob, decodeCanonicalBase64Into } from './base64.ts'

/** What decodeBase64Blob makes of `text`: its bytes, or undefined when it answers with an error. */
function blobOrUndefined(text: string): Buffer | undefined {
  try {
    return decodeBase64Blob(text)
  } catch (error) {
    if (error instanceof AwsError) return undefined
    throw error
  }
}

function decodedInto(text: string): Buffer | undefined {
  const target = Buffer.alloc(3 + Math.ceil((text.length * 3) / 4), 0xee)
  return decodeCanonicalBase64Into(text, target, 3)
}

describe('decodeCanonicalBase64Into', () => {
  it('accepts exactly the texts decodeBase64Blob accepts, with the same bytes (property)', () => {
    const awkward = fc.string({ unit: fc.constantFrom(...'AQgw+/=-_ \n.'.split('')), maxLength: 12 })
    const canonical = fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64'))
    fc.assert(
      fc.property(fc.oneof(awkward, canonical), (text) => {
        expect(decodedInto(text)).toEqual(blobOrUndefined(text))
      }),
      { numRuns: 5000 },
    )
  })

  it('rejects padding in the middle, unused bits before padding, and URL-safe letters', () => {
    for (const text of ['AA==AAAA', 'AQJ=', 'AR==', 'ab-_', 'AAA', 'AA=A']) {
      expect(blobOrUndefined(text)).toBeUndefined()
      expect(decodedInto(text)).toBeUndefined()
    }
  })

  it('writes each blob after the last, without touching bytes outside its own', () => {
    const target = Buffer.alloc(8, 0xee)
    const first = decodeCanonicalBase64Into('AQI=', target, 1)
    const second = decodeCanonicalBase64Into('AwQF', target, 3)
    expect(first).toEqual(Buffer.from([1, 2]))
    expect(second).toEqual(Buffer.from([3, 4, 5]))
    expect([...target]).toEqual([0xee, 1, 2, 3, 4, 5, 0xee, 0xee])
  })
})
