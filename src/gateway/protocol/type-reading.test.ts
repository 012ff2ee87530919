// The type step that precedes constraint validation, as the codecs take it: AWS's deserializer stops at the first
// value of the wrong kind with a SerializationException whose message names the Java classes involved. Unknown
// members are ignored and null counts as absent. Values decoded from CBOR may also be bytes (blobs), Date
// (timestamps) and bigint (integers), so the CBOR codec, which reads those and JSON's forms alike, reads them.

import { describe, expect, it } from 'vitest'

import { AwsError, type Shape, type ShapeType, type StructureShape } from '../../aws/index.ts'
import { awsCborCodec } from './aws-cbor.ts'

const codec = awsCborCodec()

function checkTypes(document: unknown, shape: StructureShape): { type: string; message: string } | undefined {
  try {
    codec.readInput(document, shape)
    return undefined
  } catch (error) {
    if (error instanceof AwsError) return { type: error.type, message: error.message }
    throw error
  }
}

const NUMBER = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber'

function shapeOf(type: ShapeType): Shape {
  switch (type) {
    case 'list':
      return { type, member: { type: 'string' } }
    case 'map':
      return { type, keys: { type: 'string' }, values: { type: 'string' } }
    case 'structure':
      return { type, members: { Name: { type: 'string' } } }
    default:
      return { type }
  }
}

function messageFor(type: ShapeType, value: unknown): string | undefined {
  const failure = checkTypes({ Member: value }, { type: 'structure', members: { Member: shapeOf(type) } })
  if (failure !== undefined) expect(failure.type).toBe('SerializationException')
  return failure?.message
}

describe('wrong JSON types', () => {
  it.each([
    ['string', true, 'class java.lang.Boolean can not be converted to an String'],
    ['string', 23, `${NUMBER} can not be converted to an String`],
    ['string', 34.56, `${NUMBER} can not be converted to an String`],
    ['string', [], 'Start of list found where not expected'],
    ['string', {}, 'Start of structure or map found where not expected.'],
    ['integer', '23', 'class java.lang.String can not be converted to an Integer'],
    ['integer', true, 'class java.lang.Boolean can not be converted to an Integer'],
    ['integer', [], 'Start of list found where not expected'],
    ['integer', {}, 'Start of structure or map found where not expected.'],
    ['integer', 5.7, `${NUMBER} can not be converted to an Integer`],
    ['long', -0.5, `${NUMBER} can not be converted to an Long`],
    ['long', '23', 'class java.lang.String can not be converted to an Long'],
    ['long', false, 'class java.lang.Boolean can not be converted to an Long'],
    ['boolean', 23, `${NUMBER} can not be converted to an Boolean`],
    ['boolean', 'yes', "'YES' can not be converted to an Boolean"],
    ['boolean', [], 'Start of list found where not expected'],
    ['boolean', {}, 'Start of structure or map found where not expected.'],
    ['blob', true, 'class java.lang.Boolean can not be converted to a Blob'],
    ['blob', 23, `${NUMBER} can not be converted to a Blob`],
    ['blob', [], 'Start of list found where not expected'],
    ['blob', {}, 'Start of structure or map found where not expected.'],
    ['timestamp', 'yesterday', 'class java.lang.String can not be converted to milliseconds since epoch'],
    ['timestamp', true, 'class java.lang.Boolean can not be converted to milliseconds since epoch'],
    ['list', '23', 'Expected list or null'],
    ['list', 23, 'Expected list or null'],
    ['list', true, 'Expected list or null'],
    ['list', {}, 'Start of structure or map found where not expected.'],
    ['map', '23', 'Expected map or null'],
    ['map', 2147483648, 'Expected map or null'],
    ['map', [], 'Start of list found where not expected'],
    ['structure', '23', 'Expected null'],
    ['structure', 34.56, 'Expected null'],
    ['structure', [], 'Start of list found where not expected'],
  ] as const)('%s given %j', (type, value, message) => {
    expect(messageFor(type, value)).toBe(message)
  })
})

describe('base64 blobs', () => {
  it.each([
    [
      '23456',
      "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5",
    ],
    ['=+/=', "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"],
    ['ab!d', "'ab!d' can not be converted to a Blob: Invalid Base64 character: '!'"],
    ['+/+=', "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"],
  ])('rejects %j', (text, message) => {
    expect(messageFor('blob', text)).toBe(message)
  })

  it('accepts canonical base64 and the empty blob', () => {
    for (const text of ['', 'AA==', 'AAA=', 'AAAA', Buffer.from('hello world').toString('base64')]) {
      expect(messageFor('blob', text)).toBeUndefined()
    }
  })
})

describe('accepted values', () => {
  it.each([
    ['string', 'text'],
    ['integer', 5],
    ['long', 9007199254740993n],
    ['boolean', false],
    ['blob', new Uint8Array([1, 2])],
    ['timestamp', 1700000000.5],
    ['timestamp', new Date()],
    ['list', ['a']],
    ['map', { a: 'b' }],
    ['structure', { Name: 'n', Unknown: [1, 2] }],
  ] as const)('%s accepts %o', (type, value) => {
    expect(messageFor(type, value)).toBeUndefined()
  })

  it('treats null and missing members as absent', () => {
    for (const type of ['string', 'integer', 'blob', 'list', 'map', 'structure'] as const) {
      expect(messageFor(type, null)).toBeUndefined()
      expect(messageFor(type, undefined)).toBeUndefined()
    }
  })

  it('rejects CBOR values of the wrong kind with a descriptive class name', () => {
    expect(messageFor('string', new Uint8Array(1))).toBe(
      'class java.nio.HeapByteBuffer can not be converted to an String',
    )
    expect(messageFor('integer', new Date(0))).toBe('class java.util.Date can not be converted to an Integer')
  })
})

describe('nesting and order', () => {
  const putRecords: StructureShape = {
    type: 'structure',
    members: {
      Records: {
        type: 'list',
        member: {
          type: 'structure',
          members: {
            Data: { type: 'blob' },
            ExplicitHashKey: { type: 'string' },
            PartitionKey: { type: 'string' },
          },
        },
      },
      StreamName: { type: 'string' },
    },
  }

  it('checks items of lists and values of maps', () => {
    expect(checkTypes({ Records: [{ Data: 5 }] }, putRecords)?.message).toBe(
      `${NUMBER} can not be converted to a Blob`,
    )
    expect(checkTypes({ Records: ['x'] }, putRecords)?.message).toBe('Expected null')
    const tags: StructureShape = {
      type: 'structure',
      members: { Tags: { type: 'map', keys: { type: 'string' }, values: { type: 'string' } } },
    }
    expect(checkTypes({ Tags: { a: 1 } }, tags)?.message).toBe(`${NUMBER} can not be converted to an String`)
  })

  it('reports the first problem in document order', () => {
    expect(checkTypes({ StreamName: 1, Records: true }, putRecords)?.message).toBe(
      `${NUMBER} can not be converted to an String`,
    )
    expect(checkTypes({ Records: true, StreamName: 1 }, putRecords)?.message).toBe('Expected list or null')
  })

  it('ignores members it does not know', () => {
    expect(checkTypes({ Unknown: {}, StreamName: 'orders' }, putRecords)).toBeUndefined()
  })

  it('checks the document itself as a structure', () => {
    expect(checkTypes([], putRecords)?.message).toBe('Start of list found where not expected')
    // Any other document that is not a structure is refused without a message (see aws-json.test.ts).
    expect(checkTypes('x', putRecords)).toEqual({ type: 'SerializationException', message: '' })
  })
})
