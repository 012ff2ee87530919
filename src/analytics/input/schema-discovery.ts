import type { RecordColumn, SourceSchema } from '@aws-sdk/client-kinesis-analytics'

import { stepsText, type PathStep } from './json-path.ts'
import { recordDecoder } from './record-decoder.ts'
import { parseTimestamp, type SqlValue } from './sql-types.ts'

// DiscoverInputSchema's inference: a schema (format, columns with names, types and mappings) that reads every
// sample record, and the sample as parsed by it. The rules follow AWS's documented ones:
//
// - JSON objects: one column per scalar member (nested objects are walked: `$.address.city`), an array is one
//   column of its JSON text (`$.orders[0:]`); the column is named after the member.
// - Otherwise delimited text: the first of `,` `\t` `|` `;` that splits every line into the same number (2 or
//   more) of fields; lines are rows; columns are named COL_0, COL_1, ...
// - Names keep the source's as far as possible: a reserved SQL word gets a COL_ prefix (USER -> COL_USER);
//   characters other than letters, digits and _ are dropped, and the name prefixed (USER@DOMAIN ->
//   COL_USERDOMAIN); nothing left gives COL_<position> (@@ -> COL_0); a leading digit gets COL_; at most 100
//   characters.
// - Types: booleans BOOLEAN; whole numbers INTEGER (BIGINT beyond 32 bits); other numbers REAL (DOUBLE beyond
//   REAL's range); `yyyy-MM-dd HH:mm:ss[.SSS]` text TIMESTAMP; any other text, or a mix, VARCHAR(n) with n the
//   longest value's length rounded up to a power of two; a column never seen with a value VARCHAR(8).

export interface Discovery {
  readonly schema: SourceSchema
  /** Each sample record's rows, each value as text (NULL as an empty string). */
  readonly parsed: string[][]
}

export function discoverSchema(records: readonly string[]): Discovery | { readonly problem: string } {
  if (records.length === 0) return { problem: 'No records were found to discover a schema from.' }
  const documents = records.map(parseObject)
  const schema = documents.every((document) => document !== undefined)
    ? jsonSchema(documents)
    : delimitedSchema(records)
  if (schema === undefined) {
    return {
      problem: 'Unable to determine the schema: the records are neither JSON objects nor delimited text.',
    }
  }
  const decode = recordDecoder(schema)
  const encoder = new TextEncoder()
  const columns = schema.RecordColumns ?? []
  const parsed = records.flatMap((record) =>
    decode(encoder.encode(record)).rows.map((row) =>
      columns.map((column) => valueText(row[column.Name ?? ''] ?? null, column.SqlType === 'TIMESTAMP')),
    ),
  )
  return { schema, parsed }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

interface Candidate {
  readonly source: string
  readonly mapping: string
  readonly values: unknown[]
}

function jsonSchema(documents: readonly (Record<string, unknown> | undefined)[]): SourceSchema {
  const candidates = new Map<string, Candidate>()
  const walk = (value: Record<string, unknown>, steps: PathStep[]): void => {
    for (const [member, child] of Object.entries(value)) {
      const path: PathStep[] = [...steps, { kind: 'member', name: member }]
      if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
        walk(child as Record<string, unknown>, path)
        continue
      }
      const mapping = Array.isArray(child) ? `${stepsText(path)}[0:]` : stepsText(path)
      const candidate = candidates.get(mapping) ?? { source: member, mapping, values: [] }
      candidate.values.push(Array.isArray(child) ? JSON.stringify(child) : child)
      candidates.set(mapping, candidate)
    }
  }
  for (const document of documents) if (document !== undefined) walk(document, [])
  const names = columnNames([...candidates.values()].map((candidate) => candidate.source))
  return {
    RecordFormat: {
      RecordFormatType: 'JSON',
      MappingParameters: { JSONMappingParameters: { RecordRowPath: '$' } },
    },
    RecordEncoding: 'UTF-8',
    RecordColumns: [...candidates.values()].map((candidate, index): RecordColumn => ({
      Name: names[index] ?? `COL_${index}`,
      Mapping: candidate.mapping,
      SqlType: inferType(candidate.values),
    })),
  }
}

const DELIMITERS = [',', '\t', '|', ';']

function delimitedSchema(records: readonly string[]): SourceSchema | undefined {
  const lines = records.flatMap((record) => record.split(/\r?\n/)).filter((line) => line !== '')
  if (lines.length === 0) return undefined
  for (const delimiter of DELIMITERS) {
    const rows = lines.map((line) => line.split(delimiter))
    const width = rows[0]?.length ?? 0
    if (width < 2 || rows.some((row) => row.length !== width)) continue
    return {
      RecordFormat: {
        RecordFormatType: 'CSV',
        MappingParameters: {
          CSVMappingParameters: { RecordRowDelimiter: '\n', RecordColumnDelimiter: delimiter },
        },
      },
      RecordEncoding: 'UTF-8',
      RecordColumns: Array.from({ length: width }, (_, index) => ({
        Name: `COL_${index}`,
        SqlType: inferType(rows.map((row) => textValue(row[index] ?? ''))),
      })),
    }
  }
  return undefined
}

/** A delimited field as the JSON value it reads as, for type inference. */
function textValue(field: string): unknown {
  if (field === '') return null
  if (/^(true|false)$/i.test(field)) return field.toLowerCase() === 'true'
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(field)) return Number(field)
  return field
}

const REAL_MAX = 3.4028234663852886e38

function inferType(values: readonly unknown[]): string {
  const present = values.filter((value) => value !== null && value !== undefined)
  if (present.length === 0) return 'VARCHAR(8)'
  if (present.every((value) => typeof value === 'boolean')) return 'BOOLEAN'
  if (present.every((value) => typeof value === 'number')) {
    const numbers = present
    if (numbers.every((value) => Number.isInteger(value))) {
      return numbers.every((value) => Math.abs(value) <= 2147483647) ? 'INTEGER' : 'BIGINT'
    }
    return numbers.every((value) => Math.abs(value) <= REAL_MAX) ? 'REAL' : 'DOUBLE'
  }
  if (present.every((value) => typeof value === 'string' && isTimestampText(value))) return 'TIMESTAMP'
  const longest = Math.max(
    ...present.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)).length),
  )
  return `VARCHAR(${powerOfTwoAtLeast(longest)})`
}

function isTimestampText(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/.test(text) && parseTimestamp(text) !== undefined
}

function powerOfTwoAtLeast(length: number): number {
  let size = 1
  while (size < length) size *= 2
  return size
}

/** Words the SQL dialect reserves that a discovered column may not be named. */
const RESERVED = new Set([
  'ALL',
  'AND',
  'AS',
  'BETWEEN',
  'BY',
  'CASE',
  'CAST',
  'CHAR',
  'CURRENT',
  'DATE',
  'DAY',
  'DECIMAL',
  'DEFAULT',
  'DELETE',
  'DISTINCT',
  'DOUBLE',
  'ELSE',
  'END',
  'FALSE',
  'FLOAT',
  'FROM',
  'GROUP',
  'HAVING',
  'HOUR',
  'IN',
  'INSERT',
  'INTEGER',
  'INTERVAL',
  'INTO',
  'IS',
  'JOIN',
  'LIKE',
  'MINUTE',
  'MONTH',
  'NOT',
  'NULL',
  'ON',
  'OR',
  'ORDER',
  'OVER',
  'PARTITION',
  'PUMP',
  'RANGE',
  'REAL',
  'ROWS',
  'ROWTIME',
  'SECOND',
  'SELECT',
  'STREAM',
  'TABLE',
  'THEN',
  'TIME',
  'TIMESTAMP',
  'TRUE',
  'UNION',
  'UPDATE',
  'USER',
  'VALUES',
  'VARCHAR',
  'WHEN',
  'WHERE',
  'WINDOW',
  'WITH',
  'YEAR',
])

const MAX_NAME_LENGTH = 100

/** The column names discovery suggests for source member names, in order (see the rules above). */
export function columnNames(sources: readonly string[]): string[] {
  const used = new Set<string>()
  return sources.map((source, position) => {
    let name = suggestedName(source, position)
    for (let suffix = 2; used.has(name); suffix++) name = `${suggestedName(source, position)}_${suffix}`
    used.add(name)
    return name
  })
}

function suggestedName(source: string, position: number): string {
  const kept = source.replace(/[^A-Za-z0-9_]/g, '')
  let name: string
  if (kept === '') name = `COL_${position}`
  else if (kept !== source || RESERVED.has(kept.toUpperCase()) || /^\d/.test(kept)) name = `COL_${kept}`
  else name = kept
  return name.slice(0, MAX_NAME_LENGTH)
}

function valueText(value: SqlValue, timestamp: boolean): string {
  if (value === null) return ''
  if (timestamp && typeof value === 'number')
    return new Date(value).toISOString().replace('T', ' ').replace('Z', '')
  if (value instanceof Uint8Array) return new TextDecoder().decode(value)
  return String(value)
}
