import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { encodeJson, encodeJsonChunks } from './json-writer.ts'

/** The model: a JSON-ready copy (blobs as base64, dates as epoch seconds, absent members dropped) for JSON.stringify. */
function modelText(value: unknown): string {
  return JSON.stringify(ready(value))
}

function ready(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime() / 1000
  if (Array.isArray(value)) return value.map((item: unknown) => ready(item))
  const copy: Record<string, unknown> = {}
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined || member === null) continue
    Object.defineProperty(copy, key, { value: ready(member), enumerable: true })
  }
  return copy
}

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('"', '\\', '\n', '\u2028', '😀'),
)
const leaf = fc.oneof(
  anyText,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 70 }).map((bytes) => (bytes.length % 2 === 0 ? bytes : Buffer.from(bytes))),
  fc.date({ noInvalidDate: false }),
)
const document = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(anyText, fc.constant('__proto__')), tie('value'), { maxKeys: 5 }),
})).value

describe('encodeJson', () => {
  it('writes what JSON.stringify writes of the JSON-ready model, for any document', () => {
    fc.assert(
      fc.property(document, (value) => {
        fc.pre(value !== undefined)
        expect(encodeJson(value).toString('utf8')).toBe(modelText(value))
      }),
      { numRuns: 2000 },
    )
  })

  it('writes timestamps of this era as JSON.stringify writes their epoch seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_000 + 5 }), (millis) => {
        const value = { ApproximateArrivalTimestamp: new Date(millis) }
        expect(encodeJson(value).toString('utf8')).toBe(modelText(value))
      }),
      { numRuns: 5000 },
    )
    const edges = [
      0,
      1,
      999,
      1000,
      1_700_000_000_000,
      9_999_999_999_999,
      1e13,
      -1,
      -1500,
      8.64e15,
      Number.NaN,
    ]
    for (const millis of edges) {
      const value = { ApproximateArrivalTimestamp: new Date(millis) }
      expect(encodeJson(value).toString('utf8')).toBe(modelText(value))
    }
  })

  it('writes a GetRecords page of large records that parses back to the same data', () => {
    const records = Array.from({ length: 300 }, (_, index) => ({
      SequenceNumber: String(index).padStart(56, '1'),
      ApproximateArrivalTimestamp: new Date(1_700_000_000_000 + index),
      Data: Buffer.alloc(4096 + index, index),
      PartitionKey: `ключ-${String(index)}`,
    }))
    const parsed = JSON.parse(encodeJson({ Records: records, MillisBehindLatest: 0 }).toString('utf8')) as {
      Records: { Data: string; PartitionKey: string; ApproximateArrivalTimestamp: number }[]
    }
    expect(parsed.Records).toHaveLength(300)
    parsed.Records.forEach((record, index) => {
      expect(Buffer.from(record.Data, 'base64').equals(records[index]?.Data ?? Buffer.alloc(0))).toBe(true)
      expect(record.PartitionKey).toBe(`ключ-${String(index)}`)
      expect(record.ApproximateArrivalTimestamp).toBe(1_700_000_000 + index / 1000)
    })
  })

  it('gives the same bytes in chunks of at most 1 MiB for a page that needs several (encodeJsonChunks)', () => {
    const records = Array.from({ length: 40 }, (_, index) => ({
      SequenceNumber: String(index).padStart(56, '1'),
      Data: Buffer.alloc(100_000 + index, index),
      PartitionKey: `key-${String(index)}`,
    }))
    const chunks = encodeJsonChunks({ Records: records })
    expect(chunks.length).toBeGreaterThan(3)
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(1024 * 1024)
    expect(Buffer.concat(chunks).equals(encodeJson({ Records: records }))).toBe(true)
  })

  it('gives the same bytes in chunks as in one buffer, for any document (property)', () => {
    fc.assert(
      fc.property(document, (value) => {
        fc.pre(value !== undefined)
        expect(Buffer.concat(encodeJsonChunks(value)).equals(encodeJson(value))).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
