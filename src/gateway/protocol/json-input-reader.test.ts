import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { awsJsonCodec } from './aws-json.ts'
import { list, map, structure } from '../../../test/support/shapes.ts'

const codec = awsJsonCodec()

const INPUT = structure({
  StreamName: 'string',
  Limit: 'integer',
  Records: list(structure({ PartitionKey: 'string', ExplicitHashKey: 'string', Data: 'blob' })),
  Timestamp: 'timestamp',
  Tags: map('string'),
  Enabled: 'boolean',
  Ratio: 'double',
  Offset: 'long',
  Options: structure({ Name: 'string', Count: 'integer' }),
})

function fast(body: string | Buffer): Record<string, unknown> | undefined {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  return codec.readInputFromBody?.(bytes, INPUT)
}

/** The general way: parse the document, then read it; an error is returned, not thrown. */
function general(body: string | Buffer): unknown {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  try {
    return codec.readInput(codec.parse(bytes), INPUT)
  } catch (error) {
    return error
  }
}

/** Key order as well as values: validation messages print structures in key order. */
function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder)
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof Date)
    return null
  return Object.entries(value).map(([key, item]) => [key, keyOrder(item)])
}

function expectSameAsGeneral(body: string | Buffer): Record<string, unknown> | undefined {
  const read = fast(body)
  if (read !== undefined) {
    const expected = general(body)
    expect(expected).not.toBeInstanceOf(Error)
    expect(read).toStrictEqual(expected)
    expect(keyOrder(read)).toEqual(keyOrder(expected))
  }
  return read
}

/** Replaces what JSON.stringify would escape: quotes, backslashes and control characters. */
function withoutEscapes(text: string, replacement: string): string {
  let result = ''
  for (const character of text) {
    const code = character.charCodeAt(0)
    result += character === '"' || character === '\\' || code < 0x20 ? replacement : character
  }
  return result
}

/** Text JSON.stringify writes without escapes (no quote, backslash or control character). */
const plainText = fc.string({ maxLength: 12 }).map((text) => withoutEscapes(text, 'x'))
const unicodeText = fc.string({ unit: 'grapheme', maxLength: 8 }).map((text) => withoutEscapes(text, 'y'))
const blob = fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64'))
const record = fc.record(
  {
    PartitionKey: fc.oneof(plainText, unicodeText),
    ExplicitHashKey: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String), fc.constant(null)),
    Data: blob,
    Unknown: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
)
const wellTypedInput = fc.record(
  {
    StreamName: plainText,
    Limit: fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(Math.trunc),
      fc.constant(2 ** 40),
    ),
    Records: fc.array(fc.oneof(record, fc.constant(null)), { maxLength: 5 }),
    Timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 34 }), fc.double({ min: 0, max: 2e9, noNaN: true })),
    Enabled: fc.boolean(),
    Ratio: fc.double({ noNaN: true, noDefaultInfinity: true }),
    Offset: fc.maxSafeInteger(),
    Options: fc.record({ Name: plainText, Count: fc.integer() }, { requiredKeys: [] }),
    Extra: fc.jsonValue({ maxDepth: 4 }),
    Nothing: fc.constant(null),
  },
  { requiredKeys: [] },
)

/** Members in a random order, as different SDKs write them. */
function shuffled(document: Record<string, unknown>, order: number[]): Record<string, unknown> {
  const entries = Object.entries(document)
  const result: Record<string, unknown> = {}
  for (const index of order) {
    const entry = entries[index % Math.max(1, entries.length)]
    if (entry !== undefined) result[entry[0]] = entry[1]
  }
  for (const [key, value] of entries) if (!(key in result)) result[key] = value
  return result
}

describe('AWS JSON input read straight from the body', () => {
  it('reads well-typed bodies without escapes exactly as the general way does (property)', () => {
    fc.assert(
      fc.property(
        wellTypedInput,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.constantFrom(undefined, 2, '\t', ' \r\n'),
        (document, order, indent) => {
          const body = JSON.stringify(shuffled(document, order), null, indent)
          const read = expectSameAsGeneral(body)
          // Maps and escapes are the only reasons to leave the fast path for these bodies.
          if (!body.includes('\\')) expect(read).toBeDefined()
        },
      ),
      { numRuns: 400 },
    )
  })

  const MUTATIONS = [
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '"',
    '0',
    '-',
    '.',
    'e',
    'E',
    ' ',
    'n',
    't',
    'f',
    '\u0001',
    '\u00ff',
  ]
  it('never accepts what the general way rejects, whatever the bytes (property)', () => {
    const mutated = fc
      .tuple(wellTypedInput, fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...MUTATIONS))
      .map(([document, at, how, character]) => {
        const text = JSON.stringify(document)
        const position = at % (text.length + 1)
        if (how === 0) return text.slice(0, position) + text.slice(position + 1)
        if (how === 1) return text.slice(0, position) + character + text.slice(position)
        if (how === 2) return text.slice(0, position) + character + text.slice(position + 1)
        return text.slice(0, position)
      })
    fc.assert(
      fc.property(mutated, (body) => {
        expectSameAsGeneral(Buffer.from(body, 'latin1'))
      }),
      { numRuns: 3000 },
    )
  })

  it('reads a PutRecords body as the AWS SDK writes it, members in shape order', () => {
    const body =
      '{"Records":[{"Data":"AQID","PartitionKey":"pk"},{"Data":"","PartitionKey":"é"}],"StreamName":"s"}'
    const read = expectSameAsGeneral(body)
    expect(read).toStrictEqual({
      StreamName: 's',
      Records: [
        { PartitionKey: 'pk', Data: Buffer.from([1, 2, 3]) },
        { PartitionKey: 'é', Data: Buffer.alloc(0) },
      ],
    })
    expect(Object.keys((read?.Records as object[])[0] as object)).toEqual(['PartitionKey', 'Data'])
  })

  it('keeps the last of repeated members, and a null drops what came before it', () => {
    expect(expectSameAsGeneral('{"StreamName":"a","StreamName":"b"}')).toEqual({ StreamName: 'b' })
    expect(expectSameAsGeneral('{"StreamName":"a","StreamName":null}')).toEqual({})
    expect(expectSameAsGeneral('{"StreamName":null,"StreamName":"c"}')).toEqual({ StreamName: 'c' })
  })

  it('converts members as the general way does, booleans spelled as strings included', () => {
    expect(expectSameAsGeneral('{"Enabled":"TRUE","Limit":1e20,"Timestamp":1700000000.5}')).toEqual({
      Enabled: true,
      Limit: 2 ** 31 - 1,
      Timestamp: new Date(1700000000500),
    })
  })

  it('skips unknown members of any kind, and ignores names inherited from Object', () => {
    expect(
      expectSameAsGeneral(
        '{"toString":1,"__proto__":{"a":[1,{"b":null}]},"constructor":"x","StreamName":"s","Other":[true,false,-1.5e3]}',
      ),
    ).toEqual({ StreamName: 's' })
  })

  it('leaves escapes, maps, wrong types and non-canonical base64 to the general way', () => {
    for (const body of [
      '{"StreamName":"a\\u0062"}',
      '{"Tags":{"a":"b"}}',
      '{"StreamName":1}',
      '{"Limit":"1"}',
      '{"Records":[{"Data":"AQI"}]}',
      '{"Records":[{"Data":"AQ-D"}]}',
      '{"Records":{}}',
      '{"Options":[]}',
    ]) {
      expect(fast(body), body).toBeUndefined()
    }
  })

  it('leaves bodies that are not well formed to the general way, which rejects them', () => {
    for (const body of [
      '',
      '[]',
      '{"StreamName":"s",}',
      '{"StreamName":"s"} x',
      '{"StreamName":"s"',
      '{"Limit":01}',
      '{"Limit":1.}',
      '{"Limit":-}',
      '{"Limit":1e}',
      '{"StreamName":"a\u0001"}',
      '{"Unknown":tru}',
      '\ufeff{}',
    ]) {
      expect(fast(body), body).toBeUndefined()
      expect(general(body), body).toBeInstanceOf(Error)
    }
  })

  it('refuses a fraction for an integer member as the general way does (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value)),
        fc.constantFrom('Limit', 'Offset'),
        (value, member) => {
          const body = `{"StreamName":"s","${member}":${JSON.stringify(value)}}`
          expect(fast(body)).toBeUndefined()
          const error = general(body) as { type: string; message: string }
          expect(error.type).toBe('SerializationException')
          expect(error.message).toMatch(/TruncatingBigNumber can not be converted to an (Integer|Long)$/)
        },
      ),
      { numRuns: 200 },
    )
    expect(fast('{"Options":{"Count":1.5}}')).toBeUndefined()
  })

  it('accepts whitespace wherever JSON allows it', () => {
    expect(expectSameAsGeneral(' \n{ "Limit" :\t-7 , "Ratio" : 1.5E+2 ,"Offset":12 }\r\n')).toEqual({
      Limit: -7,
      Ratio: 150,
      Offset: 12,
    })
  })
})
