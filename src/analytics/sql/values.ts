import type { SqlType } from './ast.ts'

/** A TIMESTAMP (also DATE and TIME): milliseconds since the epoch, UTC. Plain data so snapshots are JSON. */
export interface TimestampValue {
  readonly ts: number
}

/** A day-time interval in milliseconds, or a year-month interval in months. */
export interface IntervalValue {
  readonly ms: number
  readonly months: number
}

/** A row-valued result (the log parsing functions, such as REGEX_LOG_PARSE): its fields by name. */
export interface RowValue {
  readonly fields: Record<string, SqlValue>
}

export type SqlValue = null | boolean | number | string | TimestampValue | IntervalValue | RowValue

/** A row of an in-application stream or table, by column name (exact case). */
export type Row = Record<string, SqlValue>

/** The static kind of a value, enough to pick integer division, casts and comparisons. */
export type ValueKind =
  'integer' | 'decimal' | 'double' | 'string' | 'boolean' | 'timestamp' | 'interval' | 'row' | 'unknown'

/** A runtime error of one row: reported to error_stream, the application goes on. */
export class SqlRuntimeError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message)
  }
}

export function isTimestamp(value: SqlValue): value is TimestampValue {
  return typeof value === 'object' && value !== null && 'ts' in value
}

export function isInterval(value: SqlValue): value is IntervalValue {
  return typeof value === 'object' && value !== null && 'months' in value
}

export function timestamp(ms: number): TimestampValue {
  return { ts: ms }
}

export function kindOf(type: SqlType): ValueKind {
  switch (type.name) {
    case 'INTEGER':
    case 'BIGINT':
    case 'SMALLINT':
    case 'TINYINT':
      return 'integer'
    case 'DECIMAL':
      return 'decimal'
    case 'REAL':
    case 'DOUBLE':
      return 'double'
    case 'BOOLEAN':
      return 'boolean'
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return 'timestamp'
    default:
      return 'string'
  }
}

const TYPE_PATTERN = /^\s*([A-Za-z]+(?:\s+PRECISION|\s+VARYING)?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/

/** Reads an API SqlType such as "VARCHAR(4)", "DECIMAL(5,2)" or "TIMESTAMP"; undefined if unknown. */
export function parseSqlType(text: string): SqlType | undefined {
  const match = TYPE_PATTERN.exec(text)
  if (match === null) return undefined
  const word = (match[1] ?? '').toUpperCase().replace(/\s+/g, ' ')
  const names: Record<string, string> = {
    VARCHAR: 'VARCHAR',
    'CHARACTER VARYING': 'VARCHAR',
    'CHAR VARYING': 'VARCHAR',
    CHAR: 'CHAR',
    CHARACTER: 'CHAR',
    INTEGER: 'INTEGER',
    INT: 'INTEGER',
    BIGINT: 'BIGINT',
    SMALLINT: 'SMALLINT',
    TINYINT: 'TINYINT',
    REAL: 'REAL',
    FLOAT: 'DOUBLE',
    DOUBLE: 'DOUBLE',
    'DOUBLE PRECISION': 'DOUBLE',
    DECIMAL: 'DECIMAL',
    DEC: 'DECIMAL',
    NUMERIC: 'DECIMAL',
    BOOLEAN: 'BOOLEAN',
    TIMESTAMP: 'TIMESTAMP',
    DATE: 'DATE',
    TIME: 'TIME',
    VARBINARY: 'VARBINARY',
    BINARY: 'VARBINARY',
  }
  const name = names[word]
  if (name === undefined) return undefined
  if (match[2] === undefined) return { name }
  if (match[3] === undefined) return { name, length: Number(match[2]) }
  return { name, length: Number(match[2]), scale: Number(match[3]) }
}

const INTEGER_RANGES: Record<string, [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** 'yyyy-MM-dd HH:mm:ss.SSS' in UTC (DATE: 'yyyy-MM-dd', TIME: 'HH:mm:ss'). */
export function formatTimestamp(ms: number, type = 'TIMESTAMP'): string {
  const d = new Date(ms)
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  if (type === 'DATE') return date
  if (type === 'TIME') return time
  return `${date} ${time}.${pad(d.getUTCMilliseconds(), 3)}`
}

/** Reads 'yyyy-MM-dd[ HH:mm:ss[.fff]]', 'HH:mm:ss' or ISO 8601; undefined if it is none of them. */
export function parseTimestamp(text: string): number | undefined {
  const s = text.trim()
  const match =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      s,
    )
  if (match !== null) {
    const fraction = (match[7] ?? '').padEnd(3, '0').slice(0, 3)
    let ms = Date.UTC(
      Number(match[1]),
      Number(match[2]) - 1,
      Number(match[3]),
      Number(match[4] ?? 0),
      Number(match[5] ?? 0),
      Number(match[6] ?? 0),
      Number(fraction),
    )
    const zone = match[8]
    if (zone !== undefined && zone !== 'Z') {
      const z = /([+-])(\d{2}):?(\d{2})/.exec(zone)
      if (z !== null) ms -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000
    }
    return Number.isNaN(ms) ? undefined : ms
  }
  const time = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(s)
  if (time !== null) {
    return Date.UTC(
      1970,
      0,
      1,
      Number(time[1]),
      Number(time[2]),
      Number(time[3] ?? 0),
      Number((time[4] ?? '').padEnd(3, '0')),
    )
  }
  return undefined
}

/** A value as text, as CAST(x AS VARCHAR) and || show it. */
export function valueToString(value: SqlValue): string | null {
  if (value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (typeof value === 'number') return formatNumber(value)
  if (isTimestamp(value)) return formatTimestamp(value.ts)
  if ('fields' in value) return JSON.stringify(value.fields)
  return value.months !== 0 ? `${value.months} MONTH` : `${value.ms / 1000} SECOND`
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n)
  return String(n)
}

function coercionError(value: SqlValue, type: SqlType): SqlRuntimeError {
  return new SqlRuntimeError('CoercionError', `Cannot convert ${JSON.stringify(value)} to ${typeText(type)}`)
}

export function typeText(type: SqlType): string {
  if (type.length === undefined) return type.name
  return type.scale === undefined
    ? `${type.name}(${type.length})`
    : `${type.name}(${type.length},${type.scale})`
}

function toNumber(value: SqlValue, type: SqlType): number {
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') throw coercionError(value, type)
  if (typeof value === 'string') {
    const trimmed = value.trim()
    const n = Number(trimmed)
    if (trimmed === '' || Number.isNaN(n)) throw coercionError(value, type)
    return n
  }
  if (isTimestamp(value)) return value.ts
  throw coercionError(value, type)
}

/** Converts a value to a column's type: CAST, and what an INSERT does to the pump's values. */
export function coerce(value: SqlValue, type: SqlType): SqlValue {
  if (value === null) return null
  switch (type.name) {
    case 'INTEGER':
    case 'BIGINT':
    case 'SMALLINT':
    case 'TINYINT': {
      const n = Math.trunc(toNumber(value, type))
      const range = INTEGER_RANGES[type.name] ?? [-Infinity, Infinity]
      if (!Number.isFinite(n) || n < range[0] || n > range[1]) {
        throw new SqlRuntimeError(
          'CoercionError',
          `Value ${JSON.stringify(value)} out of range for ${type.name}`,
        )
      }
      return n === 0 ? 0 : n
    }
    case 'DECIMAL': {
      const n = toNumber(value, type)
      const scale = type.scale ?? 0
      const factor = 10 ** scale
      const rounded = Math.round(n * factor) / factor
      if (type.length !== undefined && Math.abs(Math.trunc(rounded)) >= 10 ** (type.length - scale)) {
        throw new SqlRuntimeError(
          'CoercionError',
          `Value ${JSON.stringify(value)} out of range for ${typeText(type)}`,
        )
      }
      return rounded
    }
    case 'REAL':
      return Math.fround(toNumber(value, type))
    case 'DOUBLE':
      return toNumber(value, type)
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === 'true'
      throw coercionError(value, type)
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME': {
      let ms: number | undefined
      if (isTimestamp(value)) ms = value.ts
      else if (typeof value === 'number') ms = value
      else if (typeof value === 'string') ms = parseTimestamp(value)
      if (ms === undefined) throw coercionError(value, type)
      if (type.name === 'DATE') ms = Math.floor(ms / 86_400_000) * 86_400_000
      if (type.name === 'TIME') ms = ((ms % 86_400_000) + 86_400_000) % 86_400_000
      return timestamp(ms)
    }
    case 'CHAR': {
      const text = valueToString(value) ?? ''
      const length = type.length ?? 1
      return text.length > length ? text.slice(0, length) : text.padEnd(length, ' ')
    }
    default: {
      const text = valueToString(value) ?? ''
      return type.length !== undefined && text.length > type.length ? text.slice(0, type.length) : text
    }
  }
}

/** Orders two non-null values of comparable kinds; throws for kinds that cannot be compared. */
export function compareValues(a: SqlValue, b: SqlValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  if (isTimestamp(a) && isTimestamp(b)) return a.ts - b.ts
  if (isInterval(a) && isInterval(b)) return a.months - b.months || a.ms - b.ms
  if (isTimestamp(a) && typeof b === 'string') {
    const ms = parseTimestamp(b)
    if (ms !== undefined) return a.ts - ms
  }
  if (typeof a === 'string' && isTimestamp(b)) return -compareValues(b, a)
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b))) {
    return compareValues(a, Number(b))
  }
  if (typeof a === 'string' && typeof b === 'number') return -compareValues(b, a)
  throw new SqlRuntimeError('TypeMismatch', `Cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)}`)
}

/**
 * A value as plain JSON for an output record: TIMESTAMP as 'yyyy-MM-dd HH:mm:ss.SSS' (UTC), an interval as
 * milliseconds, a row value as an object of its fields.
 */
export function toPlainValue(value: SqlValue): string | number | boolean | null | Record<string, unknown> {
  if (value === null || typeof value !== 'object') return value
  if (isTimestamp(value)) return formatTimestamp(value.ts)
  if ('fields' in value)
    return Object.fromEntries(Object.entries(value.fields).map(([k, v]) => [k, toPlainValue(v)]))
  return value.ms + value.months * 30 * 86_400_000
}

/** A stable key for grouping and partitioning by values. */
export function valuesKey(values: readonly SqlValue[]): string {
  return JSON.stringify(values)
}
