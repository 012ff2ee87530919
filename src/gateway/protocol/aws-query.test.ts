import { describe, expect, it } from 'vitest'
import { AwsError, defineService, ValidationException } from '../../aws/index.ts'
import { list, map, structure } from '../../../test/support/shapes.ts'
import { awsQueryCodec } from './aws-query.ts'
import { escapeXml, queryResponseXml } from './xml-writer.ts'

const codec = awsQueryCodec()
const service = defineService({
  name: 'GraniteServiceVersion20100801',
  signingName: 'monitoring',
  protocols: ['aws-query'],
  query: { version: '2010-08-01', xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/' },
  operations: [],
})

function read(body: string, shape: ReturnType<typeof structure>): Record<string, unknown> {
  return codec.readInput(codec.parse(Buffer.from(body)), shape)
}

function failure(body: string, shape: ReturnType<typeof structure>): AwsError {
  try {
    read(body, shape)
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error('expected an AwsError')
}

describe('AWS query codec', () => {
  it('names the Action and Version of the form', () => {
    const document = codec.parse(Buffer.from('Action=PutMetricData&Version=2010-08-01&Namespace=KCL'))
    expect(codec.actionOf?.(document)).toEqual({ action: 'PutMetricData', version: '2010-08-01' })
    expect(codec.actionOf?.(codec.parse(Buffer.alloc(0)))).toEqual({ action: undefined, version: undefined })
  })

  it('reads structures, lists (from 1) and maps of the shape, ignoring other parameters', () => {
    const shape = structure({
      Name: 'string',
      Items: list(structure({ Key: 'string', Values: list('double') })),
      Tags: map('string'),
      Nested: structure({ Flag: 'boolean', Count: 'integer', Size: 'long' }),
    })
    const body =
      'Action=X&Version=1&Name=a%20b%26c&Items.member.1.Key=k1&Items.member.1.Values.member.1=1.5' +
      '&Items.member.1.Values.member.2=-2e3&Items.member.2.Key=k2&Tags.entry.1.key=env&Tags.entry.1.value=prod' +
      '&Tags.entry.2.key=__proto__&Tags.entry.2.value=x&Nested.Flag=false&Nested.Count=-7&Nested.Size=9007199254740991' +
      '&Unknown=1'
    const input = read(body, shape)
    expect(input).toEqual({
      Name: 'a b&c',
      Items: [{ Key: 'k1', Values: [1.5, -2000] }, { Key: 'k2' }],
      Tags: { env: 'prod', ['__proto__']: 'x' },
      Nested: { Flag: false, Count: -7, Size: 9007199254740991 },
    })
    expect(Object.getPrototypeOf(input.Tags)).toBe(Object.prototype)
    expect(Object.keys(input.Tags as object)).toEqual(['env', '__proto__'])
  })

  it('reads an empty list from `Name=`, stops a list at its first gap, and leaves absent members out', () => {
    const shape = structure({
      Empty: list('string'),
      Gap: list('string'),
      Absent: list('string'),
      S: structure({}),
    })
    expect(read('Empty=&Gap.member.1=a&Gap.member.3=c', shape)).toEqual({ Empty: [], Gap: ['a'] })
  })

  it('reads ISO 8601 timestamps and base64 blobs', () => {
    const shape = structure({ At: 'timestamp', Offset: 'timestamp', Data: 'blob' })
    expect(
      read('At=2024-05-06T07%3A08%3A09.123Z&Offset=2024-05-06T09:08:09%2B02:00&Data=aGVsbG8%3D', shape),
    ).toEqual({
      At: new Date('2024-05-06T07:08:09.123Z'),
      Offset: new Date('2024-05-06T07:08:09Z'),
      Data: Buffer.from('hello'),
    })
  })

  it.each([
    [
      'a double',
      structure({ V: 'double' }),
      'V=ten',
      'Value (ten) for parameter V is invalid. Expected a double.',
    ],
    [
      'an integer',
      structure({ V: 'integer' }),
      'V=1.5',
      'Value (1.5) for parameter V is invalid. Expected an integer.',
    ],
    [
      'an integer',
      structure({ V: 'integer' }),
      'V=2147483648',
      'Value (2147483648) for parameter V is invalid. Expected an integer.',
    ],
    [
      'a boolean',
      structure({ V: 'boolean' }),
      'V=yes',
      'Value (yes) for parameter V is invalid. Expected a boolean (true or false).',
    ],
    [
      'a timestamp',
      structure({ V: 'timestamp' }),
      'V=1700000000',
      'Value (1700000000) for parameter V is invalid. Expected an ISO 8601 timestamp.',
    ],
    [
      'a blob',
      structure({ V: 'blob' }),
      'V=%25%25',
      'Value (%%) for parameter V is invalid. Expected base64 bytes.',
    ],
    [
      'a nested double',
      structure({ L: list(structure({ V: 'double' })) }),
      'L.member.1.V=',
      'Value () for parameter L.member.1.V is invalid. Expected a double.',
    ],
    [
      'a map key',
      structure({ M: map('string') }),
      'M.entry.1.value=v',
      'Value null for parameter M.entry.1.key is invalid. Expected a map key.',
    ],
  ])('refuses a value that is not %s with 400 InvalidParameterValue', (_type, shape, body, message) => {
    const error = failure(body, shape)
    expect([error.type, error.status, error.message]).toEqual(['InvalidParameterValue', 400, message])
  })

  it('wraps an output in <OperationResponse> and <OperationResult>, with the request id', () => {
    const [body] = codec.encodeChunks(
      {
        Items: [
          { Name: 'a<b', At: new Date(1700000000123), Data: new Uint8Array([104, 105]) },
          { Name: 'c' },
        ],
        Count: 2,
        Truncated: false,
        Missing: undefined,
        Nothing: null,
      },
      'ListThings',
      service,
      'req-1',
    )
    expect(body?.toString()).toBe(
      '<ListThingsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ListThingsResult>' +
        '<Items><member><Name>a&lt;b</Name><At>2023-11-14T22:13:20.123Z</At><Data>aGk=</Data></member>' +
        '<member><Name>c</Name></member></Items><Count>2</Count><Truncated>false</Truncated></ListThingsResult>' +
        '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ListThingsResponse>',
    )
  })

  it('writes no Result element for an empty output', () => {
    expect(queryResponseXml('PutMetricData', 'ns', 'r', undefined)).toBe(
      '<PutMetricDataResponse xmlns="ns"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>' +
        '</PutMetricDataResponse>',
    )
  })

  it('writes errors as <ErrorResponse>, constraint violations as ValidationError, server errors as Receiver', () => {
    const validation = codec.encodeError?.(ValidationException("Value 'x' at 'a' failed"), 'r', service)
    expect(validation?.toString()).toBe(
      '<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type>' +
        '<Code>ValidationError</Code><Message>Value &apos;x&apos; at &apos;a&apos; failed</Message></Error>' +
        '<RequestId>r</RequestId></ErrorResponse>',
    )
    const internal = codec.encodeError?.(new AwsError('InternalFailure', 'boom', 500), 'r', undefined)
    expect(internal?.toString()).toBe(
      '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>boom</Message></Error>' +
        '<RequestId>r</RequestId></ErrorResponse>',
    )
  })

  it('escapes the XML special characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>\r\n`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;&#xD;&#xA;',
    )
  })
})
