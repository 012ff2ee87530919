import { accumulate, aggregateResult, newAccumulator, type Accumulator } from './aggregates.ts'
import { ROW_FUNCTIONS, rowFunction, type ConstantArgument } from './anomaly-functions.ts'
import type { Expr, FromItem, Query, WindowSpec } from './ast.ts'
import { UNIT_MS } from './datetime.ts'
import {
  codeError,
  compileExpression,
  declaresMonotonic,
  readsRowtime,
  resolveWindow,
  type AggregateSlot,
  type CompileEnv,
  type Compiled,
  type Ctx,
  type OverSlot,
  type Relation,
} from './expressions.ts'
import {
  SqlRuntimeError,
  compareValues,
  timestamp,
  valuesKey,
  type Row,
  type SqlValue,
  type ValueKind,
} from './values.ts'

/** A row on its way through a query: one row per relation in scope, and its ROWTIME. */
export type Sink = (rows: (Row | undefined)[], rowtime: number) => void

/** Where a query's output goes: the values of its select list, in order, and their ROWTIME. */
export type Emit = (values: SqlValue[], rowtime: number) => void

/** Window state that lives across rows: closed by time, and saved in snapshots. */
export interface StatefulPart {
  tick(now: number): void
  snapshot(): unknown
  restore(state: unknown): void
}

export interface ColumnInfo {
  readonly name: string
  readonly kind: ValueKind
  /** a system column (APPROXIMATE_ARRIVAL_TIME of an input stream): readable by name, left out of `*` */
  readonly hidden?: boolean
}

/** What compiling a query needs from the application around it. */
export interface QueryContext {
  stream(name: string): readonly ColumnInfo[] | undefined
  table(name: string): readonly ColumnInfo[] | undefined
  tableRows(name: string): readonly Row[]
  /** registers a handler for the rows inserted into a stream (throws for a runtime error of that row) */
  subscribe(stream: string, handler: (row: Row, rowtime: number) => void): void
  addPart(part: StatefulPart): void
  /** reports a runtime error of one row (a closing window, a row in flight) */
  onError(error: SqlRuntimeError, row: Row | undefined, rowtime: number): void
}

export interface CompiledQuery {
  readonly columns: readonly ColumnInfo[]
}

const TABLE_FUNCTIONS = new Set(['TOP_K_ITEMS_TUMBLING', 'COUNT_DISTINCT_ITEMS_TUMBLING', ...ROW_FUNCTIONS])

interface Source {
  readonly relations: Relation[]
  connect(sink: Sink): void
}

/** Compiles a SELECT STREAM into handlers on its source streams that call `emit` for each output row. */
export function compileQuery(query: Query, qc: QueryContext, emit: Emit): CompiledQuery {
  if (query.unionAll !== undefined) {
    const { unionAll, ...first } = query
    const compiled = compileQuery(first, qc, emit)
    for (const branch of unionAll) {
      const other = compileQuery(branch, qc, emit)
      if (other.columns.length !== compiled.columns.length) {
        throw codeError(branch.pos, 'Column count mismatch in UNION ALL')
      }
    }
    return compiled
  }
  const source = compileFrom(query.from, qc, true)
  const relations = source.relations
  const windows = new Map<string, WindowSpec>()
  for (const w of query.windows) windows.set(w.name, w.spec)
  for (const w of query.windows) windows.set(w.name, resolveWindow(w.spec, windows))
  const where = query.where === undefined ? undefined : compileExpression(query.where, { relations, windows })
  if (query.orderBy !== undefined && !readsRowtime(query.orderBy[0]?.expr as Expr)) {
    throw codeError(query.pos, 'ORDER BY on a stream must start with ROWTIME (rows are in ROWTIME order)')
  }

  const aggregates: AggregateSlot[] = []
  const overs: OverSlot[] = []
  const grouped = query.groupBy !== undefined || query.stagger !== undefined
  const env: CompileEnv = grouped ? { relations, aggregates, windows } : { relations, overs, windows }
  const selected = selectList(query, env, grouped)
  const columns = selected.columns
  let values = selected.values
  const sort =
    query.orderBy !== undefined && query.orderBy.length > 1 ? orderKeys(query, env, selected) : undefined
  let sorted: { emit: Emit; part: StatefulPart } | undefined
  if (sort !== undefined) {
    values = [...values, ...sort.extra]
    sorted = sorter(sort, selected.values.length, emit)
  }
  const out = sorted?.emit ?? emit
  const having = query.having === undefined ? undefined : compileExpression(query.having, env)
  if (having !== undefined && !grouped) throw codeError(query.pos, 'HAVING needs GROUP BY or WINDOWED BY')

  let stage: Sink
  if (query.groupBy !== undefined)
    stage = tumbling(query, query.groupBy, relations, aggregates, values, having, qc, out)
  else if (query.stagger !== undefined)
    stage = stagger(query.stagger, relations, aggregates, values, having, qc, out)
  else if (overs.length > 0) stage = sliding(overs, relations, values, qc, out)
  else if (query.distinct) stage = distinct(query, values, qc, out)
  else {
    stage = (rows, rowtime) => {
      const ctx: Ctx = { rows, rowtime }
      out(
        values.map((v) => v.eval(ctx)),
        rowtime,
      )
    }
  }
  if (sorted !== undefined) qc.addPart(sorted.part)
  source.connect(
    where === undefined
      ? stage
      : (rows, rowtime) => {
          if (where.eval({ rows, rowtime }) === true) stage(rows, rowtime)
        },
  )
  return { columns }
}

function selectList(
  query: Query,
  env: CompileEnv,
  grouped: boolean,
): { columns: ColumnInfo[]; values: Compiled[] } {
  const columns: ColumnInfo[] = []
  const values: Compiled[] = []
  query.items.forEach((item, i) => {
    const expr = item.expr
    if (expr.k === 'star') {
      const relations =
        expr.qualifier === undefined ? env.relations : env.relations.filter((r) => r.alias === expr.qualifier)
      if (relations.length === 0) throw codeError(expr.pos, `Table '${expr.qualifier ?? ''}' not found`)
      for (const relation of relations) {
        const index = env.relations.indexOf(relation)
        for (const column of relation.columns) {
          if (column.name === 'ROWTIME' || column.hidden === true) continue
          const name = column.name
          columns.push({ name, kind: column.kind })
          values.push({ eval: (ctx) => ctx.rows[index]?.[name] ?? null, kind: column.kind })
        }
      }
      return
    }
    // A select item ROWTIME is the output row's: the window's end in a windowed aggregate (inside an
    // expression, such as STEP(s.ROWTIME BY ...), it is the group's first row's, as the GROUP BY saw it), the
    // later of the two rows' in a join. Qualified (s.ROWTIME) outside an aggregate, it is that relation's.
    const outputRowtime =
      expr.k === 'column' && expr.name === 'ROWTIME' && (grouped || expr.qualifier === undefined)
    const compiled: Compiled = outputRowtime
      ? { eval: (ctx) => timestamp(ctx.rowtime), kind: 'timestamp' }
      : compileExpression(expr, env)
    const name = item.alias ?? (expr.k === 'column' ? expr.name : `EXPR$${i}`)
    columns.push({ name, kind: compiled.kind })
    values.push(compiled)
  })
  return { columns, values }
}

interface SortPlan {
  /** the window of the leading ORDER BY key (STEP or FLOOR of ROWTIME), 1 ms for ROWTIME itself */
  readonly bucketMs: number
  readonly keys: readonly { readonly index: number; readonly descending: boolean }[]
  readonly extra: readonly Compiled[]
}

/** ORDER BY bucket, keys...: the keys are output columns (by name) or expressions, evaluated beside the select list. */
function orderKeys(
  query: Query,
  env: CompileEnv,
  selected: { columns: ColumnInfo[]; values: Compiled[] },
): SortPlan {
  const orderBy = query.orderBy ?? []
  const extra: Compiled[] = []
  const keys = orderBy.map(({ expr, descending }) => {
    const output =
      expr.k === 'column' && expr.qualifier === undefined
        ? selected.columns.findIndex((c) => c.name === expr.name)
        : -1
    if (output >= 0) return { index: output, descending }
    extra.push(compileExpression(expr, env))
    return { index: selected.values.length + extra.length - 1, descending }
  })
  const leading = (orderBy[0] as { expr: Expr }).expr
  return { bucketMs: windowSize(leading, false) ?? 1, keys, extra }
}

/**
 * Time-bounded ORDER BY: rows are held until their leading key's window (a STEP or FLOOR of ROWTIME) has passed,
 * then emitted sorted by all the keys, with the latest ROWTIME among them (ROWTIME stays in order).
 */
function sorter(plan: SortPlan, width: number, emit: Emit): { emit: Emit; part: StatefulPart } {
  const state: { bucket: number | null; rows: [SqlValue[], number][] } = { bucket: null, rows: [] }
  const bucketOf = (values: SqlValue[]): number => {
    const lead = values[plan.keys[0]?.index ?? 0] ?? null
    return lead !== null && typeof lead === 'object' && 'ts' in lead ? lead.ts : 0
  }
  const flush = (): void => {
    const rows = state.rows
    state.rows = []
    state.bucket = null
    const rowtime = Math.max(...rows.map(([, t]) => t))
    rows.sort(([a], [b]) => {
      for (const key of plan.keys) {
        const x = a[key.index] ?? null
        const y = b[key.index] ?? null
        const c = x === null ? (y === null ? 0 : 1) : y === null ? -1 : compareValues(x, y)
        if (c !== 0) return key.descending ? -c : c
      }
      return 0
    })
    for (const [values] of rows) emit(values.slice(0, width), rowtime)
  }
  const part: StatefulPart = {
    tick: (now) => {
      if (state.bucket !== null && state.bucket + plan.bucketMs <= now) flush()
    },
    snapshot: () => state,
    restore: (s) => {
      Object.assign(state, s)
    },
  }
  return {
    part,
    emit: (values, rowtime) => {
      const bucket = bucketOf(values)
      if (state.bucket !== null && bucket !== state.bucket) flush()
      state.bucket = bucket
      state.rows.push([values, rowtime])
    },
  }
}

/**
 * SELECT STREAM DISTINCT: the first row of each distinct value list is emitted. The select list must hold a
 * monotonic expression (one reading ROWTIME): when its values move on, the rows seen so far are forgotten.
 */
function distinct(query: Query, values: Compiled[], qc: QueryContext, emit: Emit): Sink {
  const monotonic = query.items.flatMap((item, i) =>
    item.expr.k !== 'star' && (readsRowtime(item.expr) || declaresMonotonic(item.expr)) ? [i] : [],
  )
  if (monotonic.length === 0) {
    throw codeError(
      query.pos,
      'SELECT STREAM DISTINCT needs a monotonic expression (ROWTIME, STEP or FLOOR of it, or MONOTONIC(...))',
    )
  }
  const state = { marker: '', seen: new Set<string>() }
  qc.addPart({
    tick: () => undefined,
    snapshot: () => ({ marker: state.marker, seen: [...state.seen] }),
    restore: (s) => {
      const saved = s as { marker: string; seen: string[] }
      state.marker = saved.marker
      state.seen = new Set(saved.seen)
    },
  })
  return (rows, rowtime) => {
    const ctx: Ctx = { rows, rowtime }
    const out = values.map((v) => v.eval(ctx))
    const marker = valuesKey(monotonic.map((i) => out[i] ?? null))
    if (marker !== state.marker) {
      state.marker = marker
      state.seen = new Set()
    }
    const key = valuesKey(out)
    if (state.seen.has(key)) return
    state.seen.add(key)
    emit(out, rowtime)
  }
}

// ---- FROM

function streamRelation(alias: string, columns: readonly ColumnInfo[]): Relation {
  return { alias, columns: [...columns, { name: 'ROWTIME', kind: 'timestamp' }] }
}

function compileFrom(item: FromItem, qc: QueryContext, top: boolean): Source {
  switch (item.k) {
    case 'stream': {
      const columns = qc.stream(item.name)
      if (columns === undefined) {
        if (qc.table(item.name) !== undefined && top) {
          throw codeError(item.pos, `'${item.name}' is a reference table: a streaming query reads a stream`)
        }
        throw codeError(item.pos, `Object '${item.name}' not found`)
      }
      const name = item.name
      return {
        relations: [streamRelation(item.alias ?? name, columns)],
        connect: (sink) => {
          qc.subscribe(name, (row, rowtime) => {
            sink([row], rowtime)
          })
        },
      }
    }
    case 'subquery': {
      let sink: Sink = () => undefined
      const inner = compileQuery(item.query, qc, (values, rowtime) => {
        const row: Row = { ROWTIME: timestamp(rowtime) }
        columns.forEach((c, i) => (row[c.name] = values[i] ?? null))
        sink([row], rowtime)
      })
      const names = item.columns
      if (names !== undefined && names.length !== inner.columns.length) {
        throw codeError(
          item.pos,
          `The subquery has ${inner.columns.length} columns; '${item.alias ?? ''}' names ${names.length}`,
        )
      }
      const columns = inner.columns.map((c, i) => ({ name: names?.[i] ?? c.name, kind: c.kind }))
      return {
        relations: [streamRelation(item.alias ?? '', columns)],
        connect: (s) => {
          sink = s
        },
      }
    }
    case 'function':
      return tableFunction(item, qc)
    case 'join':
      return join(item, qc)
  }
}

function join(item: FromItem & { k: 'join' }, qc: QueryContext): Source {
  const left = compileFrom(item.left, qc, true)
  const right = item.right
  if (right.k === 'stream' && qc.stream(right.name) === undefined && qc.table(right.name) !== undefined) {
    if (item.kind !== 'INNER' && item.kind !== 'LEFT' && item.kind !== 'CROSS') {
      throw codeError(
        item.pos,
        `${item.kind} JOIN with a reference table is not supported: use LEFT or INNER`,
      )
    }
    const tableName = right.name
    const columns = qc.table(tableName) ?? []
    const relations = [...left.relations, { alias: right.alias ?? tableName, columns }]
    const on = item.on === undefined ? undefined : compileExpression(item.on, { relations })
    const outer = item.kind === 'LEFT'
    return {
      relations,
      connect: (sink) => {
        left.connect((rows, rowtime) => {
          let matched = false
          for (const tableRow of qc.tableRows(tableName)) {
            const combined = [...rows, tableRow]
            if (on === undefined || on.eval({ rows: combined, rowtime }) === true) {
              matched = true
              sink(combined, rowtime)
            }
          }
          if (!matched && outer) sink([...rows, undefined], rowtime)
        })
      },
    }
  }
  return streamJoin(item, left, compileFrom(right, qc, true), qc)
}

interface JoinEntry {
  rowtime: number
  rows: (Row | undefined)[]
  /** set once the row joined a row of the other side (an outer join emits it NULL-extended otherwise) */
  matched?: true
}

/**
 * Stream-to-stream join. A side with OVER (RANGE ... PRECEDING | ROWS n PRECEDING) keeps its rows for its
 * window; each arriving row joins the rows the other side keeps (a side without a window only has its current
 * row). A joined row's ROWTIME is the arriving row's, the later of the two. The preserved side of an outer join
 * (LEFT, RIGHT, FULL) emits a row that found no match with NULLs for the other side: at once when its side has
 * no window (no later row can match it), else when it leaves its window, with that time as its ROWTIME.
 */
function streamJoin(item: FromItem & { k: 'join' }, left: Source, right: Source, qc: QueryContext): Source {
  const leftWindow = item.left.k === 'stream' ? item.left.over : undefined
  const rightWindow = item.right.k === 'stream' ? item.right.over : undefined
  if (leftWindow === undefined && rightWindow === undefined) {
    throw codeError(
      item.pos,
      'A join of two streams needs a window on one side: stream OVER (RANGE INTERVAL ... PRECEDING)',
    )
  }
  const relations = [...left.relations, ...right.relations]
  const on = item.on === undefined ? undefined : compileExpression(item.on, { relations })
  const sides = {
    left: {
      window: leftWindow,
      preserved: item.kind === 'LEFT' || item.kind === 'FULL',
      nulls: (rows: (Row | undefined)[]) => [...rows, ...new Array<undefined>(right.relations.length)],
    },
    right: {
      window: rightWindow,
      preserved: item.kind === 'RIGHT' || item.kind === 'FULL',
      nulls: (rows: (Row | undefined)[]) => [...new Array<undefined>(left.relations.length), ...rows],
    },
  }
  const buffers: { left: JoinEntry[]; right: JoinEntry[] } = { left: [], right: [] }
  let sink: Sink = () => undefined

  /** Drops the rows that left their side's window by `now`; the unmatched rows of a preserved side are emitted. */
  const expire = (now: number): void => {
    const due: { at: number; rows: (Row | undefined)[] }[] = []
    for (const side of ['left', 'right'] as const) {
      const { window, preserved, nulls } = sides[side]
      const entries = buffers[side]
      if (window === undefined || entries.length === 0) continue
      let kept: JoinEntry[]
      if (window.rows !== undefined) {
        kept = entries.slice(Math.max(0, entries.length - window.rows - 1))
        if (preserved) {
          for (const e of entries.slice(0, entries.length - kept.length))
            if (e.matched !== true) due.push({ at: now, rows: nulls(e.rows) })
        }
      } else {
        const range = window.rangeMs ?? 0
        kept = entries.filter((e) => e.rowtime > now - range)
        if (preserved) {
          for (const e of entries)
            if (e.rowtime <= now - range && e.matched !== true)
              due.push({ at: e.rowtime + range, rows: nulls(e.rows) })
        }
      }
      buffers[side] = kept
    }
    due.sort((a, b) => a.at - b.at)
    for (const d of due) sink(d.rows, d.at)
  }

  const arrive = (side: 'left' | 'right', rows: (Row | undefined)[], rowtime: number): void => {
    expire(rowtime)
    let matched = false
    for (const other of buffers[side === 'left' ? 'right' : 'left']) {
      const combined = side === 'left' ? [...rows, ...other.rows] : [...other.rows, ...rows]
      if (on === undefined || on.eval({ rows: combined, rowtime }) === true) {
        matched = true
        other.matched = true
        sink(combined, rowtime)
      }
    }
    const { window, preserved, nulls } = sides[side]
    if (window !== undefined) {
      buffers[side].push({ rowtime, rows, ...(matched ? { matched: true as const } : {}) })
      if (window.rows !== undefined) expire(rowtime)
    } else if (preserved && !matched) sink(nulls(rows), rowtime)
  }

  qc.addPart({
    tick: expire,
    snapshot: () => buffers,
    restore: (state) => {
      const s = state as typeof buffers
      buffers.left = s.left
      buffers.right = s.right
    },
  })
  return {
    relations,
    connect: (s) => {
      sink = s
      left.connect((rows, rowtime) => {
        arrive('left', rows, rowtime)
      })
      right.connect((rows, rowtime) => {
        arrive('right', rows, rowtime)
      })
    },
  }
}

// ---- tumbling windows (GROUP BY with STEP or FLOOR on ROWTIME)

interface Group {
  end: number
  rows: (Row | undefined)[]
  accs: Accumulator[]
}

/** The window length of STEP(x BY ...) or FLOOR(x TO unit) on ROWTIME (or, when `anyOperand`, on any expression). */
function windowSize(expr: Expr, anyOperand: boolean): number | undefined {
  if (expr.k === 'call' && expr.name === 'MONOTONIC' && expr.args[0] !== undefined)
    return windowSize(expr.args[0], anyOperand)
  if (expr.k === 'step' && (anyOperand || readsRowtime(expr.operand))) return expr.ms
  if (expr.k === 'floor' && !expr.ceil && (anyOperand || readsRowtime(expr.operand)))
    return UNIT_MS[expr.unit]
  return undefined
}

function groupState(groups: Map<string, Group>): StatefulPart['snapshot'] {
  return () => [...groups.entries()]
}

function restoreGroups(groups: Map<string, Group>): StatefulPart['restore'] {
  return (state) => {
    groups.clear()
    for (const [key, group] of state as [string, Group][]) groups.set(key, group)
  }
}

function addToGroup(group: Group, aggregates: readonly AggregateSlot[], ctx: Ctx): void {
  aggregates.forEach((slot, i) => {
    accumulate(group.accs[i] as Accumulator, slot.arg === undefined ? undefined : slot.arg.eval(ctx))
  })
}

function closeGroups(
  groups: Map<string, Group>,
  now: number,
  aggregates: readonly AggregateSlot[],
  values: readonly Compiled[],
  having: Compiled | undefined,
  qc: QueryContext,
  emit: Emit,
): void {
  // Groups are created in ROWTIME order, so their ends only grow: the first one tells whether any is due.
  const first = groups.values().next()
  if (first.done === true || first.value.end > now) return
  const due = [...groups.entries()].filter(([, g]) => g.end <= now).sort((a, b) => a[1].end - b[1].end)
  for (const [key, group] of due) {
    groups.delete(key)
    const aggs = aggregates.map((slot, i) =>
      aggregateResult(slot.name, group.accs[i] as Accumulator, slot.arg?.kind ?? 'integer'),
    )
    const ctx: Ctx = { rows: group.rows, rowtime: group.end, aggs }
    try {
      if (having !== undefined && having.eval(ctx) !== true) continue
      emit(
        values.map((v) => v.eval(ctx)),
        group.end,
      )
    } catch (error) {
      if (!(error instanceof SqlRuntimeError)) throw error
      qc.onError(error, group.rows[0], group.end)
    }
  }
}

function tumbling(
  query: Query,
  groupBy: readonly Expr[],
  relations: Relation[],
  aggregates: AggregateSlot[],
  values: Compiled[],
  having: Compiled | undefined,
  qc: QueryContext,
  emit: Emit,
): Sink {
  // A window on ROWTIME; failing that, a key declared MONOTONIC; failing that, a window on a column the query
  // declares monotonic (such as a subquery's "rowtime AS window_time"): its windows close when ROWTIME passes
  // their end.
  let sizes = groupBy.map((e) => windowSize(e, false))
  if (sizes.every((s) => s === undefined)) {
    const declared = groupBy.findIndex(declaresMonotonic)
    if (declared >= 0)
      return monotonicGroups(groupBy, declared, relations, aggregates, values, having, qc, emit)
    sizes = groupBy.map((e) => windowSize(e, true))
  }
  const windowIndex = sizes.findIndex((s) => s !== undefined)
  if (windowIndex < 0) {
    throw codeError(
      query.pos,
      'A streaming GROUP BY needs a ROWTIME window: STEP(s.ROWTIME BY INTERVAL ...) or FLOOR(s.ROWTIME TO unit), or a MONOTONIC(...) key',
    )
  }
  const size = sizes[windowIndex] as number
  const keys = groupBy.map((e) => compileExpression(e, { relations }))
  const windowKey = keys[windowIndex] as Compiled
  const groups = new Map<string, Group>()
  qc.addPart({
    tick: (now) => {
      closeGroups(groups, now, aggregates, values, having, qc, emit)
    },
    snapshot: groupState(groups),
    restore: restoreGroups(groups),
  })
  return (rows, rowtime) => {
    const ctx: Ctx = { rows, rowtime }
    const keyValues = keys.map((k) => k.eval(ctx))
    const start = windowKey.eval(ctx)
    if (start === null || typeof start !== 'object' || !('ts' in start)) return
    const key = valuesKey(keyValues)
    let group = groups.get(key)
    if (group === undefined) {
      group = { end: start.ts + size, rows, accs: aggregates.map((a) => newAccumulator(a.distinct)) }
      groups.set(key, group)
    }
    addToGroup(group, aggregates, ctx)
  }
}

/** An open group of a MONOTONIC key: it closes when the key moves on, not at a time known in advance. */
const OPEN = Number.MAX_SAFE_INTEGER

/**
 * GROUP BY with a key declared MONOTONIC (and no ROWTIME window): the key's values never come back once it has
 * moved on, so when a row brings another value, the groups of the previous one are complete. They are emitted
 * then, with that row's ROWTIME.
 */
function monotonicGroups(
  groupBy: readonly Expr[],
  monotonicIndex: number,
  relations: Relation[],
  aggregates: AggregateSlot[],
  values: Compiled[],
  having: Compiled | undefined,
  qc: QueryContext,
  emit: Emit,
): Sink {
  const keys = groupBy.map((e) => compileExpression(e, { relations }))
  const state: { current: string | null; groups: Map<string, Group> } = { current: null, groups: new Map() }
  qc.addPart({
    tick: () => undefined,
    snapshot: () => ({ current: state.current, groups: [...state.groups.entries()] }),
    restore: (saved) => {
      const s = saved as { current: string | null; groups: [string, Group][] }
      state.current = s.current
      state.groups = new Map(s.groups)
    },
  })
  return (rows, rowtime) => {
    const ctx: Ctx = { rows, rowtime }
    const keyValues = keys.map((k) => k.eval(ctx))
    const marker = valuesKey([keyValues[monotonicIndex] ?? null])
    if (state.current !== null && marker !== state.current) {
      for (const group of state.groups.values()) group.end = rowtime
      closeGroups(state.groups, rowtime, aggregates, values, having, qc, emit)
    }
    state.current = marker
    const key = valuesKey(keyValues)
    let group = state.groups.get(key)
    if (group === undefined) {
      group = { end: OPEN, rows, accs: aggregates.map((a) => newAccumulator(a.distinct)) }
      state.groups.set(key, group)
    }
    addToGroup(group, aggregates, ctx)
  }
}

// ---- stagger windows

function stagger(
  spec: NonNullable<Query['stagger']>,
  relations: Relation[],
  aggregates: AggregateSlot[],
  values: Compiled[],
  having: Compiled | undefined,
  qc: QueryContext,
  emit: Emit,
): Sink {
  const keys = spec.partitionBy.map((e) => compileExpression(e, { relations }))
  const groups = new Map<string, Group>()
  qc.addPart({
    tick: (now) => {
      closeGroups(groups, now, aggregates, values, having, qc, emit)
    },
    snapshot: groupState(groups),
    restore: restoreGroups(groups),
  })
  return (rows, rowtime) => {
    const ctx: Ctx = { rows, rowtime }
    const key = valuesKey(keys.map((k) => k.eval(ctx)))
    let group = groups.get(key)
    if (group === undefined) {
      group = { end: rowtime + spec.rangeMs, rows, accs: aggregates.map((a) => newAccumulator(a.distinct)) }
      groups.set(key, group)
    }
    addToGroup(group, aggregates, ctx)
  }
}

// ---- sliding windows (agg OVER window): one output row per input row

interface WindowEntry {
  rowtime: number
  /** per slot of the frame, its argument values */
  args: SqlValue[][]
}

/** Running state of one OVER aggregate in one partition: sums, and MIN/MAX candidates (monotonic deques of entry numbers). */
interface SlotState {
  rows: number
  count: number
  sum: number
  sumSq: number
  min: number[]
  max: number[]
}

/** The rows of one partition in its window: `entries[i]` is entry number `base + i`; those before `head` have left. */
interface PartitionState {
  base: number
  head: number
  entries: WindowEntry[]
  slots: SlotState[]
}

function slotValue(entry: WindowEntry | undefined, local: number): SqlValue {
  return entry?.args[local]?.[0] ?? null
}

/**
 * The nth value (from 1) of a slot among the partition's rows in its window up to entry index `last` (the current
 * row by default), counted from the oldest row or from `last` backwards, NULL values skipped when ignored;
 * undefined when there are not that many.
 */
function nthValue(
  p: PartitionState,
  local: number,
  n: number,
  fromLast: boolean,
  ignoreNulls: boolean,
  last = p.entries.length - 1,
): SqlValue | undefined {
  let seen = 0
  for (let k = 0; k <= last - p.head; k++) {
    const value = slotValue(p.entries[fromLast ? last - k : p.head + k], local)
    if (ignoreNulls && value === null) continue
    if (++seen === n) return value
  }
  return undefined
}

function sliding(
  overs: OverSlot[],
  relations: Relation[],
  values: Compiled[],
  qc: QueryContext,
  emit: Emit,
): Sink {
  const specs = [...new Set(overs.map((o) => o.window))]
  const frames = specs.map((spec) => ({
    spec,
    partition: spec.partitionBy.map((e) => compileExpression(e, { relations })),
    slots: overs.flatMap((o, i) => (o.window === spec ? [i] : [])),
    partitions: new Map<string, PartitionState>(),
  }))
  type Frame = (typeof frames)[number]

  const entryAt = (p: PartitionState, n: number): WindowEntry | undefined => p.entries[n - p.base]
  const live = (p: PartitionState): number => p.entries.length - p.head

  const add = (frame: Frame, p: PartitionState, entry: WindowEntry): void => {
    const n = p.base + p.entries.length
    p.entries.push(entry)
    // loops rather than callbacks here and below: this runs for every row
    for (let local = 0; local < frame.slots.length; local++) {
      const s = p.slots[local] as SlotState
      s.rows++
      const over = overs[frame.slots[local] as number] as OverSlot
      const value = slotValue(entry, local)
      if (over.args.length === 0) s.count++
      if (over.args.length === 0 || value === null) continue
      s.count++
      if (typeof value === 'number') {
        s.sum += value
        s.sumSq += value * value
      }
      if (over.name !== 'MIN' && over.name !== 'MAX') continue
      const deque = over.name === 'MIN' ? s.min : s.max
      const sign = over.name === 'MIN' ? 1 : -1
      while (
        deque.length > 0 &&
        sign * compareValues(slotValue(entryAt(p, deque[deque.length - 1] as number), local), value) >= 0
      ) {
        deque.pop()
      }
      deque.push(n)
    }
  }

  const removeOldest = (frame: Frame, p: PartitionState): void => {
    const n = p.base + p.head
    const entry = p.entries[p.head] as WindowEntry
    for (let local = 0; local < frame.slots.length; local++) {
      const s = p.slots[local] as SlotState
      s.rows--
      const over = overs[frame.slots[local] as number] as OverSlot
      const value = slotValue(entry, local)
      if (over.args.length === 0) s.count--
      if (over.args.length === 0 || value === null) continue
      s.count--
      if (typeof value === 'number') {
        s.sum -= value
        s.sumSq -= value * value
      }
      if (s.min[0] === n) s.min.shift()
      if (s.max[0] === n) s.max.shift()
    }
    p.head++
    if (p.head > 1024 && p.head * 2 > p.entries.length) {
      p.entries = p.entries.slice(p.head)
      p.base += p.head
      p.head = 0
    }
  }

  const evict = (frame: Frame, p: PartitionState, now: number, pushing: boolean): void => {
    const { rows, rangeMs } = frame.spec
    if (rows !== undefined) {
      while (live(p) > rows + 1) removeOldest(frame, p)
      return
    }
    const range = rangeMs ?? Number.POSITIVE_INFINITY
    // the row being processed always stays (RANGE CURRENT ROW is the rows at its ROWTIME)
    const keep = pushing ? 1 : 0
    // the lower bound is exclusive: a row exactly `range` old has left (RANGE CURRENT ROW keeps the row's peers)
    const oldest = range === 0 ? now - 1 : now - range
    while (live(p) > keep && (p.entries[p.head] as WindowEntry).rowtime <= oldest) removeOldest(frame, p)
  }

  const result = (frame: Frame, p: PartitionState, slot: number, local: number): SqlValue => {
    const over = overs[slot] as OverSlot
    const s = p.slots[local] as SlotState
    const current = p.entries[p.entries.length - 1]
    const kind = over.args[0]?.kind ?? 'integer'
    switch (over.name) {
      case 'LAG': {
        const args = current?.args[local] ?? []
        const offset = over.args[1] === undefined ? 1 : Number(args[1])
        if (over.ignoreNulls && offset > 0) {
          // the offset-th non-NULL value before the current row
          const found = nthValue(p, local, offset, true, true, p.entries.length - 2)
          return found === undefined ? (args[2] ?? null) : found
        }
        const index = p.entries.length - 1 - offset
        return index >= p.head ? slotValue(p.entries[index], local) : (args[2] ?? null)
      }
      case 'NTH_VALUE': {
        const n = current?.args[local]?.[1] ?? null
        if (n === null) return null
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
          throw new SqlRuntimeError(
            'InvalidArgument',
            `The n of NTH_VALUE must be a positive integer, not ${JSON.stringify(n)}`,
          )
        return nthValue(p, local, n, over.fromLast, over.ignoreNulls) ?? null
      }
      case 'MIN':
      case 'MAX': {
        const deque = over.name === 'MIN' ? s.min : s.max
        return deque.length === 0 ? null : slotValue(entryAt(p, deque[0] as number), local)
      }
      case 'FIRST_VALUE':
        return over.ignoreNulls
          ? (nthValue(p, local, 1, false, true) ?? null)
          : slotValue(p.entries[p.head], local)
      case 'LAST_VALUE':
        return over.ignoreNulls ? (nthValue(p, local, 1, true, true) ?? null) : slotValue(current, local)
      default:
        break
    }
    if (over.distinct) {
      const acc = newAccumulator(true)
      for (let i = p.head; i < p.entries.length; i++) accumulate(acc, slotValue(p.entries[i], local))
      return aggregateResult(over.name, acc, kind)
    }
    const acc: Accumulator = {
      ...newAccumulator(false),
      rows: s.rows,
      count: s.count,
      sum: s.sum,
      sumSq: s.sumSq,
    }
    return aggregateResult(over.name, acc, kind)
  }

  const compact = (p: PartitionState): PartitionState => ({
    base: p.base + p.head,
    head: 0,
    entries: p.entries.slice(p.head),
    slots: p.slots,
  })

  qc.addPart({
    tick: (now) => {
      for (const frame of frames) {
        if (frame.spec.rows !== undefined) continue
        for (const [key, p] of frame.partitions) {
          evict(frame, p, now, false)
          if (live(p) === 0) frame.partitions.delete(key)
        }
      }
    },
    snapshot: () => frames.map((f) => [...f.partitions.entries()].map(([key, p]) => [key, compact(p)])),
    restore: (state) => {
      ;(state as [string, PartitionState][][]).forEach((partitions, i) => {
        const frame = frames[i]
        if (frame !== undefined) frame.partitions = new Map(partitions)
      })
    },
  })

  return (rows, rowtime) => {
    const ctx: Ctx = { rows, rowtime }
    const results: SqlValue[] = new Array<SqlValue>(overs.length).fill(null)
    for (const frame of frames) {
      const key = valuesKey(frame.partition.map((p) => p.eval(ctx)))
      let p = frame.partitions.get(key)
      if (p === undefined) {
        p = {
          base: 0,
          head: 0,
          entries: [],
          slots: frame.slots.map(() => ({ rows: 0, count: 0, sum: 0, sumSq: 0, min: [], max: [] })),
        }
        frame.partitions.set(key, p)
      }
      add(frame, p, {
        rowtime,
        args: frame.slots.map((slot) => (overs[slot] as OverSlot).args.map((a) => a.eval(ctx))),
      })
      evict(frame, p, rowtime, true)
      for (let local = 0; local < frame.slots.length; local++) {
        const slot = frame.slots[local] as number
        results[slot] = result(frame, p, slot, local)
      }
    }
    ctx.over = results
    emit(
      values.map((v) => v.eval(ctx)),
      rowtime,
    )
  }
}

// ---- table functions

function tableFunction(item: FromItem & { k: 'function' }, qc: QueryContext): Source {
  const call = item.call
  if (!TABLE_FUNCTIONS.has(call.name))
    throw codeError(call.pos, `Table function ${call.name} is not supported`)
  const cursor = call.args[0]
  if (cursor?.k !== 'cursor')
    throw codeError(call.pos, `${call.name} takes CURSOR(SELECT STREAM ...) as its first argument`)
  if (ROW_FUNCTIONS.has(call.name)) return rowTableFunction(item, cursor.query, qc)
  const constant = (index: number, what: string): SqlValue => {
    const arg = call.args[index]
    if (arg === undefined) throw codeError(call.pos, `${call.name} needs ${what}`)
    return compileExpression(arg, { relations: [] }).eval({ rows: [], rowtime: 0 })
  }
  const columnName = constant(1, 'a column name')
  const topK = call.name === 'TOP_K_ITEMS_TUMBLING'
  const k = topK ? Number(constant(2, 'the number of items')) : 0
  const windowSeconds = Number(constant(topK ? 3 : 2, 'a window size in seconds'))
  if (typeof columnName !== 'string')
    throw codeError(call.pos, `${call.name} needs a column name as a string`)
  if (!(windowSeconds > 0)) throw codeError(call.pos, `${call.name} needs a positive window size in seconds`)
  let sink: Sink = () => undefined
  let columnIndex = -1
  const size = windowSeconds * 1000
  const state: { end: number; counts: [string, SqlValue, number][] } = { end: 0, counts: [] }
  let inner: CompiledQuery | undefined = undefined
  const flush = (now: number): void => {
    if (state.counts.length === 0 || state.end > now) return
    const end = state.end
    if (topK) {
      const ranked = [...state.counts].sort((a, b) => b[2] - a[2]).slice(0, k)
      for (const [, value, count] of ranked) {
        sink([{ ITEM: value, ITEM_COUNT: count, ROWTIME: timestamp(end) }], end)
      }
    } else {
      sink([{ NUMBER_OF_DISTINCT_ITEMS: state.counts.length, ROWTIME: timestamp(end) }], end)
    }
    state.counts = []
  }
  inner = compileQuery(cursor.query, qc, (values, rowtime) => {
    flush(rowtime)
    if (state.counts.length === 0) state.end = Math.floor(rowtime / size) * size + size
    const value = values[columnIndex] ?? null
    const key = valuesKey([value])
    const found = state.counts.find((c) => c[0] === key)
    if (found === undefined) state.counts.push([key, value, 1])
    else found[2]++
  })
  columnIndex = inner.columns.findIndex((c) => c.name === columnName)
  if (columnIndex < 0)
    throw codeError(call.pos, `Column '${columnName}' not found in the cursor of ${call.name}`)
  const column = inner.columns[columnIndex] as ColumnInfo
  qc.addPart({
    tick: flush,
    snapshot: () => state,
    restore: (s) => {
      Object.assign(state, s)
    },
  })
  const columns: ColumnInfo[] = topK
    ? [
        { name: 'ITEM', kind: column.kind },
        { name: 'ITEM_COUNT', kind: 'integer' },
      ]
    : [{ name: 'NUMBER_OF_DISTINCT_ITEMS', kind: 'integer' }]
  return {
    relations: [streamRelation(item.alias ?? '', columns)],
    connect: (s) => {
      sink = s
    },
  }
}

/** RANDOM_CUT_FOREST, HOTSPOTS, ...: each row of the cursor, with the function's columns appended. */
function rowTableFunction(item: FromItem & { k: 'function' }, cursor: Query, qc: QueryContext): Source {
  const call = item.call
  const args: ConstantArgument[] = call.args.slice(1).map((arg) => {
    if (arg.k === 'cursor') throw codeError(arg.pos, `${call.name} takes one CURSOR`)
    return { value: compileExpression(arg, { relations: [] }).eval({ rows: [], rowtime: 0 }), pos: arg.pos }
  })
  let sink: Sink = () => undefined
  const inner = compileQuery(cursor, qc, (values, rowtime) => {
    const row: Row = { ROWTIME: timestamp(rowtime) }
    inner.columns.forEach((c, i) => (row[c.name] = values[i] ?? null))
    const appended = fn.apply(values)
    fn.columns.forEach((c, i) => (row[c.name] = appended[i] ?? null))
    sink([row], rowtime)
  })
  const fn = rowFunction(call.name, args, inner.columns, call.pos)
  qc.addPart({
    tick: () => undefined,
    snapshot: () => fn.snapshot(),
    restore: (s) => {
      fn.restore(s)
    },
  })
  return {
    relations: [streamRelation(item.alias ?? '', [...inner.columns, ...fn.columns])],
    connect: (s) => {
      sink = s
    },
  }
}
