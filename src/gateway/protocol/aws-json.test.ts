import { describe, expect, it } from 'vitest'
import { AwsError } from '../../aws/index.ts'
import { awsJsonCodec } from './aws-json.ts'
import { list, map, structure } from '../../../test/support/shapes.ts'

const codec = awsJsonCodec()

function read(json: string, shape = RECORDS_INPUT): Record<string, unknown> {
  return codec.readInput(codec.parse(Buffer.from(json)), shape)
}

function serializationError(json: string, shape = RECORDS_INPUT): AwsError {
  try {
    read(json, shape)
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error(`expected a SerializationException for ${json}`)
}

const RECORDS_INPUT = structure({
  StreamName: 'string',
  Limit: 'integer',
  Records: list(structure({ Data: 'blob', PartitionKey: 'string' })),
  Timestamp: 'timestamp',
  Tags: map('string'),
  Enabled: 'boolean',
  Ratio: 'double',
  Offset: 'long',
})

describe('AWS JSON 1.1 output', () => {
  it('writes blobs as base64 and timestamps as epoch seconds, omitting absent members', () => {
    const output = {
      Records: [
        {
          SequenceNumber: '49590338271490256608559692538361571095921575989136588898',
          ApproximateArrivalTimestamp: new Date(1700000000123),
          Data: new Uint8Array([1, 2, 3]),
          PartitionKey: 'pk',
          EncryptionType: undefined,
        },
      ],
      NextShardIterator: null,
      MillisBehindLatest: 0,
      HasMore: false,
    }
    expect(codec.encode(output).toString()).toBe(
      '{"Records":[{"SequenceNumber":"49590338271490256608559692538361571095921575989136588898",' +
        '"ApproximateArrivalTimestamp":1700000000.123,"Data":"AQID","PartitionKey":"pk"}],' +
        '"MillisBehindLatest":0,"HasMore":false}',
    )
  })

  it('writes whole-second timestamps as integers and escapes strings', () => {
    const output = { At: new Date(1700000000000), Text: 'quote " and \u2028 é', Empty: [] }
    expect(JSON.parse(codec.encode(output).toString())).toEqual({
      At: 1700000000,
      Text: 'quote " and \u2028 é',
      Empty: [],
    })
  })

  it('encodes a blob that is a view into a larger buffer by its own bytes only', () => {
    const backing = Buffer.from('xxABCxx')
    expect(codec.encode({ Data: backing.subarray(2, 5) }).toString()).toBe('{"Data":"QUJD"}')
  })

  it('answers an undefined output with an empty body', () => {
    expect(codec.encode(undefined).length).toBe(0)
  })
})

describe('AWS JSON 1.1 input', () => {
  it('converts blobs and timestamps and keeps only the members of the shape', () => {
    const input = read(
      '{"StreamName":"s","Records":[{"Data":"AQID","PartitionKey":"a","Unknown":1}],' +
        '"Timestamp":1700000000.123,"Tags":{"k":"v"},"Enabled":true,"Ratio":0.5,"Offset":12,"Other":"x"}',
    )
    expect(input).toEqual({
      StreamName: 's',
      Records: [{ Data: Buffer.from([1, 2, 3]), PartitionKey: 'a' }],
      Timestamp: new Date(1700000000123),
      Tags: { k: 'v' },
      Enabled: true,
      Ratio: 0.5,
      Offset: 12,
    })
  })

  it('drops null members', () => {
    expect(read('{"StreamName":null,"Limit":null}')).toEqual({})
  })

  it('refuses a fraction for an integer or long member, and clamps whole numbers to an Integer', () => {
    const number = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber'
    expect(serializationError('{"Limit":10.9}').message).toBe(`${number} can not be converted to an Integer`)
    expect(serializationError('{"Offset":-3.5}').message).toBe(`${number} can not be converted to an Long`)
    expect(read('{"Limit":1e20,"Offset":4.0}')).toEqual({ Limit: 2147483647, Offset: 4 })
  })

  it('keeps a __proto__ map key as an ordinary key', () => {
    const input = read('{"Tags":{"__proto__":"v"}}')
    expect(Object.keys(input.Tags as object)).toEqual(['__proto__'])
  })

  it('rejects malformed JSON with a bare SerializationException', () => {
    expect(() => codec.parse(Buffer.from('{"StreamName":'))).toThrow(AwsError)
    const error = serializationError('{')
    expect(error.type).toBe('SerializationException')
    expect(error.status).toBe(400)
    expect(error.message).toBe('')
  })

  it('rejects a body that is not an object', () => {
    expect(serializationError('"text"').type).toBe('SerializationException')
    expect(serializationError('[]').message).toBe('Start of list found where not expected')
  })

  it.each([
    [
      '{"StreamName":1}',
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    ],
    ['{"StreamName":true}', 'class java.lang.Boolean can not be converted to an String'],
    ['{"StreamName":[]}', 'Start of list found where not expected'],
    ['{"StreamName":{}}', 'Start of structure or map found where not expected.'],
    ['{"Limit":"10"}', 'class java.lang.String can not be converted to an Integer'],
    ['{"Offset":false}', 'class java.lang.Boolean can not be converted to an Long'],
    ['{"Enabled":"maybe"}', "'MAYBE' can not be converted to an Boolean"],
    [
      '{"Enabled":1}',
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean',
    ],
    ['{"Timestamp":"2024-01-01"}', 'class java.lang.String can not be converted to milliseconds since epoch'],
    ['{"Records":"x"}', 'Expected list or null'],
    ['{"Records":{}}', 'Start of structure or map found where not expected.'],
    ['{"Records":[1]}', 'Expected null'],
    ['{"Tags":[]}', 'Start of list found where not expected'],
    ['{"Tags":1}', 'Expected map or null'],
    ['{"Records":[{"Data":true}]}', 'class java.lang.Boolean can not be converted to a Blob'],
    [
      '{"Records":[{"Data":"abc"}]}',
      "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3",
    ],
    ['{"Records":[{"Data":"ab.c"}]}', "'ab.c' can not be converted to a Blob: Invalid Base64 character: '.'"],
    ['{"Records":[{"Data":"a=bc"}]}', "'a=bc' can not be converted to a Blob: Invalid Base64 character: '='"],
    ['{"Records":[{"Data":"AQ-D"}]}', "'AQ-D' can not be converted to a Blob: Invalid Base64 character: '-'"],
    ['{"Records":[{"Data":"AQ_D"}]}', "'AQ_D' can not be converted to a Blob: Invalid Base64 character: '_'"],
    [
      '{"Records":[{"Data":"AQ\\u00e9D"}]}',
      "'AQéD' can not be converted to a Blob: Invalid Base64 character: 'é'",
    ],
    [
      '{"Records":[{"Data":"AQ\\nD"}]}',
      "'AQ\nD' can not be converted to a Blob: Invalid Base64 character: '\n'",
    ],
    [
      '{"Records":[{"Data":"A==="}]}',
      "'A===' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
    ],
    [
      '{"Records":[{"Data":"AQJ="}]}',
      "'AQJ=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
    ],
    [
      '{"Records":[{"Data":"AR=="}]}',
      "'AR==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
    ],
  ])('rejects %s', (json, message) => {
    const error = serializationError(json)
    expect(error.type).toBe('SerializationException')
    expect(error.message).toBe(message)
  })

  it('accepts canonical base64 with and without padding, and the empty blob', () => {
    const records = read('{"Records":[{"Data":"AQI="},{"Data":"AQ=="},{"Data":"AQID"},{"Data":""}]}').Records
    expect(records).toEqual([
      { Data: Buffer.from([1, 2]) },
      { Data: Buffer.from([1]) },
      { Data: Buffer.from([1, 2, 3]) },
      { Data: Buffer.alloc(0) },
    ])
  })

  it('decodes a large blob', () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 1, 0xa5)
    const input = read(`{"Records":[{"Data":"${data.toString('base64')}"}]}`)
    expect(Buffer.compare((input.Records as { Data: Buffer }[])[0]?.Data ?? Buffer.alloc(0), data)).toBe(0)
  })

  it('accepts TRUE and false spelled as strings for booleans', () => {
    expect(read('{"Enabled":"TRUE"}')).toEqual({ Enabled: true })
    expect(read('{"Enabled":"false"}')).toEqual({ Enabled: false })
  })
})

describe('AWS JSON 1.1 output of client-chosen keys', () => {
  it('writes a __proto__ key as an ordinary member', () => {
    const tags = JSON.parse('{"__proto__":"v","k":"w"}') as unknown
    expect(codec.encode({ Tags: tags }).toString()).toBe('{"Tags":{"__proto__":"v","k":"w"}}')
  })
})
