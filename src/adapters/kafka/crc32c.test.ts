import { createRequire } from 'node:module'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { CRC32C_START, crc32c, finishCrc32c, updateCrc32c } from './crc32c.ts'

const require = createRequire(import.meta.url)
/** kafkajs's byte-at-a-time CRC-32C, the model. */
const byteAtATime = require('kafkajs/src/protocol/recordBatch/crc32C') as (bytes: Buffer) => number

describe('crc32c', () => {
  it('gives the CRC-32C check value of "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
  })

  it('agrees with a byte-at-a-time CRC-32C on any bytes and any sub-range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const buffer = Buffer.from(bytes)
        const start = bytes.length === 0 ? 0 : a % bytes.length
        const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1))
        expect(crc32c(buffer, start, end)).toBe(byteAtATime(buffer.subarray(start, end)))
      }),
    )
  })

  it('gives the same CRC computed piece by piece, wherever the pieces are cut', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const buffer = Buffer.from(bytes)
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((x, y) => x - y)
        let state = CRC32C_START
        let from = 0
        for (const point of [...points, bytes.length]) {
          state = updateCrc32c(state, buffer, from, point)
          from = point
        }
        expect(finishCrc32c(state)).toBe(byteAtATime(buffer))
      }),
    )
  })
})
