import type { RecordColumn, SourceSchema } from '@aws-sdk/client-kinesis-analytics'
import { describe, expect, it } from 'vitest'

import { recordDecoder } from './record-decoder.ts'
import { parseSqlType, typeText } from './sql-types.ts'
import { schemaProblem } from './schema.ts'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

function json(columns: RecordColumn[], rowPath = '$'): SourceSchema {
  return {
    RecordFormat: {
      RecordFormatType: 'JSON',
      MappingParameters: { JSONMappingParameters: { RecordRowPath: rowPath } },
    },
    RecordEncoding: 'UTF-8',
    RecordColumns: columns,
  }
}

function csv(columns: RecordColumn[], row = '\n', column = ','): SourceSchema {
  return {
    RecordFormat: {
      RecordFormatType: 'CSV',
      MappingParameters: { CSVMappingParameters: { RecordRowDelimiter: row, RecordColumnDelimiter: column } },
    },
    RecordColumns: columns,
  }
}

describe('JSON records', () => {
  it('maps columns by JSONPath; a missing member is NULL; nested members', () => {
    const decode = recordDecoder(
      json([
        { Name: 'TICKER', SqlType: 'VARCHAR(4)', Mapping: '$.TICKER_SYMBOL' },
        { Name: 'PRICE', SqlType: 'REAL', Mapping: '$.PRICE' },
        { Name: 'city', SqlType: 'VARCHAR(16)', Mapping: '$.address.city' },
        { Name: 'missing', SqlType: 'INTEGER', Mapping: '$.nope.deeper' },
      ]),
    )
    expect(decode(bytes('{"TICKER_SYMBOL":"AMZNX","PRICE":12.5,"address":{"city":"Anytown"}}'))).toEqual({
      rows: [{ TICKER: 'AMZN', PRICE: 12.5, city: 'Anytown', missing: null }],
      errors: [],
    })
  })

  it('reads a whole array as one value and flattens an array into one row per element', () => {
    const record = bytes(
      '{"customerName":"John Doe","orders":[{"orderId":"23284","itemPrice":"33.99"},{"orderId":"63122"}],"tags":[1,2]}',
    )
    const whole = recordDecoder(json([{ Name: 'orders', SqlType: 'VARCHAR(200)', Mapping: '$.orders[0:]' }]))
    expect(whole(record).rows).toEqual([
      { orders: '[{"orderId":"23284","itemPrice":"33.99"},{"orderId":"63122"}]' },
    ])
    const flattened = recordDecoder(
      json([
        { Name: 'name', SqlType: 'VARCHAR(16)', Mapping: '$.customerName' },
        { Name: 'orderId', SqlType: 'INTEGER', Mapping: '$.orders[0:].orderId' },
        { Name: 'price', SqlType: 'DECIMAL(5,2)', Mapping: "$.orders[0:]['itemPrice']" },
        { Name: 'tags', SqlType: 'VARCHAR(8)', Mapping: '$.tags[0:]' },
      ]),
    )
    expect(flattened(record)).toEqual({
      rows: [
        { name: 'John Doe', orderId: 23284, price: 33.99, tags: '[1,2]' },
        { name: 'John Doe', orderId: 63122, price: null, tags: '[1,2]' },
      ],
      errors: [],
    })
    expect(flattened(bytes('{"customerName":"Jane","orders":[]}')).rows).toEqual([
      { name: 'Jane', orderId: null, price: null, tags: null },
    ])
  })

  it('reads several rows from a RecordRowPath over an array', () => {
    const decode = recordDecoder(json([{ Name: 'a', SqlType: 'INTEGER', Mapping: '$.a' }], '$.items[0:]'))
    expect(decode(bytes('{"items":[{"a":1},{"a":2}]}')).rows).toEqual([{ a: 1 }, { a: 2 }])
  })

  it('sends rows that do not convert to the error stream, with a name and a message', () => {
    const decode = recordDecoder(
      json([
        { Name: 'TICKER_SYMBOL', SqlType: 'INTEGER', Mapping: '$.TICKER_SYMBOL' },
        { Name: 'small', SqlType: 'TINYINT', Mapping: '$.small' },
      ]),
    )
    expect(decode(bytes('{"TICKER_SYMBOL":"AMZN","small":1}'))).toEqual({
      rows: [],
      errors: [
        {
          name: 'COERCION_ERROR',
          message: "Cannot convert 'AMZN' to INTEGER for column TICKER_SYMBOL",
        },
      ],
    })
    expect(decode(bytes('{"TICKER_SYMBOL":1,"small":300}')).errors).toEqual([
      { name: 'COERCION_ERROR', message: 'Value 300 does not fit TINYINT in column small' },
    ])
    expect(decode(bytes('not json')).errors[0]?.name).toBe('PARSE_ERROR')
    expect(decode(new Uint8Array([0xff, 0xfe])).errors).toEqual([
      { name: 'RECORD_ENCODING_ERROR', message: 'The record is not valid UTF-8' },
    ])
  })
})

describe('CSV records', () => {
  it('splits rows and columns by the delimiters; missing columns are NULL', () => {
    const decode = recordDecoder(
      csv(
        [
          { Name: 'Ticker', SqlType: 'VARCHAR(4)' },
          { Name: 'Price', SqlType: 'DOUBLE' },
          { Name: 'Up', SqlType: 'BOOLEAN' },
        ],
        '|',
        ';',
      ),
    )
    expect(decode(bytes('AMZN;1.5;true|MSFT;;FALSE|IBM|'))).toEqual({
      rows: [
        { Ticker: 'AMZN', Price: 1.5, Up: true },
        { Ticker: 'MSFT', Price: null, Up: false },
        { Ticker: 'IBM', Price: null, Up: null },
      ],
      errors: [],
    })
  })
})

describe('SQL types', () => {
  const one = (type: string, value: unknown): unknown => {
    const decode = recordDecoder(json([{ Name: 'v', SqlType: type, Mapping: '$.v' }]))
    const result = decode(bytes(JSON.stringify({ v: value })))
    const row = result.rows[0]
    return row === undefined ? result.errors[0]?.name : row.v
  }

  it('converts JSON values as AWS documents it', () => {
    // Numbers: direct when they fit size and precision.
    expect(one('BIGINT', '9007199254740991')).toBe(9007199254740991)
    expect(one('BIGINT', 2 ** 60)).toBe('COERCION_ERROR')
    expect(one('INTEGER', 123.4)).toBe('COERCION_ERROR')
    expect(one('SMALLINT', '-32768')).toBe(-32768)
    expect(one('DECIMAL(5,2)', '123.45')).toBe(123.45)
    expect(one('DECIMAL(5,2)', '123.456')).toBe('COERCION_ERROR')
    expect(one('DECIMAL(5,2)', 1234.5)).toBe('COERCION_ERROR')
    expect(one('REAL', 1e39)).toBe('COERCION_ERROR')
    expect(one('DOUBLE', '2.5e3')).toBe(2500)
    expect(one('INTEGER', { a: 1 })).toBe('COERCION_ERROR')
    // Booleans: 1/0 for numbers, text, one byte; not dates.
    expect(one('INTEGER', true)).toBe(1)
    expect(one('VARCHAR(8)', false)).toBe('false')
    expect(one('CHAR(2)', true)).toBe('tr')
    expect(one('VARBINARY(1)', true)).toEqual(new Uint8Array([1]))
    expect(one('TIMESTAMP', true)).toBe('COERCION_ERROR')
    // To BOOLEAN: 0 is false, other numbers true; the string "true" in any case is true, any other false.
    expect(one('BOOLEAN', 0)).toBe(false)
    expect(one('BOOLEAN', 7)).toBe(true)
    expect(one('BOOLEAN', 'TRUE')).toBe(true)
    expect(one('BOOLEAN', 'yes')).toBe(false)
    // Dates and times from strings only.
    expect(one('TIMESTAMP', '1992-02-14 18:35:44.0')).toBe(Date.UTC(1992, 1, 14, 18, 35, 44))
    expect(one('TIMESTAMP', '1992-02-14')).toBe(Date.UTC(1992, 1, 14))
    expect(one('TIMESTAMP', '2017-12-05T11:00:10+01:00')).toBe(Date.UTC(2017, 11, 5, 10, 0, 10))
    expect(one('TIMESTAMP', 1512471610000)).toBe('COERCION_ERROR')
    expect(one('TIMESTAMP', 'yesterday')).toBe('COERCION_ERROR')
    expect(one('DATE', '1992-02-14')).toBe(Date.UTC(1992, 1, 14))
    expect(one('TIME', '11:00:10.5')).toBe(39610500)
    // Binary from a binary literal only.
    expect(one('VARBINARY(4)', "X'3F67A23A'")).toEqual(new Uint8Array([0x3f, 0x67, 0xa2, 0x3a]))
    expect(one('VARBINARY(4)', 'plain')).toBe('COERCION_ERROR')
    expect(one('VARBINARY(4)', 12)).toBe('COERCION_ERROR')
    // Text: as is, numbers as text, arrays and objects as their JSON text, truncated without error.
    expect(one('VARCHAR(3)', 12345)).toBe('123')
    expect(one('VARCHAR(16)', [1, { a: 2 }])).toBe('[1,{"a":2}]')
    expect(one('INTEGER', null)).toBeNull()
  })

  it('parses type names, aliases and refuses unknown ones', () => {
    expect(parseSqlType('varchar(4)')).toEqual({ kind: 'VARCHAR', length: 4 })
    expect(parseSqlType('DECIMAL(5, 2)')).toEqual({ kind: 'DECIMAL', precision: 5, scale: 2 })
    expect(parseSqlType('INT')).toEqual({ kind: 'INTEGER' })
    expect(parseSqlType('double precision')).toEqual({ kind: 'DOUBLE' })
    expect(typeText({ kind: 'DECIMAL', precision: 5, scale: 2 })).toBe('DECIMAL(5,2)')
    expect(parseSqlType('BLOB')).toEqual({ problem: 'Invalid SQL type: BLOB' })
    expect(parseSqlType('INTEGER(3)')).toEqual({ problem: 'Invalid SQL type: INTEGER(3)' })
  })
})

describe('schemaProblem', () => {
  it('refuses two flattened arrays, nested array levels, duplicate names and missing mapping parameters', () => {
    expect(
      schemaProblem(
        json([
          { Name: 'a', SqlType: 'INTEGER', Mapping: '$.one[0:].x' },
          { Name: 'b', SqlType: 'INTEGER', Mapping: '$.two[0:].x' },
        ]),
      ),
    ).toBe('Only one array can be flattened in a schema: $.one and $.two both are.')
    expect(schemaProblem(json([{ Name: 'a', SqlType: 'INTEGER', Mapping: '$.a[0:].b[0:].c' }]))).toBe(
      'JSONPath $.a[0:].b[0:].c dereferences more than one array level',
    )
    expect(schemaProblem(json([{ Name: 'a', SqlType: 'INTEGER', Mapping: '$.a[1]' }]))).toMatch(
      /is not supported/,
    )
    expect(
      schemaProblem(
        json([
          { Name: 'a', SqlType: 'INTEGER', Mapping: '$.a' },
          { Name: 'a', SqlType: 'INTEGER', Mapping: '$.b' },
        ]),
      ),
    ).toBe('Column name a is used more than once in the schema.')
    expect(
      schemaProblem({
        RecordFormat: { RecordFormatType: 'CSV' },
        RecordColumns: [{ Name: 'a', SqlType: 'INTEGER' }],
      }),
    ).toBe('CSVMappingParameters are required for the CSV record format.')
    expect(
      schemaProblem(
        json([
          { Name: 'a', SqlType: 'INTEGER', Mapping: '$.o[0:].x' },
          { Name: 'b', SqlType: 'INTEGER', Mapping: '$.o[0:].y' },
        ]),
      ),
    ).toBeUndefined()
  })
})
