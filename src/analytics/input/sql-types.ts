// The SQL types a record column may have (RecordColumn.SqlType), and how a value read from a record becomes a
// value of that type for the engine.
//
// Values the engine receives: CHAR/VARCHAR -> string; TINYINT/SMALLINT/INTEGER/BIGINT, REAL/DOUBLE,
// DECIMAL -> number (BIGINT exact within ±2^53, larger values do not fit); BOOLEAN -> boolean;
// TIMESTAMP and DATE -> epoch milliseconds (UTC); TIME -> milliseconds since midnight; VARBINARY -> Uint8Array;
// SQL NULL -> null.

export type SqlType =
  | { readonly kind: 'CHAR' | 'VARCHAR' | 'VARBINARY'; readonly length: number }
  | { readonly kind: 'DECIMAL'; readonly precision: number; readonly scale: number }
  | {
      readonly kind:
        | 'TINYINT'
        | 'SMALLINT'
        | 'INTEGER'
        | 'BIGINT'
        | 'REAL'
        | 'DOUBLE'
        | 'BOOLEAN'
        | 'DATE'
        | 'TIME'
        | 'TIMESTAMP'
    }

export type SqlValue = string | number | boolean | Uint8Array | null

const ALIASES: Readonly<Record<string, string>> = {
  INT: 'INTEGER',
  NUMERIC: 'DECIMAL',
  DEC: 'DECIMAL',
  FLOAT: 'DOUBLE',
  'DOUBLE PRECISION': 'DOUBLE',
  CHARACTER: 'CHAR',
  'CHARACTER VARYING': 'VARCHAR',
  'CHAR VARYING': 'VARCHAR',
  BINARY: 'VARBINARY',
}

const SIMPLE = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'REAL',
  'DOUBLE',
  'BOOLEAN',
  'DATE',
  'TIME',
  'TIMESTAMP',
])

/** The type a SqlType text names, or a description of what is wrong with it. */
export function parseSqlType(text: string): SqlType | { readonly problem: string } {
  const match = /^\s*([A-Za-z]+(?:\s+[A-Za-z]+)?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(text)
  const invalid = { problem: `Invalid SQL type: ${text}` }
  if (match === null) return invalid
  const written = (match[1] ?? '').toUpperCase().replace(/\s+/g, ' ')
  const kind = ALIASES[written] ?? written
  const first = match[2] === undefined ? undefined : Number(match[2])
  const second = match[3] === undefined ? undefined : Number(match[3])
  if (SIMPLE.has(kind)) return first === undefined ? ({ kind } as SqlType) : invalid
  if (kind === 'CHAR' || kind === 'VARCHAR' || kind === 'VARBINARY') {
    if (second !== undefined) return invalid
    const length = first ?? (kind === 'CHAR' ? 1 : undefined)
    if (length === undefined || length < 1)
      return { problem: `${kind} needs a length of at least 1: ${text}` }
    return { kind, length }
  }
  if (kind === 'DECIMAL') {
    const precision = first ?? 19
    const scale = second ?? 0
    if (precision < 1 || precision > 38 || scale > precision) {
      return { problem: `DECIMAL precision must be 1 to 38 and scale at most the precision: ${text}` }
    }
    return { kind, precision, scale }
  }
  return invalid
}

export function isSqlType(value: SqlType | { readonly problem: string }): value is SqlType {
  return !('problem' in value)
}

/** Why a value does not fit its column: its row goes to the error stream with this name and message. */
export interface ConversionError {
  /** AWS calls every failed conversion a coercion error. */
  readonly name: 'COERCION_ERROR'
  readonly message: string
}

export type Converted = { readonly value: SqlValue } | { readonly error: ConversionError }

const INTEGER_RANGES = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
} as const

const REAL_MAX = 3.4028234663852886e38

/**
 * A value read from a record (JSON: any JSON value; CSV: a string) as a value of `type`, by AWS's rules for
 * JSON values (developer guide, "Mapping JSON Data Types to SQL Data Types"):
 *
 * - null is NULL for every type;
 * - a boolean is 1/0 for numbers, one byte for VARBINARY, itself for BOOLEAN, `true`/`false` for text, and
 *   does not convert to a date or time;
 * - a number converts to numbers if it fits their size and precision (123.4 does not fit INTEGER), to BOOLEAN
 *   (0 is false, anything else true), to text; not to binary, dates or times;
 * - a string is parsed for numbers, is true for BOOLEAN when it is `true` (any case) and false otherwise, is a
 *   binary literal `X'3F67'` for binary, is text as is, and `1992-02-14` / `1992-02-14 18:35:44.0` for dates;
 * - an array or object is its JSON text for text types and converts to nothing else.
 *
 * Text longer than its CHAR/VARCHAR is truncated without error.
 */
export function convert(raw: unknown, type: SqlType, column: string): Converted {
  if (raw === null || raw === undefined) return { value: null }
  const structured = typeof raw === 'object'
  switch (type.kind) {
    case 'CHAR':
    case 'VARCHAR': {
      const text = typeof raw === 'string' ? raw : JSON.stringify(raw)
      return { value: truncate(text, type.length) }
    }
    case 'VARBINARY': {
      if (typeof raw === 'boolean') return { value: new Uint8Array([raw ? 1 : 0]) }
      const bytes = typeof raw === 'string' ? binaryLiteral(raw.trim()) : undefined
      if (bytes === undefined) return mismatch(raw, type, column)
      return bytes.length > type.length ? overflow(raw, type, column) : { value: bytes }
    }
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'BIGINT': {
      if (structured) return mismatch(raw, type, column)
      const number = numberOf(raw)
      if (number === undefined) return mismatch(raw, type, column)
      const [min, max] = INTEGER_RANGES[type.kind]
      return !Number.isInteger(number) || number < min || number > max
        ? overflow(raw, type, column)
        : { value: number }
    }
    case 'REAL':
    case 'DOUBLE': {
      if (structured) return mismatch(raw, type, column)
      const number = numberOf(raw)
      if (number === undefined) return mismatch(raw, type, column)
      if (!Number.isFinite(number) || (type.kind === 'REAL' && Math.abs(number) > REAL_MAX))
        return overflow(raw, type, column)
      return { value: type.kind === 'REAL' ? Math.fround(number) : number }
    }
    case 'DECIMAL': {
      if (structured) return mismatch(raw, type, column)
      const number = numberOf(raw)
      if (number === undefined || !Number.isFinite(number)) return mismatch(raw, type, column)
      const scaled = Number(number.toFixed(type.scale))
      const integerDigits = Math.trunc(Math.abs(scaled)).toString().replace(/^0$/, '').length
      if (scaled !== number || integerDigits > type.precision - type.scale) return overflow(raw, type, column)
      return { value: scaled }
    }
    case 'BOOLEAN': {
      if (typeof raw === 'boolean') return { value: raw }
      if (typeof raw === 'number') return { value: raw !== 0 }
      if (typeof raw === 'string') return { value: raw.trim().toLowerCase() === 'true' }
      return mismatch(raw, type, column)
    }
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME': {
      if (typeof raw !== 'string') return mismatch(raw, type, column)
      const text = raw.trim()
      const millis =
        type.kind === 'TIME' ? parseTime(text) : type.kind === 'DATE' ? parseDate(text) : parseTimestamp(text)
      return millis === undefined ? mismatch(raw, type, column) : { value: millis }
    }
  }
}

function mismatch(raw: unknown, type: SqlType, column: string): Converted {
  return {
    error: {
      name: 'COERCION_ERROR',
      message: `Cannot convert ${describe(raw)} to ${typeText(type)} for column ${column}`,
    },
  }
}

function overflow(raw: unknown, type: SqlType, column: string): Converted {
  return {
    error: {
      name: 'COERCION_ERROR',
      message: `Value ${describe(raw)} does not fit ${typeText(type)} in column ${column}`,
    },
  }
}

export function typeText(type: SqlType): string {
  if (type.kind === 'DECIMAL') return `DECIMAL(${type.precision},${type.scale})`
  if ('length' in type) return `${type.kind}(${type.length})`
  return type.kind
}

function truncate(text: string, length: number): string {
  if (text.length <= length) return text
  return Array.from(text).slice(0, length).join('')
}

/** `X'3F67A23A'`: an even number of hex digits. */
function binaryLiteral(text: string): Uint8Array | undefined {
  const match = /^[xX]'((?:[0-9A-Fa-f]{2})*)'$/.exec(text)
  if (match === null) return undefined
  return Uint8Array.from(Buffer.from(match[1] ?? '', 'hex'))
}

function numberOf(raw: unknown): number | undefined {
  if (typeof raw === 'boolean') return raw ? 1 : 0
  if (typeof raw === 'number') return raw
  if (typeof raw !== 'string') return undefined
  const text = raw.trim()
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined
  return Number(text)
}

function describe(raw: unknown): string {
  const text = typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw)
  return text.length > 100 ? `${text.slice(0, 100)}...` : text
}

const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/

/** `yyyy-MM-dd HH:mm:ss[.SSS]` (UTC), or ISO 8601 with `T` and an optional offset. */
export function parseTimestamp(text: string): number | undefined {
  const match = TIMESTAMP_PATTERN.exec(text)
  if (match === null) return undefined
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = match
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}.${(fraction + '000').slice(0, 3)}${
    zone === undefined ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone
  }`
  const millis = Date.parse(iso)
  return Number.isNaN(millis) ? undefined : millis
}

function parseDate(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined
  return parseTimestamp(text)
}

function parseTime(text: string): number | undefined {
  const match = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text)
  if (match === null) return undefined
  const [, hour = '0', minute = '0', second = '0', fraction = '0'] = match
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined
  return ((Number(hour) * 60 + Number(minute)) * 60 + Number(second)) * 1000 + Number(fraction.padEnd(3, '0'))
}
