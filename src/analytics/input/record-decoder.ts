import type { SourceSchema } from '@aws-sdk/client-kinesis-analytics'

import { evaluate, isJsonPath, parseJsonPath, splitAtFlattenedArray, type PathStep } from './json-path.ts'
import {
  convert,
  isSqlType,
  parseSqlType,
  type ConversionError,
  type SqlType,
  type SqlValue,
} from './sql-types.ts'

// A streaming source's record (its bytes) as rows of an in-application stream, by the input's schema: JSON with
// a RecordRowPath and a JSONPath Mapping per column, or CSV with row and column delimiters; UTF-8. A record
// gives zero or more rows (a flattened array, several CSV rows); a row that cannot be read or whose value does
// not fit its column's type is an error, for the error stream, instead of a row.

export type Row = Readonly<Record<string, SqlValue>>

export interface DecodeError {
  /** ERROR_NAME in the error stream. */
  readonly name: ConversionError['name'] | 'RECORD_ENCODING_ERROR' | 'PARSE_ERROR'
  /** MESSAGE in the error stream. */
  readonly message: string
}

export interface DecodedRecord {
  readonly rows: Row[]
  readonly errors: DecodeError[]
}

export type RecordDecoder = (data: Uint8Array) => DecodedRecord

interface Column {
  readonly name: string
  readonly type: SqlType
  /** JSON: the steps from the row (when not flattened). */
  readonly steps: readonly PathStep[]
  /** JSON: set when the column reads each element of the flattened array. */
  readonly fromElement?: readonly PathStep[]
}

/** The decoder for a schema that schemaProblem accepts; throws on one it refuses. */
export function recordDecoder(schema: SourceSchema): RecordDecoder {
  const format = schema.RecordFormat
  const columns: Column[] = (schema.RecordColumns ?? []).map((column) => {
    const type = parseSqlType(column.SqlType ?? '')
    if (!isSqlType(type)) throw new Error(type.problem)
    if (format?.RecordFormatType !== 'JSON') return { name: column.Name ?? '', type, steps: [] }
    const path = parseJsonPath(column.Mapping ?? '')
    if (!isJsonPath(path)) throw new Error(path.problem)
    const split = splitAtFlattenedArray(path)
    return split === undefined
      ? { name: column.Name ?? '', type, steps: path.steps }
      : { name: column.Name ?? '', type, steps: split.array, fromElement: split.element }
  })
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const text = (data: Uint8Array): string | DecodeError => {
    try {
      return decoder.decode(data)
    } catch {
      return { name: 'RECORD_ENCODING_ERROR', message: 'The record is not valid UTF-8' }
    }
  }
  if (format?.RecordFormatType === 'CSV') {
    const csv = format.MappingParameters?.CSVMappingParameters
    const rowDelimiter = csv?.RecordRowDelimiter ?? '\n'
    const columnDelimiter = csv?.RecordColumnDelimiter ?? ','
    return (data) => {
      const decoded = text(data)
      if (typeof decoded !== 'string') return { rows: [], errors: [decoded] }
      return decodeCsv(decoded, rowDelimiter, columnDelimiter, columns)
    }
  }
  const flattened = columns.find((column) => column.fromElement !== undefined)
  const rowPath = parseJsonPath(format?.MappingParameters?.JSONMappingParameters?.RecordRowPath ?? '$')
  if (!isJsonPath(rowPath)) throw new Error(rowPath.problem)
  return (data) => {
    const decoded = text(data)
    if (typeof decoded !== 'string') return { rows: [], errors: [decoded] }
    let document: unknown
    try {
      document = JSON.parse(decoded)
    } catch (error) {
      return {
        rows: [],
        errors: [{ name: 'PARSE_ERROR', message: `The record is not JSON: ${(error as Error).message}` }],
      }
    }
    return decodeJson(document, rowPath.steps, columns, flattened)
  }
}

function decodeJson(
  document: unknown,
  rowPath: readonly PathStep[],
  columns: readonly Column[],
  flattened: Column | undefined,
): DecodedRecord {
  const result: DecodedRecord = { rows: [], errors: [] }
  const arrayAt = rowPath.findIndex((step) => step.kind === 'elements')
  let roots: unknown[]
  if (arrayAt === -1) {
    roots = [evaluate(document, rowPath)]
  } else {
    const array = evaluate(document, rowPath.slice(0, arrayAt))
    roots = Array.isArray(array) ? array.map((element) => evaluate(element, rowPath.slice(arrayAt + 1))) : []
  }
  for (const root of roots) {
    if (root === undefined || root === null || typeof root !== 'object') {
      result.errors.push({
        name: 'PARSE_ERROR',
        message: 'The record has no JSON object at the RecordRowPath',
      })
      continue
    }
    const array = flattened === undefined ? undefined : evaluate(root, flattened.steps)
    const elements: unknown[] = Array.isArray(array) && array.length > 0 ? array : [undefined]
    for (const element of flattened === undefined ? [undefined] : elements) {
      const values = columns.map((column) =>
        column.fromElement === undefined
          ? evaluate(root, column.steps)
          : evaluate(element, column.fromElement),
      )
      addRow(result, columns, values)
    }
  }
  return result
}

function decodeCsv(
  text: string,
  rowDelimiter: string,
  columnDelimiter: string,
  columns: readonly Column[],
): DecodedRecord {
  const result: DecodedRecord = { rows: [], errors: [] }
  const lines = text.split(rowDelimiter)
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  for (const line of lines) {
    const fields = line.split(columnDelimiter)
    const values = columns.map((column, index) => {
      const field = fields[index]
      if (field === undefined) return null
      return field === '' && column.type.kind !== 'VARCHAR' && column.type.kind !== 'CHAR' ? null : field
    })
    addRow(result, columns, values)
  }
  return result
}

function addRow(result: DecodedRecord, columns: readonly Column[], values: readonly unknown[]): void {
  const row: Record<string, SqlValue> = {}
  for (const [index, column] of columns.entries()) {
    const converted = convert(values[index], column.type, column.name)
    if ('error' in converted) {
      result.errors.push(converted.error)
      return
    }
    row[column.name] = converted.value
  }
  result.rows.push(row)
}
