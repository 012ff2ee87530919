import { gzipSync } from 'node:zlib'

import type { DataFormatConversionConfiguration } from '@aws-sdk/client-firehose'
import { parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer'

import type { TableColumn, TableSchemas } from '../../ports/table-schemas.ts'
import type { ProcessedRecord } from '../delivery/delivery-record.ts'
import { splitJsonObjects } from './record-deaggregation.ts'

/**
 * Record format conversion, JSON → Apache Parquet. Each JSON object of a record (a record may hold several back
 * to back, a row each) is read against the table's columns as the OpenX or Hive JSON SerDe reads it (keys
 * matched without regard to case, missing keys null, values coerced to the column's type); a record with an
 * object that cannot be read goes to format-conversion-failed whole. The records of one S3 object become one
 * Parquet file. ORC output is not available: no maintained ORC writer exists for JavaScript.
 */
export interface FormatConverter {
  readonly fileExtension: '.parquet'
  /** Why the record cannot be converted, or undefined when it can. */
  check(data: Buffer): ConversionFailure | undefined
  /** The Parquet file of records that passed `check`. */
  write(records: readonly ProcessedRecord[]): Buffer
}

export interface ConversionFailure {
  readonly errorCode: string
  readonly errorMessage: string
}

type ColumnKind = 'STRING' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP' | 'DATE'
type Value = string | number | bigint | boolean | Date | null

interface Column {
  readonly name: string
  readonly kind: ColumnKind
  /** The JSON key that feeds the column (ColumnToJsonKeyMappings), lower-cased when keys are case-insensitive. */
  readonly key: string
}

const MALFORMED = 'DataFormatConversion.MalformedData'

/**
 * Why CreateDeliveryStream refuses this DataFormatConversionConfiguration here, or undefined. Only what this
 * gateway cannot do is refused; the table itself is looked up at delivery time, as AWS does.
 */
export function dataFormatConversionViolation(
  config: DataFormatConversionConfiguration | undefined,
): string | undefined {
  if (config?.Enabled === false || config === undefined) return undefined
  if (config.OutputFormatConfiguration?.Serializer?.OrcSerDe !== undefined) {
    return 'ORC output format is not supported; use ParquetSerDe.'
  }
  const schema = config.SchemaConfiguration
  if (schema?.DatabaseName === undefined || schema.TableName === undefined) {
    return 'SchemaConfiguration with DatabaseName and TableName is required when data format conversion is enabled.'
  }
  const deserializer = config.InputFormatConfiguration?.Deserializer
  if (deserializer?.OpenXJsonSerDe === undefined && deserializer?.HiveJsonSerDe === undefined) {
    return 'InputFormatConfiguration with an OpenXJsonSerDe or HiveJsonSerDe deserializer is required when data format conversion is enabled.'
  }
  if (config.OutputFormatConfiguration?.Serializer?.ParquetSerDe === undefined) {
    return 'OutputFormatConfiguration with a ParquetSerDe serializer is required when data format conversion is enabled.'
  }
  return undefined
}

/**
 * The converter of a delivery stream, its table's columns read from `schemas`. A table that does not exist
 * or has a column type this conversion cannot write gives a converter that fails every record with that
 * reason; a schema source that cannot be read throws (TableSchemasUnavailableError), so that the worker
 * tries again later.
 */
export async function createFormatConverter(
  config: DataFormatConversionConfiguration,
  schemas: TableSchemas,
): Promise<FormatConverter> {
  const databaseName = config.SchemaConfiguration?.DatabaseName ?? ''
  const tableName = config.SchemaConfiguration?.TableName ?? ''
  const tableColumns = await schemas.columns(databaseName, tableName)
  if (tableColumns === undefined) {
    return failingConverter({
      errorCode: 'DataFormatConversion.EntityNotFound',
      errorMessage: `Table ${databaseName}.${tableName} was not found in the table schemas.`,
    })
  }
  const openX = config.InputFormatConfiguration?.Deserializer?.OpenXJsonSerDe
  const caseInsensitive = openX?.CaseInsensitive ?? true
  const mappings = openX?.ColumnToJsonKeyMappings ?? {}
  const dotsToUnderscores = openX?.ConvertDotsInJsonKeysToUnderscores ?? false
  const columns: Column[] = []
  for (const column of tableColumns) {
    const kind = columnKind(column)
    if (kind === undefined) {
      return failingConverter({
        errorCode: 'DataFormatConversion.InvalidSchema',
        errorMessage: `Column ${column.name} has type ${column.type}, which this conversion does not write (supported: string, varchar, char, tinyint, smallint, int, bigint, float, double, boolean, timestamp, date).`,
      })
    }
    const key = mappings[column.name] ?? column.name
    columns.push({ name: column.name, kind, key: caseInsensitive ? key.toLowerCase() : key })
  }
  const parquet = config.OutputFormatConfiguration?.Serializer?.ParquetSerDe
  const codec = parquet?.Compression ?? 'SNAPPY'
  const pageSize = parquet?.PageSizeBytes

  const readRow = (data: Buffer): Value[] | ConversionFailure => {
    let parsed: unknown
    try {
      parsed = JSON.parse(data.toString('utf8'))
    } catch {
      return { errorCode: MALFORMED, errorMessage: 'The record is not valid JSON.' }
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { errorCode: MALFORMED, errorMessage: 'The record is not a JSON object.' }
    }
    const fields = new Map<string, unknown>()
    for (const [name, value] of Object.entries(parsed)) {
      let key = dotsToUnderscores ? name.replaceAll('.', '_') : name
      if (caseInsensitive) key = key.toLowerCase()
      fields.set(key, value)
    }
    const row: Value[] = []
    for (const column of columns) {
      const value = convert(fields.get(column.key), column.kind)
      if (value instanceof Error) {
        return {
          errorCode: MALFORMED,
          errorMessage: `Column ${column.name} (${column.kind}): ${value.message}`,
        }
      }
      row.push(value)
    }
    return row
  }

  return {
    fileExtension: '.parquet',
    check(data) {
      for (const document of jsonDocuments(data)) {
        const row = readRow(document)
        if (!Array.isArray(row)) return row
      }
      return undefined
    },
    write(records) {
      const rows = records.flatMap((record) =>
        jsonDocuments(record.data).map((document) => {
          const row = readRow(document)
          if (!Array.isArray(row))
            throw new Error(`A record that does not convert was given: ${row.errorMessage}`)
          return row
        }),
      )
      const buffer = parquetWriteBuffer({
        columnData: columns.map((column, index) => ({
          name: column.name,
          data: rows.map((row) => row[index] ?? null),
        })),
        schema: [{ name: 'schema', num_children: columns.length }, ...columns.map(schemaElement)],
        codec,
        ...(codec === 'GZIP' ? { compressors: { GZIP: (input: Uint8Array) => gzipSync(input) } } : {}),
        ...(pageSize === undefined ? {} : { pageSize }),
        createdBy: 'kinesis-kafka-gateway firehose',
      })
      return Buffer.from(buffer)
    },
  }
}

/**
 * The JSON documents of a record: AWS reads objects back to back in one record (`{"a":1}{"a":2}`, or one per
 * line) as one row each; anything else is one document (and fails as malformed unless it is one object).
 */
function jsonDocuments(data: Buffer): Buffer[] {
  return splitJsonObjects(data) ?? [data]
}

function failingConverter(failure: ConversionFailure): FormatConverter {
  return {
    fileExtension: '.parquet',
    check: () => failure,
    write: () => {
      throw new Error(failure.errorMessage)
    },
  }
}

function columnKind(column: TableColumn): ColumnKind | undefined {
  const type = column.type.trim().toLowerCase()
  if (type === 'string' || /^(var)?char\(\d+\)$/.test(type)) return 'STRING'
  if (type === 'tinyint' || type === 'smallint' || type === 'int' || type === 'integer') return 'INT32'
  if (type === 'bigint') return 'INT64'
  if (type === 'float') return 'FLOAT'
  if (type === 'double') return 'DOUBLE'
  if (type === 'boolean') return 'BOOLEAN'
  if (type === 'timestamp') return 'TIMESTAMP'
  if (type === 'date') return 'DATE'
  return undefined
}

function schemaElement(column: Column): SchemaElement {
  const base = { name: column.name, repetition_type: 'OPTIONAL' } as const
  switch (column.kind) {
    case 'STRING':
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' }
    case 'TIMESTAMP':
      return { ...base, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' }
    case 'DATE':
      return { ...base, type: 'INT32', converted_type: 'DATE' }
    default:
      return { ...base, type: column.kind }
  }
}

const INT32_MIN = -2147483648
const INT32_MAX = 2147483647

/** A JSON value as the column's type, null when absent, an Error when it cannot be. */
function convert(value: unknown, kind: ColumnKind): Value | Error {
  if (value === undefined || value === null) return null
  switch (kind) {
    case 'STRING':
      return typeof value === 'string' ? value : JSON.stringify(value)
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true'
      return new Error(`${JSON.stringify(value)} is not a boolean`)
    case 'INT32': {
      const number = numberOf(value)
      if (!Number.isInteger(number) || number < INT32_MIN || number > INT32_MAX) {
        return new Error(`${JSON.stringify(value)} is not an integer of 32 bits`)
      }
      return number
    }
    case 'INT64': {
      const text = typeof value === 'number' ? (Number.isInteger(value) ? value.toFixed(0) : '') : value
      if (typeof text !== 'string' || !/^-?\d+$/.test(text.trim()))
        return new Error(`${JSON.stringify(value)} is not an integer`)
      const big = BigInt(text.trim())
      if (big < -(2n ** 63n) || big >= 2n ** 63n) return new Error(`${JSON.stringify(value)} is out of range`)
      return big
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const number = numberOf(value)
      return Number.isNaN(number) ? new Error(`${JSON.stringify(value)} is not a number`) : number
    }
    case 'TIMESTAMP':
      return timestampOf(value)
    case 'DATE': {
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
        const date = new Date(`${value}T00:00:00Z`)
        if (!Number.isNaN(date.getTime())) return date
      }
      return new Error(`${JSON.stringify(value)} is not a date (yyyy-MM-dd)`)
    }
  }
}

function numberOf(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && value.trim() !== '') return Number(value)
  return Number.NaN
}

/**
 * Epoch seconds (up to 10 integer digits, or with a fraction), epoch milliseconds, `yyyy-MM-dd HH:mm:ss[.S]`
 * (UTC) or ISO 8601 with a zone: the forms the OpenX JSON SerDe reads.
 */
function timestampOf(value: unknown): Date | Error {
  const invalid = new Error(`${JSON.stringify(value)} is not a timestamp`)
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()))) {
    const number = Number(value)
    if (!Number.isFinite(number)) return invalid
    const millis = Number.isInteger(number) && Math.abs(number) >= 1e10 ? number : Math.round(number * 1000)
    return new Date(millis)
  }
  if (typeof value !== 'string') return invalid
  const text = value.trim()
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(\.\d{1,9})?)$/.exec(text)
  const iso = local === null ? text : `${local[1] ?? ''}T${(local[2] ?? '').slice(0, 12)}Z`
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso)) return invalid
  const millis = Date.parse(iso)
  return Number.isNaN(millis) ? invalid : new Date(millis)
}
