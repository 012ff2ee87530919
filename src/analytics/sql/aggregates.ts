import { compareValues, valuesKey, type SqlValue, type ValueKind } from './values.ts'

/** Aggregate functions and what they return. LAG and NTH_VALUE are window-only and read from the window's rows. */
export const AGGREGATES = new Set([
  'COUNT',
  'SUM',
  'AVG',
  'MIN',
  'MAX',
  'FIRST_VALUE',
  'LAST_VALUE',
  'STDDEV',
  'STDDEV_POP',
  'STDDEV_SAMP',
  'VARIANCE',
  'VAR_POP',
  'VAR_SAMP',
])

export const WINDOW_ONLY = new Set(['LAG', 'NTH_VALUE'])

/** The running state of one aggregate; plain data so snapshots are JSON. */
export interface Accumulator {
  rows: number
  count: number
  sum: number
  sumSq: number
  min: SqlValue
  max: SqlValue
  first: SqlValue
  last: SqlValue
  seen?: string[]
}

export function newAccumulator(distinct: boolean): Accumulator {
  const acc: Accumulator = {
    rows: 0,
    count: 0,
    sum: 0,
    sumSq: 0,
    min: null,
    max: null,
    first: null,
    last: null,
  }
  if (distinct) acc.seen = []
  return acc
}

/** Adds one row's argument value (undefined for COUNT(*)). */
export function accumulate(acc: Accumulator, value: SqlValue | undefined): void {
  if (acc.rows === 0) acc.first = value ?? null
  acc.rows++
  acc.last = value ?? null
  if (value === undefined) {
    acc.count++
    return
  }
  if (value === null) return
  if (acc.seen !== undefined) {
    const key = valuesKey([value])
    if (acc.seen.includes(key)) return
    acc.seen.push(key)
  }
  acc.count++
  if (typeof value === 'number') {
    acc.sum += value
    acc.sumSq += value * value
  }
  if (acc.min === null || compareValues(value, acc.min) < 0) acc.min = value
  if (acc.max === null || compareValues(value, acc.max) > 0) acc.max = value
}

export function aggregateKind(name: string, argKind: ValueKind): ValueKind {
  switch (name) {
    case 'COUNT':
      return 'integer'
    case 'SUM':
    case 'AVG':
    case 'MIN':
    case 'MAX':
    case 'FIRST_VALUE':
    case 'LAST_VALUE':
    case 'LAG':
    case 'NTH_VALUE':
      return argKind
    default:
      return 'double'
  }
}

export function aggregateResult(name: string, acc: Accumulator, kind: ValueKind): SqlValue {
  switch (name) {
    case 'COUNT':
      return acc.count
    case 'SUM':
      return acc.count === 0 ? null : acc.sum
    case 'AVG': {
      if (acc.count === 0) return null
      const avg = acc.sum / acc.count
      return kind === 'integer' ? Math.trunc(avg) : avg
    }
    case 'MIN':
      return acc.min
    case 'MAX':
      return acc.max
    case 'FIRST_VALUE':
      return acc.first
    case 'LAST_VALUE':
      return acc.last
    default: {
      const population = name === 'STDDEV_POP' || name === 'VAR_POP'
      const n = acc.count
      if (n === 0 || (!population && n < 2)) return null
      const variance = Math.max(0, (acc.sumSq - (acc.sum * acc.sum) / n) / (population ? n : n - 1))
      return name.startsWith('STDDEV') ? Math.sqrt(variance) : variance
    }
  }
}
