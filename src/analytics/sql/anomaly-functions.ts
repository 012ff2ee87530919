import type { Position } from './ast.ts'
import { codeError } from './expressions.ts'
import { HotspotWindow } from './hotspots.ts'
import type { ColumnInfo } from './query.ts'
import { RandomCutForest, type ForestState } from './random-cut-forest.ts'
import type { SqlValue } from './values.ts'

/**
 * The machine-learning table functions that append columns to every row of their cursor:
 * RANDOM_CUT_FOREST (ANOMALY_SCORE), RANDOM_CUT_FOREST_WITH_EXPLANATION (ANOMALY_SCORE, ANOMALY_EXPLANATION) and
 * HOTSPOTS (HOTSPOTS_RESULT). Each uses the numeric columns of the cursor only.
 */
export const ROW_FUNCTIONS: ReadonlySet<string> = new Set([
  'RANDOM_CUT_FOREST',
  'RANDOM_CUT_FOREST_WITH_EXPLANATION',
  'HOTSPOTS',
])

/** A constant argument after the cursor, evaluated when the code is compiled. */
export interface ConstantArgument {
  readonly value: SqlValue
  readonly pos: Position
}

export interface RowFunction {
  /** the columns appended to the cursor's */
  readonly columns: readonly ColumnInfo[]
  /** the appended values for one row of the cursor (its values in the cursor's column order) */
  apply(values: readonly SqlValue[]): SqlValue[]
  snapshot(): unknown
  restore(state: unknown): void
}

const MAX_NUMERIC_COLUMNS = 30
const MAX_INT = 2147483647
/** Every forest starts from the same seed, so an application's scores are reproducible. */
const FOREST_SEED = 0x2545f491

export function rowFunction(
  name: string,
  args: readonly ConstantArgument[],
  cursorColumns: readonly ColumnInfo[],
  pos: Position,
): RowFunction {
  const numeric = cursorColumns.flatMap((c, index) =>
    c.kind === 'integer' || c.kind === 'double' || c.kind === 'decimal' ? [{ name: c.name, index }] : [],
  )
  if (numeric.length === 0) throw codeError(pos, `${name} needs at least one numeric column in its cursor`)
  if (numeric.length > MAX_NUMERIC_COLUMNS) {
    throw codeError(
      pos,
      `${name} accepts at most ${MAX_NUMERIC_COLUMNS} numeric columns, the cursor has ${numeric.length}`,
    )
  }
  return name === 'HOTSPOTS' ? hotspots(args, numeric, pos) : randomCutForest(name, args, numeric, pos)
}

interface NumericColumn {
  readonly name: string
  /** its position among the cursor's columns */
  readonly index: number
}

/** The row's numeric values, or undefined when one is NULL (or not finite). */
function numbers(values: readonly SqlValue[], columns: readonly NumericColumn[]): number[] | undefined {
  const out: number[] = []
  for (const column of columns) {
    const value = values[column.index]
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
    out.push(value)
  }
  return out
}

function integerArgument(
  name: string,
  parameter: string,
  arg: ConstantArgument | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (arg === undefined) return fallback
  const value = arg.value
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw codeError(arg.pos, `${parameter} of ${name} must be an integer from ${min} to ${max}`)
  }
  return value
}

// ---- RANDOM_CUT_FOREST, RANDOM_CUT_FOREST_WITH_EXPLANATION

interface ForestFunctionState {
  readonly forest: ForestState
  /** the numeric values of the last shingleSize - 1 rows, oldest first */
  readonly shingle: number[][]
}

function randomCutForest(
  name: string,
  args: readonly ConstantArgument[],
  columns: readonly NumericColumn[],
  pos: Position,
): RowFunction {
  const explained = name === 'RANDOM_CUT_FOREST_WITH_EXPLANATION'
  const maxArgs = explained ? 5 : 4
  if (args.length > maxArgs) throw codeError(pos, `${name} takes at most ${maxArgs + 1} arguments`)
  const trees = integerArgument(name, 'numberOfTrees', args[0], 100, 1, 1000)
  const sampleSize = integerArgument(name, 'subSampleSize', args[1], 256, 10, 1000)
  const timeDecay = integerArgument(name, 'timeDecay', args[2], 100000, 1, MAX_INT)
  const shingleSize = integerArgument(name, 'shingleSize', args[3], 1, 1, 30)
  if (sampleSize >= timeDecay) {
    throw codeError(args[2]?.pos ?? pos, `subSampleSize of ${name} must be less than timeDecay`)
  }
  const directionality = args[4]
  if (directionality !== undefined && typeof directionality.value !== 'boolean') {
    throw codeError(directionality.pos, `withDirectionality of ${name} must be TRUE or FALSE`)
  }
  const withDirection = directionality?.value === true
  const width = columns.length
  const dimensions = width * shingleSize
  const options = { trees, sampleSize, timeDecay, dimensions, seed: FOREST_SEED }
  // built at the first row, so that checking code allocates no trees
  let forest: RandomCutForest | undefined
  let shingle: number[][] = []
  const model = (): RandomCutForest => (forest ??= new RandomCutForest(options))

  const explanation = (attribution: Float64Array | undefined): string => {
    const out: Record<string, Record<string, string>> = {}
    columns.forEach((column, j) => {
      let low = 0
      let high = 0
      for (let s = 0; attribution !== undefined && s < shingleSize; s++) {
        low += attribution[s * width + j] as number
        high += attribution[dimensions + s * width + j] as number
      }
      const score = (low + high).toFixed(4)
      out[column.name] = withDirection
        ? {
            DIRECTION: high > low ? 'HIGH' : 'LOW',
            STRENGTH: Math.abs(high - low).toFixed(4),
            ATTRIBUTION_SCORE: score,
          }
        : { ATTRIBUTION_SCORE: score }
    })
    return JSON.stringify(out)
  }

  return {
    columns: explained
      ? [
          { name: 'ANOMALY_SCORE', kind: 'double' },
          { name: 'ANOMALY_EXPLANATION', kind: 'string' },
        ]
      : [{ name: 'ANOMALY_SCORE', kind: 'double' }],
    apply: (values) => {
      const row = numbers(values, columns)
      if (row === undefined) return explained ? [0, explanation(undefined)] : [0]
      shingle.push(row)
      if (shingle.length < shingleSize) return explained ? [0, explanation(undefined)] : [0]
      const point = Float64Array.from(shingle.flat())
      shingle.shift()
      const forest = model()
      let result: SqlValue[]
      if (explained) {
        const { score, attribution } = forest.explain(point)
        result = [score, explanation(forest.ready ? attribution : undefined)]
      } else {
        result = [forest.score(point)]
      }
      forest.update(point)
      return result
    },
    snapshot: (): ForestFunctionState | null =>
      forest === undefined ? null : { forest: forest.snapshot(), shingle: shingle.map((r) => [...r]) },
    restore: (state) => {
      forest = undefined
      shingle = []
      if (state === null || state === undefined) return
      const saved = state as ForestFunctionState
      model().restore(saved.forest)
      shingle = saved.shingle.map((r) => [...r])
    },
  }
}

// ---- HOTSPOTS

function hotspots(
  args: readonly ConstantArgument[],
  columns: readonly NumericColumn[],
  pos: Position,
): RowFunction {
  const name = 'HOTSPOTS'
  if (args.length !== 3) {
    throw codeError(
      pos,
      `${name} takes 4 arguments: CURSOR(...), windowSize, scanRadius, minimumNumberOfPointsInAHotspot`,
    )
  }
  const windowSize = integerArgument(name, 'windowSize', args[0], 0, 100, 1000)
  const radiusArg = args[1] as ConstantArgument
  const radius = radiusArg.value
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0) {
    throw codeError(radiusArg.pos, `scanRadius of ${name} must be a number greater than 0`)
  }
  const minPoints = integerArgument(name, 'minimumNumberOfPointsInAHotspot', args[2], 0, 2, windowSize)
  let window = new HotspotWindow(windowSize, radius, minPoints)
  return {
    columns: [{ name: 'HOTSPOTS_RESULT', kind: 'string' }],
    apply: (values) => {
      const row = numbers(values, columns)
      if (row !== undefined) window.add(row)
      return [JSON.stringify({ hotspots: window.hotspots() })]
    },
    snapshot: () => window.points(),
    restore: (state) => {
      window = new HotspotWindow(windowSize, radius, minPoints)
      for (const point of state as number[][]) window.add(point)
    },
  }
}
