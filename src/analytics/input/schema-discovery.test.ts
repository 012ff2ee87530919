import { describe, expect, it } from 'vitest'

import { columnNames, discoverSchema } from './schema-discovery.ts'

describe('discoverSchema', () => {
  it('infers the ticker schema of AWS getting-started from JSON records', () => {
    const records = [
      '{"TICKER_SYMBOL":"AMZN","SECTOR":"TECHNOLOGY","CHANGE":-0.15,"PRICE":44.89}',
      '{"TICKER_SYMBOL":"QXZ","SECTOR":"HEALTHCARE","CHANGE":2.5,"PRICE":115}',
    ]
    expect(discoverSchema(records)).toEqual({
      schema: {
        RecordFormat: {
          RecordFormatType: 'JSON',
          MappingParameters: { JSONMappingParameters: { RecordRowPath: '$' } },
        },
        RecordEncoding: 'UTF-8',
        RecordColumns: [
          { Name: 'TICKER_SYMBOL', Mapping: '$.TICKER_SYMBOL', SqlType: 'VARCHAR(4)' },
          { Name: 'SECTOR', Mapping: '$.SECTOR', SqlType: 'VARCHAR(16)' },
          { Name: 'CHANGE', Mapping: '$.CHANGE', SqlType: 'REAL' },
          { Name: 'PRICE', Mapping: '$.PRICE', SqlType: 'REAL' },
        ],
      },
      parsed: [
        ['AMZN', 'TECHNOLOGY', String(Math.fround(-0.15)), String(Math.fround(44.89))],
        ['QXZ', 'HEALTHCARE', '2.5', '115'],
      ],
    })
  })

  it('walks nested objects, keeps arrays whole, types integers, booleans and timestamps', () => {
    const result = discoverSchema([
      '{"id":1,"ok":true,"at":"2017-12-05 11:00:10.000","address":{"city":"Anytown"},"tags":["a"],"user":"x","@@":1}',
      '{"id":3000000000,"ok":false,"at":"2017-12-05 11:00:20.000","address":{"city":null},"tags":[],"user":"y"}',
    ])
    if ('problem' in result) throw new Error(result.problem)
    expect(result.schema.RecordColumns).toEqual([
      { Name: 'id', Mapping: '$.id', SqlType: 'BIGINT' },
      { Name: 'ok', Mapping: '$.ok', SqlType: 'BOOLEAN' },
      { Name: 'at', Mapping: '$.at', SqlType: 'TIMESTAMP' },
      { Name: 'city', Mapping: '$.address.city', SqlType: 'VARCHAR(8)' },
      { Name: 'tags', Mapping: '$.tags[0:]', SqlType: 'VARCHAR(8)' },
      { Name: 'COL_user', Mapping: '$.user', SqlType: 'VARCHAR(1)' },
      { Name: 'COL_6', Mapping: "$['@@']", SqlType: 'INTEGER' },
    ])
    expect(result.parsed[0]).toEqual(['1', 'true', '2017-12-05 11:00:10.000', 'Anytown', '["a"]', 'x', '1'])
  })

  it('infers delimited text as CSV with COL_n columns', () => {
    const result = discoverSchema([
      'AMZN,1.5,2017-12-05 11:00:10\nMSFT,2,2017-12-05 11:00:11',
      'IBM,3,2017-12-05 11:00:12',
    ])
    expect(result).toEqual({
      schema: {
        RecordFormat: {
          RecordFormatType: 'CSV',
          MappingParameters: {
            CSVMappingParameters: { RecordRowDelimiter: '\n', RecordColumnDelimiter: ',' },
          },
        },
        RecordEncoding: 'UTF-8',
        RecordColumns: [
          { Name: 'COL_0', SqlType: 'VARCHAR(4)' },
          { Name: 'COL_1', SqlType: 'REAL' },
          { Name: 'COL_2', SqlType: 'TIMESTAMP' },
        ],
      },
      parsed: [
        ['AMZN', '1.5', '2017-12-05 11:00:10.000'],
        ['MSFT', '2', '2017-12-05 11:00:11.000'],
        ['IBM', '3', '2017-12-05 11:00:12.000'],
      ],
    })
  })

  it('gives up on records with no structure, and on none', () => {
    expect(discoverSchema(['just some words', 'more words here'])).toEqual({
      problem: 'Unable to determine the schema: the records are neither JSON objects nor delimited text.',
    })
    expect(discoverSchema([])).toEqual({ problem: 'No records were found to discover a schema from.' })
  })
})

describe('columnNames', () => {
  it('renames as AWS documents: USER -> COL_USER, USER@DOMAIN -> COL_USERDOMAIN, @@ -> COL_0', () => {
    expect(columnNames(['USER', 'USER@DOMAIN', '@@', '1st', 'x'.repeat(120), 'a', 'a'])).toEqual([
      'COL_USER',
      'COL_USERDOMAIN',
      'COL_2',
      'COL_1st',
      'x'.repeat(100),
      'a',
      'a_2',
    ])
    expect(columnNames(['@@'])).toEqual(['COL_0'])
  })
})
