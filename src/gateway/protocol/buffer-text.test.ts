import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { base64Text, latin1Text, utf8Text, writeBase64, writeLatin1 } from './buffer-text.ts'

describe('Buffer text methods called directly', () => {
  it('give what toString and write give, on any bytes and ranges (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const buffer = Buffer.from(bytes)
        const start = bytes.length === 0 ? 0 : a % bytes.length
        const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1))
        expect(latin1Text(buffer, start, end)).toBe(buffer.toString('latin1', start, end))
        expect(utf8Text(buffer, start, end)).toBe(buffer.toString('utf8', start, end))
        expect(base64Text(buffer)).toBe(buffer.toString('base64'))

        const text = buffer.toString('latin1')
        const written = Buffer.alloc(text.length + 3)
        expect(writeLatin1(written, text, 3)).toBe(text.length)
        expect(written.subarray(3)).toEqual(buffer)

        const encoded = buffer.toString('base64')
        const decoded = Buffer.alloc(bytes.length + 5)
        expect(writeBase64(decoded, encoded, 5, bytes.length)).toBe(bytes.length)
        expect(decoded.subarray(5)).toEqual(buffer)
      }),
    )
  })

  it('decode base64 as Buffer.from does, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AZaz09+/=-_ !\n'.split('')) }), (text) => {
        const expected = Buffer.from(text, 'base64')
        const target = Buffer.alloc(expected.length + 2)
        expect(writeBase64(target, text, 2, expected.length)).toBe(expected.length)
        expect(target.subarray(2)).toEqual(expected)
      }),
    )
  })

  it('write no further than the end of the buffer', () => {
    const target = Buffer.alloc(4)
    expect(writeLatin1(target, 'abcdef', 1)).toBe(3)
    expect(target.toString('latin1')).toBe('\u0000abc')
  })
})
