import { AGGREGATES, WINDOW_ONLY, aggregateKind } from './aggregates.ts'
import type { Expr, LiteralValue, Position, WindowSpec } from './ast.ts'
import { extractField, formatDateTime, parseDateTime, truncateTimestamp } from './datetime.ts'
import { checkFastRegex, fastRegexLogParse } from './fast-regex.ts'
import { SqlCodeError } from './lexer.ts'
import {
  checkFixedColumns,
  checkQuoteString,
  checkVariableColumns,
  checkW3cFormat,
  fixedColumnLogParse,
  javaRegex,
  regexLogParse,
  sysLogParse,
  variableColumnLogParse,
  w3cLogParse,
} from './log-parse.ts'
import {
  SqlRuntimeError,
  coerce,
  compareValues,
  isInterval,
  isTimestamp,
  kindOf,
  parseTimestamp,
  timestamp,
  valueToString,
  type Row,
  type SqlValue,
  type ValueKind,
} from './values.ts'

/** A relation visible to an expression: a stream, table or subquery, by alias, with its columns. */
export interface Relation {
  readonly alias: string
  readonly columns: readonly { readonly name: string; readonly kind: ValueKind; readonly hidden?: boolean }[]
}

/** What an expression is evaluated against: one row per relation (undefined: the null side of an outer join). */
export interface Ctx {
  readonly rows: readonly (Row | undefined)[]
  readonly rowtime: number
  aggs?: readonly SqlValue[]
  over?: readonly SqlValue[]
}

export interface Compiled {
  readonly eval: (ctx: Ctx) => SqlValue
  readonly kind: ValueKind
}

export interface AggregateSlot {
  readonly name: string
  readonly arg?: Compiled
  readonly distinct: boolean
}

export interface OverSlot {
  readonly name: string
  readonly args: readonly Compiled[]
  readonly window: WindowSpec
  readonly distinct: boolean
  /** NTH_VALUE ... FROM LAST */
  readonly fromLast: boolean
  /** IGNORE NULLS: LAG, FIRST_VALUE, LAST_VALUE and NTH_VALUE skip NULL values */
  readonly ignoreNulls: boolean
}

export interface CompileEnv {
  readonly relations: readonly Relation[]
  /** where aggregate calls collect; undefined where aggregates are not allowed */
  readonly aggregates?: AggregateSlot[]
  /** where OVER calls collect; undefined where they are not allowed */
  readonly overs?: OverSlot[]
  readonly windows?: ReadonlyMap<string, WindowSpec>
}

export function codeError(pos: Position, message: string): SqlCodeError {
  return new SqlCodeError(`At line ${pos.line}, column ${pos.column}: ${message}`, pos.line, pos.column)
}

function numeric(kind: ValueKind): boolean {
  return kind === 'integer' || kind === 'decimal' || kind === 'double' || kind === 'unknown'
}

function arithmeticKind(a: ValueKind, b: ValueKind): ValueKind {
  if (a === 'timestamp' || b === 'timestamp') return 'timestamp'
  if (a === 'interval' && b === 'interval') return 'interval'
  if (a === 'interval' || b === 'interval') return 'interval'
  if (a === 'double' || b === 'double') return 'double'
  if (a === 'unknown' || b === 'unknown') return 'unknown'
  if (a === 'decimal' || b === 'decimal') return 'decimal'
  if (a === 'string' || b === 'string') return 'double'
  return 'integer'
}

function num(value: SqlValue): number {
  if (typeof value === 'number') return value
  if (typeof value === 'string') {
    const n = Number(value.trim())
    if (value.trim() !== '' && !Number.isNaN(n)) return n
  }
  throw new SqlRuntimeError('TypeMismatch', `Expected a number, got ${JSON.stringify(value)}`)
}

function str(value: SqlValue): string {
  return valueToString(value) ?? ''
}

function ts(value: SqlValue): number {
  if (isTimestamp(value)) return value.ts
  if (typeof value === 'string') {
    const ms = parseTimestamp(value)
    if (ms !== undefined) return ms
  }
  throw new SqlRuntimeError('TypeMismatch', `Expected a timestamp, got ${JSON.stringify(value)}`)
}

function addMonths(ms: number, months: number): number {
  const d = new Date(ms)
  d.setUTCMonth(d.getUTCMonth() + months)
  return d.getTime()
}

function arithmetic(op: string, a: SqlValue, b: SqlValue, kind: ValueKind): SqlValue {
  if (a === null || b === null) return null
  if (isTimestamp(a) && isInterval(b)) {
    const sign = op === '-' ? -1 : 1
    if (op !== '+' && op !== '-')
      throw new SqlRuntimeError('TypeMismatch', `Cannot apply ${op} to a timestamp`)
    return timestamp(addMonths(a.ts + sign * b.ms, sign * b.months))
  }
  if (isInterval(a) && isTimestamp(b) && op === '+') return timestamp(addMonths(b.ts + a.ms, a.months))
  if (isTimestamp(a) && isTimestamp(b) && op === '-') return { ms: a.ts - b.ts, months: 0 }
  if (isInterval(a) && isInterval(b) && (op === '+' || op === '-')) {
    const sign = op === '-' ? -1 : 1
    return { ms: a.ms + sign * b.ms, months: a.months + sign * b.months }
  }
  if (isInterval(a) && (op === '*' || op === '/')) {
    const n = num(b)
    return op === '*' ? { ms: a.ms * n, months: a.months * n } : { ms: a.ms / n, months: a.months / n }
  }
  if (isInterval(b) && op === '*') return { ms: b.ms * num(a), months: b.months * num(a) }
  const x = num(a)
  const y = num(b)
  switch (op) {
    case '+':
      return x + y
    case '-':
      return x - y
    case '*':
      return x * y
    default: {
      if (y === 0) throw new SqlRuntimeError('DivisionByZero', 'Division by zero')
      return kind === 'integer' ? Math.trunc(x / y) : x / y
    }
  }
}

function comparison(op: string, a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null
  const c = compareValues(a, b)
  switch (op) {
    case '=':
      return c === 0
    case '<>':
      return c !== 0
    case '<':
      return c < 0
    case '<=':
      return c <= 0
    case '>':
      return c > 0
    default:
      return c >= 0
  }
}

function truth(value: SqlValue): boolean | null {
  if (value === null) return null
  if (typeof value === 'boolean') return value
  throw new SqlRuntimeError('TypeMismatch', `Expected a boolean, got ${JSON.stringify(value)}`)
}

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch
}

/** LIKE (% and _) or SIMILAR TO (also | * + ? {} [] ()) as an anchored regular expression. */
export function patternRegex(pattern: string, similar: boolean, escape: string | undefined): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i)
    if (escape !== undefined && ch === escape) {
      source += escapeRegex(pattern.charAt(++i))
      continue
    }
    if (ch === '%') source += '[\\s\\S]*'
    else if (ch === '_') source += '[\\s\\S]'
    else if (similar && '|*+?{}()[]'.includes(ch)) source += ch
    else source += escapeRegex(ch)
  }
  return new RegExp(`^(?:${source})$`)
}

/** Scalar functions by name: their result kind and implementation (null in, null out unless said). */
interface ScalarFunction {
  readonly arity: readonly [number, number]
  readonly kind: (args: readonly ValueKind[]) => ValueKind
  readonly nullSafe?: boolean
  /** checks the arguments written as literals (undefined for the others) when the code is compiled */
  readonly check?: (literals: readonly (SqlValue | undefined)[]) => void
  readonly apply: (args: SqlValue[], ctx: Ctx) => SqlValue
}

const same = (args: readonly ValueKind[]): ValueKind => args[0] ?? 'unknown'
const double = (): ValueKind => 'double'
const integer = (): ValueKind => 'integer'
const text = (): ValueKind => 'string'
const time = (): ValueKind => 'timestamp'

const FUNCTIONS: Record<string, ScalarFunction> = {
  ABS: { arity: [1, 1], kind: same, apply: ([a]) => Math.abs(num(a ?? null)) },
  CEIL: { arity: [1, 1], kind: same, apply: ([a]) => Math.ceil(num(a ?? null)) },
  FLOOR: { arity: [1, 1], kind: same, apply: ([a]) => Math.floor(num(a ?? null)) },
  MOD: {
    arity: [2, 2],
    kind: (k) => k[1] ?? 'integer',
    apply: ([a, b]) => {
      const y = num(b ?? null)
      if (y === 0) throw new SqlRuntimeError('DivisionByZero', 'Division by zero')
      return num(a ?? null) % y
    },
  },
  POWER: { arity: [2, 2], kind: double, apply: ([a, b]) => num(a ?? null) ** num(b ?? null) },
  LN: { arity: [1, 1], kind: double, apply: ([a]) => Math.log(num(a ?? null)) },
  LOG10: { arity: [1, 1], kind: double, apply: ([a]) => Math.log10(num(a ?? null)) },
  EXP: { arity: [1, 1], kind: double, apply: ([a]) => Math.exp(num(a ?? null)) },
  SQRT: { arity: [1, 1], kind: double, apply: ([a]) => Math.sqrt(num(a ?? null)) },
  UPPER: { arity: [1, 1], kind: text, apply: ([a]) => str(a ?? null).toUpperCase() },
  LOWER: { arity: [1, 1], kind: text, apply: ([a]) => str(a ?? null).toLowerCase() },
  INITCAP: {
    arity: [1, 1],
    kind: text,
    apply: ([a]) =>
      str(a ?? null)
        .toLowerCase()
        .replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()),
  },
  CHAR_LENGTH: { arity: [1, 1], kind: integer, apply: ([a]) => str(a ?? null).length },
  CHARACTER_LENGTH: { arity: [1, 1], kind: integer, apply: ([a]) => str(a ?? null).length },
  SUBSTRING: {
    arity: [2, 3],
    kind: text,
    apply: ([s, from, length]) => {
      const value = str(s ?? null)
      const start = num(from ?? null)
      const end = length === undefined ? value.length + 1 : start + num(length)
      if (end < start) throw new SqlRuntimeError('SubstringError', 'Negative substring length')
      return value.slice(Math.max(start, 1) - 1, Math.max(end, 1) - 1)
    },
  },
  COALESCE: {
    arity: [1, 255],
    kind: same,
    nullSafe: true,
    apply: (args) => args.find((a) => a !== null) ?? null,
  },
  NULLIF: {
    arity: [2, 2],
    kind: same,
    nullSafe: true,
    apply: ([a, b]) =>
      (a ?? null) !== null && (b ?? null) !== null && compareValues(a ?? null, b ?? null) === 0
        ? null
        : (a ?? null),
  },
  CHAR_TO_TIMESTAMP: {
    arity: [2, 2],
    kind: time,
    apply: ([format, value]) => timestamp(parseDateTime(str(format ?? null), str(value ?? null))),
  },
  TIMESTAMP_TO_CHAR: {
    arity: [2, 2],
    kind: text,
    apply: ([format, value]) => formatDateTime(str(format ?? null), ts(value ?? null)),
  },
  TO_TIMESTAMP: { arity: [1, 1], kind: time, apply: ([a]) => timestamp(num(a ?? null)) },
  UNIX_TIMESTAMP: { arity: [1, 1], kind: integer, apply: ([a]) => ts(a ?? null) },
  TSDIFF: { arity: [2, 2], kind: integer, apply: ([a, b]) => ts(a ?? null) - ts(b ?? null) },
  REGEX_LOG_PARSE: {
    arity: [2, 2],
    kind: () => 'row',
    check: ([, pattern]) => {
      if (typeof pattern === 'string') javaRegex(pattern)
    },
    apply: ([value, pattern]) => regexLogParse(str(value ?? null), str(pattern ?? null)),
  },
  FAST_REGEX_LOG_PARSE: {
    arity: [2, 2],
    kind: () => 'row',
    check: ([, pattern]) => {
      if (typeof pattern === 'string') checkFastRegex(pattern)
    },
    apply: ([value, pattern]) => fastRegexLogParse(str(value ?? null), str(pattern ?? null)),
  },
  VARIABLE_COLUMN_LOG_PARSE: {
    arity: [3, 5],
    kind: () => 'row',
    // a NULL escape or quote string is none; a NULL text, column list or delimiter gives NULL
    nullSafe: true,
    check: ([, columns, , , quote]) => {
      if (typeof columns === 'string') checkVariableColumns(columns)
      if (typeof quote === 'string') checkQuoteString(quote)
    },
    apply: ([value, columns, delimiter, escape, quote]) => {
      if (value == null || columns == null || delimiter == null) return null
      return variableColumnLogParse(str(value), typeof columns === 'number' ? columns : str(columns), {
        delimiter: str(delimiter),
        escape: str(escape ?? null),
        quote: str(quote ?? null),
      })
    },
  },
  FIXED_COLUMN_LOG_PARSE: {
    arity: [2, 2],
    kind: () => 'row',
    check: ([, columns]) => {
      if (typeof columns === 'string') checkFixedColumns(columns)
    },
    apply: ([value, columns]) => fixedColumnLogParse(str(value ?? null), str(columns ?? null)),
  },
  SYS_LOG_PARSE: {
    arity: [1, 1],
    kind: () => 'row',
    apply: ([value], ctx) => sysLogParse(str(value ?? null), ctx.rowtime),
  },
  W3C_LOG_PARSE: {
    arity: [2, 2],
    kind: () => 'row',
    check: ([, format]) => {
      if (typeof format === 'string') checkW3cFormat(format)
    },
    apply: ([value, format]) => w3cLogParse(str(value ?? null), str(format ?? null)),
  },
  // MONOTONIC(x) is x; the query reads the declaration (GROUP BY, SELECT STREAM DISTINCT), see declaresMonotonic
  MONOTONIC: { arity: [1, 1], kind: same, nullSafe: true, apply: ([a]) => a ?? null },
  CURRENT_ROW_TIMESTAMP: { arity: [0, 0], kind: time, apply: (_a, ctx) => timestamp(ctx.rowtime) },
  LOCALTIMESTAMP: { arity: [0, 0], kind: time, apply: (_a, ctx) => timestamp(ctx.rowtime) },
  CURRENT_TIMESTAMP: { arity: [0, 0], kind: time, apply: (_a, ctx) => timestamp(ctx.rowtime) },
  LOCALTIME: {
    arity: [0, 0],
    kind: time,
    apply: (_a, ctx) => timestamp(((ctx.rowtime % 86_400_000) + 86_400_000) % 86_400_000),
  },
  CURRENT_TIME: {
    arity: [0, 0],
    kind: time,
    apply: (_a, ctx) => timestamp(((ctx.rowtime % 86_400_000) + 86_400_000) % 86_400_000),
  },
  CURRENT_DATE: {
    arity: [0, 0],
    kind: time,
    apply: (_a, ctx) => timestamp(Math.floor(ctx.rowtime / 86_400_000) * 86_400_000),
  },
}

/** Compiles an expression against the relations in scope; unknown names are SqlCodeErrors at their position. */
export function compileExpression(expr: Expr, env: CompileEnv): Compiled {
  switch (expr.k) {
    case 'literal':
      return literal(expr)
    case 'interval': {
      const value = { ms: expr.ms, months: expr.months }
      return { eval: () => value, kind: 'interval' }
    }
    case 'column':
      return column(expr, env)
    case 'star':
      throw codeError(expr.pos, 'Unexpected "*"')
    case 'unary': {
      const operand = compileExpression(expr.operand, env)
      if (expr.op === 'NOT') {
        return {
          eval: (ctx) => {
            const v = truth(operand.eval(ctx))
            return v === null ? null : !v
          },
          kind: 'boolean',
        }
      }
      if (expr.op === '+') return operand
      return {
        eval: (ctx) => {
          const v = operand.eval(ctx)
          if (v === null) return null
          if (isInterval(v)) return { ms: -v.ms, months: -v.months }
          return -num(v)
        },
        kind: operand.kind,
      }
    }
    case 'binary':
      return binary(expr, env)
    case 'call':
      return call(expr, env)
    case 'case': {
      const operand = expr.operand === undefined ? undefined : compileExpression(expr.operand, env)
      const whens = expr.whens.map((w) => ({
        when: compileExpression(w.when, env),
        then: compileExpression(w.then, env),
      }))
      const otherwise = expr.otherwise === undefined ? undefined : compileExpression(expr.otherwise, env)
      const kinds = [...whens.map((w) => w.then.kind), ...(otherwise === undefined ? [] : [otherwise.kind])]
      const kind = kinds.reduce((a, b) =>
        a === b ? a : numeric(a) && numeric(b) ? arithmeticKind(a, b) : 'unknown',
      )
      return {
        eval: (ctx) => {
          const subject = operand?.eval(ctx)
          for (const w of whens) {
            if (operand === undefined) {
              if (truth(w.when.eval(ctx)) === true) return w.then.eval(ctx)
            } else if (comparison('=', subject ?? null, w.when.eval(ctx)) === true) return w.then.eval(ctx)
          }
          return otherwise === undefined ? null : otherwise.eval(ctx)
        },
        kind,
      }
    }
    case 'cast': {
      const operand = compileExpression(expr.operand, env)
      const type = expr.type
      return { eval: (ctx) => coerce(operand.eval(ctx), type), kind: kindOf(type) }
    }
    case 'like': {
      const operand = compileExpression(expr.operand, env)
      const pattern = compileExpression(expr.pattern, env)
      const escape = expr.escape === undefined ? undefined : compileExpression(expr.escape, env)
      const cache = new Map<string, RegExp>()
      return {
        eval: (ctx) => {
          const value = operand.eval(ctx)
          const p = pattern.eval(ctx)
          const e = escape?.eval(ctx)
          if (value === null || p === null || e === null) return null
          const key = `${str(p)}\u0000${e === undefined ? '' : str(e)}`
          let regex = cache.get(key)
          if (regex === undefined) {
            regex = patternRegex(str(p), expr.similar, e === undefined ? undefined : str(e))
            if (cache.size < 100) cache.set(key, regex)
          }
          return regex.test(str(value)) !== expr.not
        },
        kind: 'boolean',
      }
    }
    case 'in': {
      const operand = compileExpression(expr.operand, env)
      const list = expr.list.map((e) => compileExpression(e, env))
      return {
        eval: (ctx) => {
          const value = operand.eval(ctx)
          if (value === null) return null
          let sawNull = false
          for (const item of list) {
            const r = comparison('=', value, item.eval(ctx))
            if (r === true) return !expr.not
            if (r === null) sawNull = true
          }
          return sawNull ? null : expr.not
        },
        kind: 'boolean',
      }
    }
    case 'between': {
      const operand = compileExpression(expr.operand, env)
      const low = compileExpression(expr.low, env)
      const high = compileExpression(expr.high, env)
      return {
        eval: (ctx) => {
          const value = operand.eval(ctx)
          const result = and(comparison('>=', value, low.eval(ctx)), comparison('<=', value, high.eval(ctx)))
          return result === null ? null : result !== expr.not
        },
        kind: 'boolean',
      }
    }
    case 'is': {
      const operand = compileExpression(expr.operand, env)
      return {
        eval: (ctx) => {
          const value = operand.eval(ctx)
          const result = expr.what === 'NULL' ? value === null : value === (expr.what === 'TRUE')
          return result !== expr.not
        },
        kind: 'boolean',
      }
    }
    case 'floor': {
      const operand = compileExpression(expr.operand, env)
      const unit = expr.unit
      return {
        eval: (ctx) => {
          const value = operand.eval(ctx)
          return value === null ? null : timestamp(truncateTimestamp(ts(value), unit, expr.ceil))
        },
        kind: 'timestamp',
      }
    }
    case 'step': {
      const operand = compileExpression(expr.operand, env)
      const size = expr.ms
      return {
        eval: (ctx) => {
          const value = operand.eval(ctx)
          return value === null ? null : timestamp(Math.floor(ts(value) / size) * size)
        },
        kind: 'timestamp',
      }
    }
    case 'extract': {
      const operand = compileExpression(expr.operand, env)
      const unit = expr.unit
      return {
        eval: (ctx) => {
          const value = operand.eval(ctx)
          if (value === null) return null
          if (isInterval(value))
            return unit === 'SECOND' ? Math.trunc(value.ms / 1000) : extractInterval(unit, value.ms)
          return extractField(unit, ts(value))
        },
        kind: 'integer',
      }
    }
    case 'position': {
      const needle = compileExpression(expr.needle, env)
      const haystack = compileExpression(expr.haystack, env)
      return {
        eval: (ctx) => {
          const n = needle.eval(ctx)
          const h = haystack.eval(ctx)
          return n === null || h === null ? null : str(h).indexOf(str(n)) + 1
        },
        kind: 'integer',
      }
    }
    case 'trim': {
      const operand = compileExpression(expr.operand, env)
      const chars = expr.chars === undefined ? undefined : compileExpression(expr.chars, env)
      return {
        eval: (ctx) => {
          const value = operand.eval(ctx)
          const c = chars === undefined ? ' ' : chars.eval(ctx)
          if (value === null || c === null) return null
          const set = str(c)
          let s = str(value)
          if (expr.mode !== 'TRAILING') while (s.length > 0 && set.includes(s.charAt(0))) s = s.slice(1)
          if (expr.mode !== 'LEADING')
            while (s.length > 0 && set.includes(s.charAt(s.length - 1))) s = s.slice(0, -1)
          return s
        },
        kind: 'string',
      }
    }
    case 'cursor':
      throw codeError(expr.pos, 'CURSOR is only allowed as an argument of a table function in FROM')
    case 'field':
      return field(compileExpression(expr.operand, env), expr.name)
  }
}

function extractInterval(unit: string, ms: number): number {
  const sizes: Record<string, number> = { DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000 }
  const size = sizes[unit]
  if (size === undefined)
    throw new SqlRuntimeError('UnsupportedField', `EXTRACT does not support ${unit} of an interval`)
  return Math.trunc(ms / size)
}

function and(a: SqlValue, b: SqlValue): boolean | null {
  const x = truth(a)
  const y = truth(b)
  if (x === false || y === false) return false
  if (x === null || y === null) return null
  return true
}

function literal(expr: Expr & { k: 'literal' }): Compiled {
  const v = expr.value
  switch (v.t) {
    case 'null':
      return { eval: () => null, kind: 'unknown' }
    case 'boolean':
      return { eval: () => v.v, kind: 'boolean' }
    case 'integer':
      return { eval: () => v.v, kind: 'integer' }
    case 'decimal':
      return { eval: () => v.v, kind: 'decimal' }
    case 'double':
      return { eval: () => v.v, kind: 'double' }
    case 'string':
      return { eval: () => v.v, kind: 'string' }
    default: {
      const ms = parseTimestamp(v.v)
      if (ms === undefined) throw codeError(expr.pos, `Illegal ${v.t.toUpperCase()} literal '${v.v}'`)
      const value = coerce(timestamp(ms), { name: v.t.toUpperCase() })
      return { eval: () => value, kind: 'timestamp' }
    }
  }
}

function field(operand: Compiled, name: string): Compiled {
  return {
    eval: (ctx) => {
      const value = operand.eval(ctx)
      if (value === null) return null
      if (typeof value !== 'object' || !('fields' in value)) {
        throw new SqlRuntimeError('TypeMismatch', `Cannot read field ${name} of ${JSON.stringify(value)}`)
      }
      return value.fields[name] ?? null
    },
    kind: 'unknown',
  }
}

function column(expr: Expr & { k: 'column' }, env: CompileEnv): Compiled {
  const { qualifier, name } = expr
  if (qualifier !== undefined && !env.relations.some((r) => r.alias === qualifier)) {
    // REC.COLUMN1: a field of the row-valued column REC
    const rowColumn = env.relations.some((r) =>
      r.columns.some((c) => c.name === qualifier && c.kind === 'row'),
    )
    if (rowColumn) return field(column({ k: 'column', name: qualifier, pos: expr.pos }, env), name)
  }
  const candidates =
    qualifier === undefined
      ? env.relations.map((r, i) => [r, i] as const)
      : env.relations.map((r, i) => [r, i] as const).filter(([r]) => r.alias === qualifier)
  if (qualifier !== undefined && candidates.length === 0)
    throw codeError(expr.pos, `Table '${qualifier}' not found`)
  const found = candidates.flatMap(([relation, index]) => {
    const col = relation.columns.find((c) => c.name === name)
    return col === undefined ? [] : [{ index, kind: col.kind }]
  })
  if (found.length === 0) {
    throw codeError(
      expr.pos,
      qualifier === undefined
        ? `Column '${name}' not found in any table`
        : `Column '${name}' not found in table '${qualifier}'`,
    )
  }
  const first = found[0] as { index: number; kind: ValueKind }
  if (found.length > 1 && name !== 'ROWTIME') throw codeError(expr.pos, `Column '${name}' is ambiguous`)
  const index = first.index
  return { eval: (ctx) => ctx.rows[index]?.[name] ?? null, kind: first.kind }
}

function binary(expr: Expr & { k: 'binary' }, env: CompileEnv): Compiled {
  const left = compileExpression(expr.left, env)
  const right = compileExpression(expr.right, env)
  const op = expr.op
  switch (op) {
    case 'AND':
      return { eval: (ctx) => and(left.eval(ctx), right.eval(ctx)), kind: 'boolean' }
    case 'OR':
      return {
        eval: (ctx) => {
          const x = truth(left.eval(ctx))
          if (x === true) return true
          const y = truth(right.eval(ctx))
          if (y === true) return true
          return x === null || y === null ? null : false
        },
        kind: 'boolean',
      }
    case '||':
      return {
        eval: (ctx) => {
          const a = left.eval(ctx)
          const b = right.eval(ctx)
          return a === null || b === null ? null : str(a) + str(b)
        },
        kind: 'string',
      }
    case '+':
    case '-':
    case '*':
    case '/': {
      const kind = arithmeticKind(left.kind, right.kind)
      const resultKind =
        op === '-' && left.kind === 'timestamp' && right.kind === 'timestamp' ? 'interval' : kind
      return { eval: (ctx) => arithmetic(op, left.eval(ctx), right.eval(ctx), resultKind), kind: resultKind }
    }
    default:
      return { eval: (ctx) => comparison(op, left.eval(ctx), right.eval(ctx)), kind: 'boolean' }
  }
}

function call(expr: Expr & { k: 'call' }, env: CompileEnv): Compiled {
  const name = expr.name
  if (expr.over !== undefined || WINDOW_ONLY.has(name)) return overCall(expr, env)
  if (AGGREGATES.has(name)) {
    if (env.aggregates === undefined) {
      throw codeError(
        expr.pos,
        `Aggregate ${name} needs a GROUP BY with a window, WINDOWED BY STAGGER, or OVER`,
      )
    }
    if (expr.args.length !== 1) throw codeError(expr.pos, `Invalid number of arguments to function '${name}'`)
    if (expr.ignoreNulls === true)
      throw codeError(expr.pos, `${name} IGNORE NULLS is a window function: it needs OVER`)
    const argExpr = expr.args[0] as Expr
    const star = argExpr.k === 'star'
    if (star && name !== 'COUNT') throw codeError(argExpr.pos, `'*' is only allowed in COUNT`)
    const inner: CompileEnv = {
      relations: env.relations,
      ...(env.windows === undefined ? {} : { windows: env.windows }),
    }
    const arg = star ? undefined : compileExpression(argExpr, inner)
    const slot = env.aggregates.length
    env.aggregates.push({ name, distinct: expr.distinct, ...(arg === undefined ? {} : { arg }) })
    return { eval: (ctx) => ctx.aggs?.[slot] ?? null, kind: aggregateKind(name, arg?.kind ?? 'integer') }
  }
  const fn = FUNCTIONS[name]
  if (fn === undefined) throw codeError(expr.pos, `No match found for function signature ${name}`)
  const [min, max] = fn.arity
  if (expr.args.length < min || expr.args.length > max) {
    throw codeError(
      expr.pos,
      `Invalid number of arguments to function '${name}'. Was expecting ${min === max ? min : `${min} to ${max}`} arguments`,
    )
  }
  const args = expr.args.map((a) => compileExpression(a, env))
  if (fn.check !== undefined) {
    const literals = expr.args.map((a) =>
      a.k === 'literal' && (a.value.t === 'string' || a.value.t === 'integer') ? a.value.v : undefined,
    )
    try {
      fn.check(literals)
    } catch (error) {
      if (!(error instanceof SqlRuntimeError)) throw error
      throw codeError(expr.pos, error.message)
    }
  }
  const kind = fn.kind(args.map((a) => a.kind))
  return {
    eval: (ctx) => {
      const values = args.map((a) => a.eval(ctx))
      if (fn.nullSafe !== true && values.includes(null)) return null
      return fn.apply(values, ctx)
    },
    kind,
  }
}

function overCall(expr: Expr & { k: 'call' }, env: CompileEnv): Compiled {
  const name = expr.name
  if (!AGGREGATES.has(name) && !WINDOW_ONLY.has(name)) {
    if (FUNCTIONS[name] === undefined)
      throw codeError(expr.pos, `No match found for function signature ${name}`)
    throw codeError(expr.pos, `${name} is not a window function`)
  }
  if (env.overs === undefined) throw codeError(expr.pos, `${name} OVER is not allowed here`)
  let window: WindowSpec
  if (expr.over === undefined) window = { partitionBy: [], rows: Number.POSITIVE_INFINITY, pos: expr.pos }
  else if (typeof expr.over === 'string') {
    const named = env.windows?.get(expr.over)
    if (named === undefined) throw codeError(expr.pos, `Window '${expr.over}' not found`)
    window = named
  } else window = resolveWindow(expr.over, env.windows)
  const inner: CompileEnv = { relations: env.relations }
  const args = expr.args.filter((a) => a.k !== 'star').map((a) => compileExpression(a, inner))
  const [min, max] = name === 'LAG' ? [1, 3] : name === 'NTH_VALUE' ? [2, 2] : [1, 1]
  if (expr.args.length < min || expr.args.length > max)
    throw codeError(expr.pos, `Invalid number of arguments to function '${name}'`)
  const nth = expr.args[1]
  if (name === 'NTH_VALUE' && nth?.k === 'literal' && nth.value.t !== 'null' && !isPositiveInteger(nth.value))
    throw codeError(nth.pos, 'The n of NTH_VALUE must be a positive integer')
  const slot = env.overs.length
  env.overs.push({
    name,
    args,
    window,
    distinct: expr.distinct,
    fromLast: expr.fromLast === true,
    ignoreNulls: expr.ignoreNulls === true,
  })
  return { eval: (ctx) => ctx.over?.[slot] ?? null, kind: aggregateKind(name, args[0]?.kind ?? 'integer') }
}

function isPositiveInteger(value: LiteralValue): boolean {
  return value.t === 'integer' && value.v >= 1
}

/** An inline window that names a base window (OVER (W1 ...)) takes the base's partitioning and frame where it sets none. */
export function resolveWindow(
  spec: WindowSpec,
  windows: ReadonlyMap<string, WindowSpec> | undefined,
): WindowSpec {
  if (spec.base === undefined) return spec
  const base = windows?.get(spec.base)
  if (base === undefined) throw codeError(spec.pos, `Window '${spec.base}' not found`)
  return {
    partitionBy: spec.partitionBy.length > 0 ? spec.partitionBy : base.partitionBy,
    pos: spec.pos,
    ...((spec.rangeMs ?? base.rangeMs) === undefined ? {} : { rangeMs: spec.rangeMs ?? base.rangeMs }),
    ...((spec.rows ?? base.rows) === undefined ? {} : { rows: spec.rows ?? base.rows }),
  }
}

/** True if the expression reads ROWTIME (of any relation). */
export function readsRowtime(expr: Expr): boolean {
  switch (expr.k) {
    case 'column':
      return expr.name === 'ROWTIME'
    case 'unary':
    case 'cast':
    case 'floor':
    case 'step':
    case 'extract':
      return readsRowtime(expr.operand)
    case 'binary':
      return readsRowtime(expr.left) || readsRowtime(expr.right)
    case 'call':
      return expr.args.some(readsRowtime)
    default:
      return false
  }
}

/** True if the expression is declared MONOTONIC, or is a FLOOR, CEIL, STEP or CAST of such an expression. */
export function declaresMonotonic(expr: Expr): boolean {
  switch (expr.k) {
    case 'call':
      return expr.name === 'MONOTONIC' && expr.over === undefined
    case 'floor':
    case 'step':
    case 'cast':
      return declaresMonotonic(expr.operand)
    default:
      return false
  }
}
