import { createRequire } from 'node:module'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { crc32c, crc32cImplementation, portableCrc32c } from './crc32c.ts'

const require = createRequire(import.meta.url)
/** kafkajs's byte-at-a-time CRC-32C, the model. */
const byteAtATime = require('kafkajs/src/protocol/recordBatch/crc32C') as (bytes: Buffer) => number

describe('crc32c', () => {
  it('gives the CRC-32C check value of "123456789" with both implementations', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    expect(portableCrc32c(Buffer.from('123456789'))).toBe(0xe3069283)
  })

  it('uses the CPU-backed implementation where @node-rs/crc32 publishes a build, as npm ci installs it', () => {
    if (['linux', 'darwin', 'win32'].includes(process.platform) && ['x64', 'arm64'].includes(process.arch)) {
      expect(crc32cImplementation).toBe('native')
    }
  })

  it('agrees with a byte-at-a-time CRC-32C on any bytes and any sub-range, in both implementations', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), fc.nat(7), (bytes, a, b, shift) => {
        // A view that starts at any byte of its memory, as a record batch inside a produce request does.
        const memory = Buffer.alloc(bytes.length + shift)
        const buffer = memory.subarray(shift)
        buffer.set(bytes)
        const start = bytes.length === 0 ? 0 : a % bytes.length
        const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1))
        const expected = byteAtATime(buffer.subarray(start, end))
        expect(crc32c(buffer, start, end)).toBe(expected)
        expect(portableCrc32c(buffer, start, end)).toBe(expected)
      }),
    )
  })
})
