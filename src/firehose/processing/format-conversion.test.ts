import { gunzipSync } from 'node:zlib'

import type { DataFormatConversionConfiguration } from '@aws-sdk/client-firehose'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { describe, expect, it } from 'vitest'

import type { TableColumn, TableSchemas } from '../../ports/table-schemas.ts'
import type { ProcessedRecord } from '../delivery/delivery-record.ts'
import { createFormatConverter, dataFormatConversionViolation } from './format-conversion.ts'

const COLUMNS: TableColumn[] = [
  { name: 'id', type: 'bigint' },
  { name: 'name', type: 'string' },
  { name: 'count', type: 'int' },
  { name: 'ratio', type: 'double' },
  { name: 'active', type: 'boolean' },
  { name: 'seen_at', type: 'timestamp' },
  { name: 'day', type: 'date' },
  { name: 'code', type: 'varchar(8)' },
]

function schemas(tables: Record<string, TableColumn[]>): TableSchemas {
  return { columns: (database, table) => Promise.resolve(tables[`${database}.${table}`]) }
}

function conversion(
  serializer: 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED' = 'SNAPPY',
): DataFormatConversionConfiguration {
  return {
    Enabled: true,
    SchemaConfiguration: {
      DatabaseName: 'analytics',
      TableName: 'events',
      RoleARN: 'arn:aws:iam::000000000000:role/f',
    },
    InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
    OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: serializer } } },
  }
}

const record = (value: unknown): ProcessedRecord => ({
  data: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  approximateArrivalTimestamp: 0,
})

function arrayBufferOf(file: Buffer): ArrayBuffer {
  return new Uint8Array(file).buffer
}

async function readBack(file: Buffer): Promise<Record<string, unknown>[]> {
  const arrayBuffer = arrayBufferOf(file)
  // Parquet's GZIP codec is gzip (RFC 1952); the reader needs its inflater given.
  return parquetReadObjects({ file: arrayBuffer, compressors: { GZIP: (input) => gunzipSync(input) } })
}

describe('record format conversion to Parquet', () => {
  it('writes records as a Parquet file that an independent reader reads back', async () => {
    for (const codec of ['SNAPPY', 'GZIP', 'UNCOMPRESSED'] as const) {
      const converter = await createFormatConverter(
        conversion(codec),
        schemas({ 'analytics.events': COLUMNS }),
      )
      const records = [
        record({
          id: 9007199254740991,
          NAME: 'first',
          count: 3,
          ratio: 0.5,
          active: true,
          seen_at: '2026-01-15 12:30:00',
          day: '2026-01-15',
          code: 'A1',
          extra: 'ignored',
        }),
        record({
          id: '12',
          name: 42,
          count: '7',
          ratio: '1.25',
          active: 'false',
          seen_at: 1768480200,
          code: null,
        }),
        record({ id: 13, name: { nested: true }, seen_at: 1768480200123 }),
      ]
      for (const converted of records) expect(converter.check(converted.data)).toBeUndefined()

      const file = converter.write(records)

      expect(converter.fileExtension).toBe('.parquet')
      expect(file.subarray(0, 4).toString()).toBe('PAR1')
      expect(await readBack(file)).toEqual([
        {
          id: 9007199254740991n,
          name: 'first',
          count: 3,
          ratio: 0.5,
          active: true,
          seen_at: new Date('2026-01-15T12:30:00Z'),
          day: new Date('2026-01-15T00:00:00Z'),
          code: 'A1',
        },
        {
          id: 12n,
          name: '42',
          count: 7,
          ratio: 1.25,
          active: false,
          seen_at: new Date(1768480200000),
          day: null,
          code: null,
        },
        {
          id: 13n,
          name: '{"nested":true}',
          count: null,
          ratio: null,
          active: null,
          seen_at: new Date(1768480200123),
          day: null,
          code: null,
        },
      ])
      const metadata = parquetMetadata(arrayBufferOf(file))
      expect(metadata.row_groups[0]?.columns[0]?.meta_data?.codec).toBe(codec)
    }
  })

  it('keeps a bigint written as a string exact', async () => {
    const converter = await createFormatConverter(
      conversion(),
      schemas({ 'analytics.events': [{ name: 'id', type: 'bigint' }] }),
    )
    const file = converter.write([record('{"id":"9007199254740993"}')])
    expect(await readBack(file)).toEqual([{ id: 9007199254740993n }])
  })

  it('reads JSON objects back to back in one record as one row each, failing the record if one fails', async () => {
    const converter = await createFormatConverter(
      conversion(),
      schemas({ 'analytics.events': [{ name: 'id', type: 'bigint' }] }),
    )
    const twoObjects = record('{"id":1}{"id":2}\n{"id":3}\n')
    expect(converter.check(twoObjects.data)).toBeUndefined()
    expect(await readBack(converter.write([twoObjects, record({ id: 4 })]))).toEqual([
      { id: 1n },
      { id: 2n },
      { id: 3n },
      { id: 4n },
    ])
    expect(converter.check(Buffer.from('{"id":1}{"id":"x"}'))).toMatchObject({
      errorCode: 'DataFormatConversion.MalformedData',
      errorMessage: expect.stringContaining('Column id') as unknown,
    })
    expect(converter.check(Buffer.from('[{"id":1},{"id":2}]'))).toMatchObject({
      errorMessage: 'The record is not a JSON object.',
    })
  })

  it('refuses records that do not fit the schema, saying which column', async () => {
    const converter = await createFormatConverter(conversion(), schemas({ 'analytics.events': COLUMNS }))
    expect(converter.check(Buffer.from('not json'))).toEqual({
      errorCode: 'DataFormatConversion.MalformedData',
      errorMessage: 'The record is not valid JSON.',
    })
    expect(converter.check(Buffer.from('[1,2]'))).toMatchObject({
      errorMessage: 'The record is not a JSON object.',
    })
    expect(converter.check(record({ count: 'many' }).data)).toMatchObject({
      errorMessage: expect.stringContaining('Column count') as unknown,
    })
    expect(converter.check(record({ count: 2 ** 31 }).data)).toMatchObject({
      errorMessage: expect.stringContaining('32 bits') as unknown,
    })
    expect(converter.check(record({ active: 'yes' }).data)).toMatchObject({
      errorMessage: expect.stringContaining('Column active') as unknown,
    })
    expect(converter.check(record({ seen_at: 'yesterday' }).data)).toMatchObject({
      errorMessage: expect.stringContaining('Column seen_at') as unknown,
    })
    expect(converter.check(record({ day: '15/01/2026' }).data)).toMatchObject({
      errorMessage: expect.stringContaining('Column day') as unknown,
    })
    expect(converter.check(record({ id: 1.5 }).data)).toMatchObject({
      errorMessage: expect.stringContaining('Column id') as unknown,
    })
  })

  it('follows the OpenX JSON SerDe options: key mappings, dots to underscores, case sensitivity', async () => {
    const config = conversion()
    config.InputFormatConfiguration = {
      Deserializer: {
        OpenXJsonSerDe: {
          ColumnToJsonKeyMappings: { name: 'userName' },
          ConvertDotsInJsonKeysToUnderscores: true,
          CaseInsensitive: false,
        },
      },
    }
    const columns = [
      { name: 'name', type: 'string' },
      { name: 'geo_city', type: 'string' },
      { name: 'id', type: 'int' },
    ]
    const converter = await createFormatConverter(config, schemas({ 'analytics.events': columns }))
    const file = converter.write([record({ userName: 'ann', 'geo.city': 'Oslo', ID: 5 })])
    expect(await readBack(file)).toEqual([{ name: 'ann', geo_city: 'Oslo', id: null }])
  })

  it('fails every record when the table is missing or has a type it cannot write', async () => {
    const missing = await createFormatConverter(conversion(), schemas({}))
    expect(missing.check(record({ id: 1 }).data)).toEqual({
      errorCode: 'DataFormatConversion.EntityNotFound',
      errorMessage: 'Table analytics.events was not found in the table schemas.',
    })
    const complex = await createFormatConverter(
      conversion(),
      schemas({ 'analytics.events': [{ name: 'tags', type: 'array<string>' }] }),
    )
    expect(complex.check(record({ tags: [] }).data)).toMatchObject({
      errorCode: 'DataFormatConversion.InvalidSchema',
    })
  })

  it('refuses ORC output and a conversion without a table, a deserializer or a serializer at creation', () => {
    expect(dataFormatConversionViolation(conversion())).toBeUndefined()
    expect(dataFormatConversionViolation(undefined)).toBeUndefined()
    expect(
      dataFormatConversionViolation({
        ...conversion(),
        OutputFormatConfiguration: { Serializer: { OrcSerDe: {} } },
      }),
    ).toBe('ORC output format is not supported; use ParquetSerDe.')
    expect(dataFormatConversionViolation({ ...conversion(), SchemaConfiguration: {} })).toMatch(
      /DatabaseName and TableName/,
    )
    expect(
      dataFormatConversionViolation({ ...conversion(), InputFormatConfiguration: { Deserializer: {} } }),
    ).toMatch(/^InputFormatConfiguration with an OpenXJsonSerDe or HiveJsonSerDe deserializer is required/)
    expect(dataFormatConversionViolation({ ...conversion(), OutputFormatConfiguration: {} })).toMatch(
      /^OutputFormatConfiguration with a ParquetSerDe serializer is required/,
    )
    expect(
      dataFormatConversionViolation({
        ...conversion(),
        Enabled: false,
        InputFormatConfiguration: undefined,
        OutputFormatConfiguration: undefined,
      }),
    ).toBeUndefined()
  })
})
