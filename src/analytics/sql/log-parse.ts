import type { SqlType } from './ast.ts'
import { MONTHS, parseDateTime } from './datetime.ts'
import { SqlRuntimeError, coerce, parseSqlType, timestamp, type RowValue, type SqlValue } from './values.ts'

// The log parsing functions of the SQL reference. Each gives a row value (its fields by column name, read as
// T.REC.COLUMN1) or NULL when the text does not have the function's shape. Patterns, formats and column
// descriptions are compiled once per distinct text.

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key)
  if (value === undefined) {
    value = make()
    if (cache.size < 1000) cache.set(key, value)
  }
  return value
}

function parseError(message: string): SqlRuntimeError {
  return new SqlRuntimeError('ParseError', message)
}

// ---- REGEX_LOG_PARSE

const javaRegexes = new Map<string, RegExp>()

/** A Java regular expression as a JavaScript one, matching the whole input (possessive quantifiers read as greedy). */
export function javaRegex(pattern: string): RegExp {
  return cached(javaRegexes, pattern, () => {
    try {
      return new RegExp(`^(?:${pattern.replace(/([*+?}])\+/g, '$1')})$`, 's')
    } catch {
      throw new SqlRuntimeError('RegexError', `Invalid regular expression '${pattern}'`)
    }
  })
}

/** REGEX_LOG_PARSE: COLUMN1..n of the pattern's groups; NULL when the whole text does not match. */
export function regexLogParse(value: string, pattern: string): RowValue | null {
  const match = javaRegex(pattern).exec(value)
  if (match === null) return null
  const fields: Record<string, SqlValue> = {}
  for (let i = 1; i < match.length; i++) fields[`COLUMN${i}`] = match[i] ?? null
  return { fields }
}

// ---- column descriptions: 'NAME TYPE type [NOT NULL] [START n [FOR m]], ...'

interface ColumnDescription {
  readonly name: string
  readonly type: SqlType
  /** a SimpleDateFormat pattern for DATE, TIME and TIMESTAMP columns: "name" TYPE TIMESTAMP 'dd/MMM/yyyy' */
  readonly format?: string
  readonly notNull: boolean
  readonly start?: number
  readonly length?: number
}

const DESCRIPTION =
  /^\s*(?:"([^"]+)"|([^\s"]+))\s+TYPE\s+(.+?)(?:\s+'([^']*)')?(\s+NOT\s+NULL)?(?:\s+START\s+(\d+)(?:\s+FOR\s+(\d+))?)?\s*$/i

/** Splits at the commas outside parentheses and quotes. */
function splitDescriptions(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quote: string | undefined
  let current = ''
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined
    } else if (ch === "'" || ch === '"') quote = ch
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
      continue
    }
    current += ch
  }
  parts.push(current)
  return parts
}

const descriptionLists = new Map<string, readonly ColumnDescription[]>()

function columnDescriptions(text: string): readonly ColumnDescription[] {
  return cached(descriptionLists, text, () =>
    splitDescriptions(text).map((description) => {
      const match = DESCRIPTION.exec(description)
      if (match === null) throw parseError(`Invalid column description '${description.trim()}'`)
      const [, quoted, bare, typeText, format, notNull, start, length] = match
      const type = parseSqlType(typeText ?? '')
      if (type === undefined) throw parseError(`Invalid column type '${typeText ?? ''}'`)
      return {
        name: quoted ?? (bare ?? '').toUpperCase(),
        type,
        notNull: notNull !== undefined,
        ...(format === undefined ? {} : { format }),
        ...(start === undefined ? {} : { start: Number(start) }),
        ...(length === undefined ? {} : { length: Number(length) }),
      }
    }),
  )
}

const TEMPORAL = new Set(['DATE', 'TIME', 'TIMESTAMP'])

/** One field's text as its column's type; a missing field, or a blank one of a non-character type, is NULL. */
function fieldValue(text: string | undefined, column: ColumnDescription): SqlValue {
  const character = column.type.name === 'VARCHAR' || column.type.name === 'CHAR'
  let value: SqlValue = null
  if (text !== undefined && (character || text.trim() !== '')) {
    value =
      column.format !== undefined && TEMPORAL.has(column.type.name)
        ? coerce(timestamp(parseDateTime(column.format, text.trim())), column.type)
        : coerce(text, column.type)
  }
  if (value === null && column.notNull) throw parseError(`Column '${column.name}' is NOT NULL`)
  return value
}

// ---- VARIABLE_COLUMN_LOG_PARSE

/** How VARIABLE_COLUMN_LOG_PARSE splits: the delimiter, and the optional escape string and quote characters. */
export interface FieldSyntax {
  readonly delimiter: string
  /** makes the character after it part of the field, even a delimiter or a quote ('' for none) */
  readonly escape: string
  /** one character that begins and ends a quoted string, or a begin and an end character ('' for none) */
  readonly quote: string
}

export function checkQuoteString(quote: string): void {
  if (quote.length > 2)
    throw parseError(`The quote string of VARIABLE_COLUMN_LOG_PARSE is one or two characters, not '${quote}'`)
}

/**
 * Splits at the delimiter. An escape string makes the next character literal (the escape is dropped); a quoted
 * string keeps its delimiters and loses its quotes. As the reference has it, a quoted string ends at the end
 * quote character or at the begin quote character.
 */
export function splitFields(value: string, syntax: FieldSyntax): string[] {
  const { delimiter, escape } = syntax
  checkQuoteString(syntax.quote)
  const begin = syntax.quote.charAt(0)
  const end = syntax.quote.charAt(1) || begin
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let at = 0; at < value.length;) {
    if (escape !== '' && value.startsWith(escape, at) && at + escape.length < value.length) {
      field += value.charAt(at + escape.length)
      at += escape.length + 1
      continue
    }
    const ch = value.charAt(at)
    if (quoted) {
      if (ch === begin || ch === end) quoted = false
      else field += ch
      at++
    } else if (begin !== '' && ch === begin) {
      quoted = true
      at++
    } else if (delimiter !== '' && value.startsWith(delimiter, at)) {
      fields.push(field)
      field = ''
      at += delimiter.length
    } else {
      field += ch
      at++
    }
  }
  fields.push(field)
  return fields
}

/** VARIABLE_COLUMN_LOG_PARSE: a count of columns (COLUMN1..n, VARCHAR) or 'NAME TYPE type, ...' descriptions. */
export function variableColumnLogParse(
  value: string,
  columns: number | string,
  syntax: FieldSyntax,
): RowValue {
  const parts = splitFields(value, syntax)
  const fields: Record<string, SqlValue> = {}
  if (typeof columns === 'number') {
    for (let i = 0; i < columns; i++) fields[`COLUMN${i + 1}`] = parts[i] ?? null
    return { fields }
  }
  checkVariableColumns(columns)
  columnDescriptions(columns).forEach((column, i) => {
    fields[column.name] = fieldValue(parts[i], column)
  })
  return { fields }
}

export function checkVariableColumns(columns: string): void {
  if (columnDescriptions(columns).some((c) => c.start !== undefined))
    throw parseError('START is for FIXED_COLUMN_LOG_PARSE; VARIABLE_COLUMN_LOG_PARSE splits by its delimiter')
}

// ---- FIXED_COLUMN_LOG_PARSE

export function checkFixedColumns(descriptions: string): void {
  for (const column of columnDescriptions(descriptions)) {
    if (column.start === undefined) throw parseError(`Column '${column.name}' has no START position`)
  }
}

/**
 * FIXED_COLUMN_LOG_PARSE: each column is the text from its START (0-based) for FOR characters (to the end
 * without FOR), converted to its type; a column past the end of the text is NULL.
 */
export function fixedColumnLogParse(value: string, descriptions: string): RowValue {
  checkFixedColumns(descriptions)
  const fields: Record<string, SqlValue> = {}
  for (const column of columnDescriptions(descriptions)) {
    const start = column.start ?? 0
    const end = column.length === undefined ? value.length : start + column.length
    fields[column.name] = fieldValue(start < value.length ? value.slice(start, end) : undefined, column)
  }
  return { fields }
}

// ---- SYS_LOG_PARSE

const SYSLOG = /^([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?: ([\s\S]*))?$/

/**
 * SYS_LOG_PARSE: 'Mon DD HH:MM:SS server message' as COLUMN1 (TIMESTAMP) and COLUMN2 (the text after the
 * timestamp). Syslog timestamps have no year (RFC 3164): it is the year of the row's ROWTIME, in UTC.
 */
export function sysLogParse(value: string, rowtime: number): RowValue | null {
  const match = SYSLOG.exec(value)
  if (match === null) return null
  const [, monthName, day, hour, minute, second, message] = match
  const month = MONTHS.findIndex((m) => m.toLowerCase() === (monthName ?? '').toLowerCase())
  if (month < 0) return null
  const year = new Date(rowtime).getUTCFullYear()
  const ms = Date.UTC(year, month, Number(day), Number(hour), Number(minute), Number(second))
  return { fields: { COLUMN1: timestamp(ms), COLUMN2: message ?? '' } }
}

// ---- W3C_LOG_PARSE

const W3C_FORMATS: Record<string, string> = {
  COMMON: '%h %l %u %t "%r" %>s %b',
  'COMMON WITH VHOST': '%v %h %l %u %t "%r" %>s %b',
  'NCSA EXTENDED': '%h %l %u %t "%r" %>s %b "%[Referer]i" "%[User-agent]i"',
  REFERER: '%[Referer]i ---> %U',
  AGENT: '%[User-agent]i',
}

/** Specifiers whose column is numeric (BIGINT, '-' is NULL); the others are text. */
const NUMERIC_SPECIFIERS = new Set(['b', 's', 'D', 'T', 'p', 'P', 'I', 'O'])
const SPECIFIERS = new Set('aABbCDefhHilmnopPqrstTuUvVXIO'.split(''))

interface W3cFormat {
  readonly regex: RegExp
  readonly numeric: readonly boolean[]
}

const SPECIFIER = /^%(?:!?\d{3}(?:,\d{3})*)?[<>]?(?:\{[^}]*\}|\[[^\]]*\])?([A-Za-z])/

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
}

function compileW3cFormat(format: string): W3cFormat {
  const name = format.trim().replace(/\s+/g, ' ').toUpperCase()
  const named = W3C_FORMATS[name === 'REFERRER' ? 'REFERER' : name]
  if (named === undefined && name === 'IIS')
    throw parseError('W3C log format IIS is not supported: give its fields as a format string')
  const text = named ?? format
  if (!text.includes('%')) throw parseError(`Unknown W3C log format '${format}'`)
  let source = ''
  let literal = ''
  const numeric: boolean[] = []
  for (let at = 0; at < text.length;) {
    const ch = text.charAt(at)
    if (ch === '\\' && at + 1 < text.length) {
      const next = text.charAt(at + 1)
      literal += next === 't' ? '\t' : next === 'n' ? '\n' : next
      at += 2
      continue
    }
    if (ch !== '%') {
      literal += ch
      at++
      continue
    }
    if (text.charAt(at + 1) === '%') {
      literal += '%'
      at += 2
      continue
    }
    const match = SPECIFIER.exec(text.slice(at))
    const letter = match?.[1]
    if (match === null || letter === undefined || !SPECIFIERS.has(letter))
      throw parseError(`Invalid W3C format specifier at '${text.slice(at, at + 12)}'`)
    at += match[0].length
    const last = at >= text.length
    const before = literal.charAt(literal.length - 1)
    source += escapeRegex(literal)
    literal = ''
    numeric.push(NUMERIC_SPECIFIERS.has(letter))
    // What a field may contain depends on what encloses it: quoted fields stop at an unescaped quote,
    // bracketed ones at ']', a bare %t is a bracketed time; other fields are one word (the last one takes
    // the rest of the line).
    if (before === '"') source += '((?:[^"\\\\]|\\\\[\\s\\S])*)'
    else if (before === '[') source += '([^\\]]*)'
    else if (NUMERIC_SPECIFIERS.has(letter)) source += '(-|\\d+)'
    else if (letter === 't') source += '(\\[[^\\]]*\\]|\\S*)'
    else if (last) source += '([\\s\\S]*)'
    else source += '(\\S*)'
  }
  source += escapeRegex(literal)
  if (numeric.length === 0) throw parseError(`W3C log format '${format}' has no specifier`)
  return { regex: new RegExp(`^${source}$`), numeric }
}

const w3cFormats = new Map<string, W3cFormat>()

export function checkW3cFormat(format: string): void {
  cached(w3cFormats, format, () => compileW3cFormat(format))
}

/**
 * W3C_LOG_PARSE: COLUMN1..n, one per format specifier, in order (numbers for %b, %s, %D, %T, %p, %P, %I, %O,
 * with '-' as NULL; text for the others); NULL when the line does not have the format's shape.
 */
export function w3cLogParse(value: string, format: string): RowValue | null {
  const compiled = cached(w3cFormats, format, () => compileW3cFormat(format))
  const match = compiled.regex.exec(value)
  if (match === null) return null
  const fields: Record<string, SqlValue> = {}
  compiled.numeric.forEach((isNumber, i) => {
    const text = match[i + 1] ?? ''
    fields[`COLUMN${i + 1}`] = isNumber ? (text === '-' ? null : Number(text)) : text
  })
  return { fields }
}
