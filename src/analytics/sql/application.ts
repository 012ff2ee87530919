import type { SqlType, Statement } from './ast.ts'
import { codeError } from './expressions.ts'
import { SqlCodeError } from './lexer.ts'
import { parseApplicationCode } from './parser.ts'
import { compileQuery, type ColumnInfo, type QueryContext, type StatefulPart } from './query.ts'
import {
  SqlRuntimeError,
  coerce,
  kindOf,
  parseSqlType,
  timestamp,
  typeText,
  type Row,
  type SqlValue,
} from './values.ts'

/** An in-application input stream (or a reference table) as the API describes it: names are exact. */
export interface StreamSchema {
  readonly name: string
  readonly columns: readonly { readonly name: string; readonly sqlType: string }[]
}

export interface ReferenceTable extends StreamSchema {
  /** the table's rows by column name; values are converted to the column types */
  readonly rows?: readonly Record<string, unknown>[]
}

export interface ApplicationOptions {
  readonly inputs: readonly StreamSchema[]
  readonly referenceTables?: readonly ReferenceTable[]
}

/** Called for every row inserted into any in-application stream (and error_stream), in order. */
export type RowListener = (stream: string, row: Row, rowtime: number) => void

export interface ApplicationSnapshot {
  readonly version: 1
  /** null before the first row or advance */
  readonly time: number | null
  readonly pumps: Record<string, unknown[]>
}

export const ERROR_STREAM = 'error_stream'

/** The system column of in-application input streams: the source record's arrival time at its stream. */
export const APPROXIMATE_ARRIVAL_TIME = 'APPROXIMATE_ARRIVAL_TIME'

/** A syntax or name error of application code, with the position CodeValidationException reports. */
export interface CodeProblem {
  readonly message: string
  readonly line: number
  readonly column: number
}

interface StreamState {
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[]
  readonly input: boolean
  readonly subscribers: ((row: Row, rowtime: number) => void)[]
}

interface Pump {
  readonly name: string
  readonly reads: Set<string>
  readonly target: string
  readonly parts: StatefulPart[]
}

function schemaColumns(schema: StreamSchema): { name: string; type: SqlType }[] {
  return schema.columns.map((c) => {
    const type = parseSqlType(c.sqlType)
    if (type === undefined)
      throw new SqlCodeError(
        `Unknown SQL type '${c.sqlType}' of column '${c.name}' of '${schema.name}'`,
        1,
        1,
      )
    return { name: c.name, type }
  })
}

function toSqlValue(value: unknown): SqlValue {
  if (value === undefined || value === null) return null
  if (value instanceof Date) return timestamp(value.getTime())
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'object' && 'ts' in value && typeof value.ts === 'number') return timestamp(value.ts)
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return JSON.stringify(value)
}

function hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex')
}

/**
 * A compiled application: in-application streams and the pumps between them. Synchronous and without I/O:
 * the runtime pushes input rows, advances time, and reads output rows through a listener.
 */
export class Application {
  private readonly streams = new Map<string, StreamState>()
  private readonly tables = new Map<string, { columns: { name: string; type: SqlType }[]; rows: Row[] }>()
  private readonly pumps: Pump[] = []
  private readonly listeners: RowListener[] = []
  private now = Number.NEGATIVE_INFINITY
  private currentPump: Pump | undefined

  constructor(code: string, options: ApplicationOptions) {
    for (const input of options.inputs) {
      this.streams.set(input.name, { columns: schemaColumns(input), input: true, subscribers: [] })
    }
    for (const table of options.referenceTables ?? []) {
      const columns = schemaColumns(table)
      this.tables.set(table.name, { columns, rows: [] })
      this.setReferenceRows(table.name, table.rows ?? [])
    }
    const statements = parseApplicationCode(code)
    for (const statement of statements) this.define(statement)
    this.pumps.splice(0, this.pumps.length, ...orderPumps(this.pumps))
  }

  /** The streams of the application and their columns (inputs, created streams). */
  describeStreams(): { name: string; input: boolean; columns: { name: string; sqlType: string }[] }[] {
    return [...this.streams.entries()].map(([name, s]) => ({
      name,
      input: s.input,
      columns: s.columns.map((c) => ({ name: c.name, sqlType: typeText(c.type) })),
    }))
  }

  /**
   * The input streams in groups that no pump combines: no pump reads rows derived from two groups, so each group
   * can run in an engine of its own (in another process) and give the same rows. Groups keep the inputs' order;
   * one group holds them all when pumps combine every input.
   */
  inputGroups(): string[][] {
    const inputs = [...this.streams].filter(([, state]) => state.input).map(([name]) => name)
    const origins = new Map<string, Set<string>>(inputs.map((name) => [name, new Set([name])]))
    const originsOfReads = (pump: Pump): Set<string> => {
      const found = new Set<string>()
      for (const read of pump.reads) for (const origin of origins.get(read) ?? []) found.add(origin)
      return found
    }
    for (let changed = true; changed;) {
      changed = false
      for (const pump of this.pumps) {
        const target = origins.get(pump.target) ?? new Set<string>()
        origins.set(pump.target, target)
        for (const origin of originsOfReads(pump)) {
          if (target.has(origin)) continue
          target.add(origin)
          changed = true
        }
      }
    }
    const groupOf = new Map<string, string>(inputs.map((name) => [name, name]))
    const root = (name: string): string => {
      const parent = groupOf.get(name) ?? name
      return parent === name ? name : root(parent)
    }
    for (const pump of this.pumps) {
      const [first, ...others] = originsOfReads(pump)
      if (first === undefined) continue
      for (const other of others) groupOf.set(root(other), root(first))
    }
    const groups = new Map<string, string[]>()
    for (const name of inputs) {
      const group = groups.get(root(name)) ?? []
      group.push(name)
      groups.set(root(name), group)
    }
    return [...groups.values()]
  }

  onRow(listener: RowListener): void {
    this.listeners.push(listener)
  }

  /** The current time: the latest ROWTIME pushed or time advanced to. */
  time(): number {
    return this.now
  }

  /** Replaces a reference table's rows (loaded at start and on UpdateApplication). */
  setReferenceRows(name: string, rows: readonly Record<string, unknown>[]): void {
    const table = this.tables.get(name)
    if (table === undefined) throw new Error(`No reference table '${name}'`)
    table.rows = rows.map((input) => {
      const row: Row = {}
      for (const column of table.columns)
        row[column.name] = coerce(toSqlValue(input[column.name]), column.type)
      return row
    })
  }

  /**
   * Inserts one row into an input stream at `rowtime` (ms; never earlier than time(): an earlier one is raised to it).
   * Windows that end at or before `rowtime` close first. A row that does not fit the schema goes to error_stream.
   * `arrivalTime` (ms, the source record's approximate arrival timestamp; `rowtime` as given if omitted) is the
   * row's APPROXIMATE_ARRIVAL_TIME, unless the schema has a column of that name.
   */
  push(stream: string, input: Record<string, unknown>, rowtime: number, arrivalTime = rowtime): void {
    const state = this.streams.get(stream)
    if (state?.input !== true) throw new Error(`No input stream '${stream}'`)
    const at = Math.max(rowtime, this.now)
    this.advance(at)
    const row: Row = {}
    try {
      for (const column of state.columns)
        row[column.name] = coerce(toSqlValue(input[column.name]), column.type)
    } catch (error) {
      if (!(error instanceof SqlRuntimeError)) throw error
      this.reportError(
        error,
        Object.fromEntries(Object.entries(input).map(([k, v]) => [k, toSqlValue(v)])),
        at,
        undefined,
      )
      return
    }
    if (!(APPROXIMATE_ARRIVAL_TIME in row)) row[APPROXIMATE_ARRIVAL_TIME] = timestamp(arrivalTime)
    row.ROWTIME = timestamp(at)
    this.insert(stream, row, at)
  }

  /** Moves time to `now` (ms): closes every window that ends at or before it, in pump order. */
  advance(now: number): void {
    if (now <= this.now) return
    this.now = now
    for (const pump of this.pumps) {
      this.currentPump = pump
      for (const part of pump.parts) part.tick(now)
    }
    this.currentPump = undefined
  }

  /** The open windows and the time, as JSON-serialisable data. Take it between calls, never inside a listener. */
  snapshot(): ApplicationSnapshot {
    const pumps: Record<string, unknown[]> = {}
    for (const pump of this.pumps) pumps[pump.name] = pump.parts.map((p) => structuredClone(p.snapshot()))
    return { version: 1, time: Number.isFinite(this.now) ? this.now : null, pumps }
  }

  /** Restores a snapshot taken from an application compiled from the same code. */
  restore(snapshot: ApplicationSnapshot): void {
    for (const pump of this.pumps) {
      const parts = snapshot.pumps[pump.name]
      if (parts?.length !== pump.parts.length)
        throw new Error(`The snapshot does not match pump '${pump.name}'`)
      pump.parts.forEach((part, i) => {
        part.restore(structuredClone(parts[i]))
      })
    }
    this.now = snapshot.time ?? Number.NEGATIVE_INFINITY
  }

  private insert(stream: string, row: Row, rowtime: number): void {
    for (const listener of this.listeners) listener(stream, row, rowtime)
    const state = this.streams.get(stream)
    for (const subscriber of state?.subscribers ?? []) subscriber(row, rowtime)
  }

  private reportError(
    error: SqlRuntimeError,
    row: Row | undefined,
    rowtime: number,
    pump: Pump | undefined,
  ): void {
    const errorRow: Row = {
      ERROR_TIME: timestamp(Number.isFinite(this.now) ? this.now : rowtime),
      ERROR_LEVEL: 'Error',
      ERROR_NAME: error.errorName.slice(0, 32),
      MESSAGE: error.message.slice(0, 4096),
      DATA_ROWTIME: timestamp(rowtime),
      DATA_ROW: row === undefined ? null : hex(JSON.stringify(row)).slice(0, 49152),
      PUMP_NAME: pump?.name ?? null,
    }
    for (const listener of this.listeners) listener(ERROR_STREAM, errorRow, rowtime)
  }

  private define(statement: Statement): void {
    switch (statement.k) {
      case 'createStream': {
        const existing = this.streams.get(statement.name)
        if (existing !== undefined && (existing.input || !statement.orReplace)) {
          throw codeError(statement.pos, `Object '${statement.name}' already exists`)
        }
        const names = new Set<string>()
        for (const column of statement.columns) {
          if (names.has(column.name)) throw codeError(column.pos, `Duplicate column name '${column.name}'`)
          names.add(column.name)
        }
        this.streams.set(statement.name, {
          columns: statement.columns.map((c) => ({ name: c.name, type: c.type })),
          input: false,
          subscribers: [],
        })
        return
      }
      case 'createPump':
        this.definePump(statement)
        return
      case 'select':
        // A bare SELECT is checked but not run: only pumps move rows between streams.
        compileQuery(
          statement.query,
          this.queryContext({ name: '', reads: new Set(), target: '', parts: [] }, true),
          () => undefined,
        )
        return
    }
  }

  private definePump(statement: Statement & { k: 'createPump' }): void {
    if (this.pumps.some((p) => p.name === statement.name)) {
      throw codeError(statement.pos, `Object '${statement.name}' already exists`)
    }
    const target = this.streams.get(statement.target)
    if (target === undefined) throw codeError(statement.pos, `Object '${statement.target}' not found`)
    if (target.input)
      throw codeError(statement.pos, `Cannot insert into the input stream '${statement.target}'`)
    const targetColumns = statement.columns ?? target.columns.map((c) => c.name)
    const indexes = targetColumns.map((name) => {
      const index = target.columns.findIndex((c) => c.name === name)
      if (index < 0) throw codeError(statement.pos, `Column '${name}' not found in '${statement.target}'`)
      return index
    })
    const pump: Pump = { name: statement.name, reads: new Set(), target: statement.target, parts: [] }
    const compiled = compileQuery(statement.query, this.queryContext(pump, false), (values, rowtime) => {
      const row: Row = {}
      for (const column of target.columns) row[column.name] = null
      try {
        indexes.forEach((index, i) => {
          const column = target.columns[index] as { name: string; type: SqlType }
          row[column.name] = coerce(values[i] ?? null, column.type)
        })
      } catch (error) {
        // A value that does not fit its column loses that row only, whichever path emitted it (a row, a closing window).
        if (!(error instanceof SqlRuntimeError)) throw error
        const data: Row = {}
        compiled.columns.forEach((c, i) => (data[c.name] = values[i] ?? null))
        this.reportError(error, data, rowtime, pump)
        return
      }
      row.ROWTIME = timestamp(rowtime)
      this.insert(statement.target, row, rowtime)
    })
    if (compiled.columns.length !== targetColumns.length) {
      throw codeError(
        statement.query.pos,
        `Number of INSERT target columns (${targetColumns.length}) does not equal number of source items (${compiled.columns.length})`,
      )
    }
    this.pumps.push(pump)
  }

  private queryContext(pump: Pump, dryRun: boolean): QueryContext {
    const columnsOf = (columns: readonly { name: string; type: SqlType }[]): ColumnInfo[] =>
      columns.map((c) => ({ name: c.name, kind: kindOf(c.type) }))
    return {
      stream: (name) => {
        const s = this.streams.get(name)
        if (s === undefined) return undefined
        const columns = columnsOf(s.columns)
        if (!s.input || columns.some((c) => c.name === APPROXIMATE_ARRIVAL_TIME)) return columns
        return [...columns, { name: APPROXIMATE_ARRIVAL_TIME, kind: 'timestamp', hidden: true }]
      },
      table: (name) => {
        const t = this.tables.get(name)
        return t === undefined ? undefined : columnsOf(t.columns)
      },
      tableRows: (name) => this.tables.get(name)?.rows ?? [],
      subscribe: (stream, handler) => {
        if (dryRun) return
        pump.reads.add(stream)
        this.streams.get(stream)?.subscribers.push((row, rowtime) => {
          const previous = this.currentPump
          this.currentPump = pump
          try {
            handler(row, rowtime)
          } catch (error) {
            if (!(error instanceof SqlRuntimeError)) throw error
            this.reportError(error, row, rowtime, pump)
          } finally {
            this.currentPump = previous
          }
        })
      },
      addPart: (part) => {
        if (!dryRun) pump.parts.push(part)
      },
      onError: (error, row, rowtime) => {
        this.reportError(error, row, rowtime, pump)
      },
    }
  }
}

/** Pumps that feed a stream tick before the pumps that read it, so a closing window reaches them in the same advance. */
function orderPumps(pumps: readonly Pump[]): Pump[] {
  const ordered: Pump[] = []
  const remaining = [...pumps]
  while (remaining.length > 0) {
    const ready = remaining.find((p) => !remaining.some((q) => q !== p && p.reads.has(q.target)))
    const next = ready ?? remaining[0]
    if (next === undefined) break
    ordered.push(next)
    remaining.splice(remaining.indexOf(next), 1)
  }
  return ordered
}

export function compileApplication(code: string, options: ApplicationOptions): Application {
  return new Application(code, options)
}

/** Checks application code against the input streams and reference tables: the first problem, or undefined. */
export function checkApplicationCode(
  code: string,
  inputs: readonly StreamSchema[] = [],
  referenceTables: readonly ReferenceTable[] = [],
): CodeProblem | undefined {
  try {
    new Application(code, {
      inputs,
      referenceTables: referenceTables.map((t) => ({ name: t.name, columns: t.columns })),
    })
    return undefined
  } catch (error) {
    if (error instanceof SqlCodeError)
      return { message: error.message, line: error.line, column: error.column }
    throw error
  }
}
