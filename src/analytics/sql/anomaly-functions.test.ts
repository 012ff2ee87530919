import { describe, expect, it } from 'vitest'

import {
  checkApplicationCode,
  compileApplication,
  type Application,
  type StreamSchema,
} from './application.ts'
import { Random } from './random-cut-forest.ts'
import type { Row } from './values.ts'

const T0 = Date.UTC(2026, 0, 15, 11, 0, 0)

const POINTS: StreamSchema = {
  name: 'SOURCE_SQL_STREAM_001',
  columns: [
    { name: 'x', sqlType: 'DOUBLE' },
    { name: 'y', sqlType: 'DOUBLE' },
    { name: 'is_hot', sqlType: 'VARCHAR(4)' },
  ],
}

const TICKERS: StreamSchema = {
  name: 'SOURCE_SQL_STREAM_001',
  columns: [
    { name: 'TICKER_SYMBOL', sqlType: 'VARCHAR(4)' },
    { name: 'SECTOR', sqlType: 'VARCHAR(16)' },
    { name: 'CHANGE', sqlType: 'REAL' },
    { name: 'PRICE', sqlType: 'REAL' },
  ],
}

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(random.open())) * Math.cos(2 * Math.PI * random.next())
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}

function rowsOf(app: Application, stream: string): Row[] {
  const out: Row[] = []
  app.onRow((name, row) => {
    if (name === stream) out.push(row)
  })
  return out
}

function pushPoints(app: Application, points: readonly (readonly [number | null, number | null])[]): void {
  points.forEach(([x, y], i) => {
    app.push('SOURCE_SQL_STREAM_001', { x, y, is_hot: 'N' }, T0 + i * 10)
  })
}

/** A Gaussian cluster with an outlier at distance 6 every 100 rows after the first 500. */
function clusterWithOutliers(
  seed: number,
  count: number,
): { points: [number, number][]; outliers: Set<number> } {
  const random = new Random(seed)
  const points: [number, number][] = []
  const outliers = new Set<number>()
  for (let i = 0; i < count; i++) {
    if (i > 500 && i % 100 === 0) {
      const angle = random.next() * 2 * Math.PI
      points.push([6 * Math.cos(angle), 6 * Math.sin(angle)])
      outliers.add(i)
    } else points.push([gaussian(random), gaussian(random)])
  }
  return { points, outliers }
}

describe('the documented queries', () => {
  it('accepts the anomaly detection example (RANDOM_CUT_FOREST with defaults, sorted by score)', () => {
    const heartRate: StreamSchema = {
      name: 'SOURCE_SQL_STREAM_001',
      columns: [
        { name: 'heartRate', sqlType: 'INTEGER' },
        { name: 'rateType', sqlType: 'VARCHAR(20)' },
      ],
    }
    const code = `--Creates a temporary stream.
CREATE OR REPLACE STREAM "TEMP_STREAM" (
        "heartRate"        INTEGER,
        "rateType"         varchar(20),
        "ANOMALY_SCORE"    DOUBLE);
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
        "heartRate"        INTEGER,
        "rateType"         varchar(20),
        "ANOMALY_SCORE"    DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
   INSERT INTO "TEMP_STREAM"
      SELECT STREAM "heartRate", "rateType", ANOMALY_SCORE
      FROM TABLE(RANDOM_CUT_FOREST(
              CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001")));
CREATE OR REPLACE PUMP "OUTPUT_PUMP" AS
   INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM * FROM "TEMP_STREAM"
      ORDER BY FLOOR("TEMP_STREAM".ROWTIME TO SECOND), ANOMALY_SCORE DESC;`
    expect(checkApplicationCode(code, [heartRate])).toBeUndefined()
  })

  it('accepts SELECT STREAM * over RANDOM_CUT_FOREST of chosen columns, with every parameter', () => {
    const code = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" ("x" DOUBLE, "y" DOUBLE, ANOMALY_SCORE DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM "x","y" FROM "SOURCE_SQL_STREAM_001"), 100, 256, 100000, 1));`
    expect(checkApplicationCode(code, [POINTS])).toBeUndefined()
  })

  it('accepts the explanation examples (blood pressure, stock ticker with WHERE ANOMALY_SCORE > 0)', () => {
    const bloodPressure: StreamSchema = {
      name: 'SOURCE_SQL_STREAM_001',
      columns: [
        { name: 'Systolic', sqlType: 'INTEGER' },
        { name: 'Diastolic', sqlType: 'INTEGER' },
        { name: 'BloodPressureLevel', sqlType: 'VARCHAR(20)' },
      ],
    }
    const pressure = `CREATE OR REPLACE STREAM "TEMP_STREAM" (
        "Systolic"                  INTEGER,
        "Diastolic"                 INTEGER,
        "BloodPressureLevel"        varchar(20),
        "ANOMALY_SCORE"             DOUBLE,
        "ANOMALY_EXPLANATION"       varchar(512));
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
   INSERT INTO "TEMP_STREAM"
      SELECT STREAM "Systolic", "Diastolic", "BloodPressureLevel", ANOMALY_SCORE, ANOMALY_EXPLANATION
      FROM TABLE(RANDOM_CUT_FOREST_WITH_EXPLANATION(
              CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 100, 256, 100000, 1, true));`
    expect(checkApplicationCode(pressure, [bloodPressure])).toBeUndefined()
    const ticker = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (anomaly REAL, ANOMALY_EXPLANATION VARCHAR(20480));
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT "ANOMALY_SCORE", "ANOMALY_EXPLANATION" FROM TABLE (RANDOM_CUT_FOREST_WITH_EXPLANATION(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 100, 256, 100000, 1, true)) WHERE ANOMALY_SCORE > 0`
    expect(checkApplicationCode(ticker, [TICKERS])).toBeUndefined()
  })

  it('accepts the HOTSPOTS examples', () => {
    const guide = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    "x" DOUBLE,
    "y" DOUBLE,
    "is_hot" VARCHAR(4),
    HOTSPOTS_RESULT VARCHAR(10000)
);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
    INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT "x", "y", "is_hot", "HOTSPOTS_RESULT"
    FROM TABLE (
        HOTSPOTS(
            CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"),
            1000,
            0.2,
            17)
    );`
    expect(checkApplicationCode(guide, [POINTS])).toBeUndefined()
    const reference = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM"(
    CHANGE REAL,
    PRICE REAL,
    HOTSPOTS_RESULT VARCHAR(10000));
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
    INSERT INTO "DESTINATION_SQL_STREAM"
        SELECT
            "CHANGE",
            "PRICE",
            "HOTSPOTS_RESULT"
        FROM TABLE (
            HOTSPOTS(
                CURSOR(SELECT STREAM "CHANGE", "PRICE" FROM "SOURCE_SQL_STREAM_001"),
                100,
                0.013,
                20)
            );`
    expect(checkApplicationCode(reference, [TICKERS])).toBeUndefined()
  })
})

describe('parameter errors', () => {
  const rcf = (
    args: string,
    fn = 'RANDOM_CUT_FOREST',
    cursor = 'SELECT STREAM "x", "y" FROM "SOURCE_SQL_STREAM_001"',
  ) =>
    checkApplicationCode(
      `CREATE STREAM o (s DOUBLE);
CREATE PUMP p AS INSERT INTO o SELECT STREAM ANOMALY_SCORE FROM TABLE(${fn}(CURSOR(${cursor})${args}));`,
      [POINTS],
    )

  it.each([
    [', 0', 'numberOfTrees of RANDOM_CUT_FOREST must be an integer from 1 to 1000'],
    [', 1001', 'numberOfTrees of RANDOM_CUT_FOREST must be an integer from 1 to 1000'],
    [', 2.5', 'numberOfTrees of RANDOM_CUT_FOREST must be an integer from 1 to 1000'],
    [', 100, 9', 'subSampleSize of RANDOM_CUT_FOREST must be an integer from 10 to 1000'],
    [', 100, 1001', 'subSampleSize of RANDOM_CUT_FOREST must be an integer from 10 to 1000'],
    [', 100, 256, 0', 'timeDecay of RANDOM_CUT_FOREST must be an integer from 1 to 2147483647'],
    [', 100, 256, 256', 'subSampleSize of RANDOM_CUT_FOREST must be less than timeDecay'],
    [', 100, 256, 100000, 0', 'shingleSize of RANDOM_CUT_FOREST must be an integer from 1 to 30'],
    [', 100, 256, 100000, 31', 'shingleSize of RANDOM_CUT_FOREST must be an integer from 1 to 30'],
    [', 100, 256, 100000, 1, true', 'RANDOM_CUT_FOREST takes at most 5 arguments'],
  ])('RANDOM_CUT_FOREST(CURSOR(...)%s) is refused', (args, message) => {
    expect(rcf(args)?.message).toContain(message)
  })

  it('names the position of the bad argument', () => {
    expect(rcf(', 100, 9')).toMatchObject({ line: 2, column: 155 })
  })

  it('refuses a withDirectionality that is not a boolean, and a cursor without numeric columns', () => {
    expect(rcf(', 100, 256, 100000, 1, 1', 'RANDOM_CUT_FOREST_WITH_EXPLANATION')?.message).toContain(
      'withDirectionality of RANDOM_CUT_FOREST_WITH_EXPLANATION must be TRUE or FALSE',
    )
    expect(
      rcf('', 'RANDOM_CUT_FOREST', 'SELECT STREAM "is_hot" FROM "SOURCE_SQL_STREAM_001"')?.message,
    ).toContain('RANDOM_CUT_FOREST needs at least one numeric column in its cursor')
  })

  const hot = (args: string) =>
    checkApplicationCode(
      `CREATE STREAM o (r VARCHAR(10000));
CREATE PUMP p AS INSERT INTO o SELECT STREAM HOTSPOTS_RESULT FROM TABLE(HOTSPOTS(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001")${args}));`,
      [POINTS],
    )?.message

  it.each([
    ['', 'HOTSPOTS takes 4 arguments'],
    [', 1000, 0.2', 'HOTSPOTS takes 4 arguments'],
    [', 99, 0.2, 17', 'windowSize of HOTSPOTS must be an integer from 100 to 1000'],
    [', 1001, 0.2, 17', 'windowSize of HOTSPOTS must be an integer from 100 to 1000'],
    [', 1000, 0, 17', 'scanRadius of HOTSPOTS must be a number greater than 0'],
    [", 1000, 'a', 17", 'scanRadius of HOTSPOTS must be a number greater than 0'],
    [', 1000, 0.2, 1', 'minimumNumberOfPointsInAHotspot of HOTSPOTS must be an integer from 2 to 1000'],
    [', 100, 0.2, 101', 'minimumNumberOfPointsInAHotspot of HOTSPOTS must be an integer from 2 to 100'],
  ])('HOTSPOTS(CURSOR(...)%s) is refused', (args, message) => {
    expect(hot(args)).toContain(message)
  })
})

describe('RANDOM_CUT_FOREST', () => {
  const code = (
    args = '',
  ) => `CREATE STREAM o ("x" DOUBLE, "y" DOUBLE, "is_hot" VARCHAR(4), ANOMALY_SCORE DOUBLE);
CREATE PUMP p AS INSERT INTO o
SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001")${args}));`

  it('scores 0 while learning, then scores injected outliers above the 99th percentile of the normal rows', () => {
    const app = compileApplication(code(), { inputs: [POINTS] })
    const out = rowsOf(app, 'O')
    const { points, outliers } = clusterWithOutliers(11, 2000)
    pushPoints(app, points)
    expect(out).toHaveLength(2000)
    expect(out.slice(0, 256).every((r) => r.ANOMALY_SCORE === 0)).toBe(true)
    expect(out[0]).toMatchObject({ x: points[0]?.[0], y: points[0]?.[1], is_hot: 'N' })
    const normal: number[] = []
    const outlying: number[] = []
    out.forEach((row, i) => {
      if (i < 300) return
      ;(outliers.has(i) ? outlying : normal).push(row.ANOMALY_SCORE as number)
    })
    const mean = normal.reduce((s, v) => s + v, 0) / normal.length
    expect(mean).toBeGreaterThan(0.5)
    expect(mean).toBeLessThan(1.5)
    const p99 = quantile(normal, 0.99)
    for (const score of outlying) expect(score).toBeGreaterThan(p99)
    expect(Math.min(...outlying)).toBeGreaterThan(1.5 * mean)
  })

  it('runs the anomaly detection example: every row, sorted by descending score within each second', () => {
    const heartRate: StreamSchema = {
      name: 'SOURCE_SQL_STREAM_001',
      columns: [
        { name: 'heartRate', sqlType: 'INTEGER' },
        { name: 'rateType', sqlType: 'VARCHAR(20)' },
      ],
    }
    const app = compileApplication(
      `CREATE OR REPLACE STREAM "TEMP_STREAM" ("heartRate" INTEGER, "rateType" varchar(20), "ANOMALY_SCORE" DOUBLE);
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" ("heartRate" INTEGER, "rateType" varchar(20), "ANOMALY_SCORE" DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "TEMP_STREAM"
  SELECT STREAM "heartRate", "rateType", ANOMALY_SCORE
  FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001")));
CREATE OR REPLACE PUMP "OUTPUT_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM * FROM "TEMP_STREAM" ORDER BY FLOOR("TEMP_STREAM".ROWTIME TO SECOND), ANOMALY_SCORE DESC;`,
      { inputs: [heartRate] },
    )
    const out: { row: Row; rowtime: number }[] = []
    app.onRow((name, row, rowtime) => {
      if (name === 'DESTINATION_SQL_STREAM') out.push({ row, rowtime })
    })
    const random = new Random(15)
    for (let i = 0; i < 1000; i++) {
      const high = i >= 400 && i % 50 === 0
      const rate = high ? 180 + Math.floor(random.next() * 20) : 60 + Math.floor(random.next() * 20)
      app.push('SOURCE_SQL_STREAM_001', { heartRate: rate, rateType: high ? 'HIGH' : 'NORMAL' }, T0 + i * 10)
    }
    app.advance(T0 + 20000)
    expect(out).toHaveLength(1000)
    for (let second = 4; second < 10; second++) {
      const rows = out.filter((o) => Math.floor((o.rowtime - T0) / 1000) === second).map((o) => o.row)
      const scores = rows.map((r) => r.ANOMALY_SCORE as number)
      expect(scores).toEqual([...scores].sort((a, b) => b - a))
      expect(rows[0]?.rateType).toBe('HIGH')
    }
  })

  it('is reproducible: the same rows give the same scores', () => {
    const { points } = clusterWithOutliers(12, 400)
    const runs = [0, 1].map(() => {
      const app = compileApplication(code(', 20, 64, 1000, 1'), { inputs: [POINTS] })
      const out = rowsOf(app, 'O')
      pushPoints(app, points)
      return out.map((r) => r.ANOMALY_SCORE)
    })
    expect(runs[0]).toEqual(runs[1])
  })

  it('with shingles, scores a dip in a sine wave above the 99th percentile of the rest of the wave', () => {
    const app = compileApplication(
      `CREATE STREAM o (v DOUBLE, s DOUBLE);
CREATE PUMP p AS INSERT INTO o SELECT STREAM "x", ANOMALY_SCORE
FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM "x" FROM "SOURCE_SQL_STREAM_001"), 100, 256, 100000, 4));`,
      { inputs: [POINTS] },
    )
    const out = rowsOf(app, 'O')
    const dip = (i: number): boolean => i >= 1500 && i < 1520
    const wave = Array.from({ length: 2500 }, (_, i): [number, null] => [
      dip(i) ? -0.2 * Math.sin((2 * Math.PI * i) / 50) : 10 * Math.sin((2 * Math.PI * i) / 50),
      null,
    ])
    pushPoints(app, wave)
    const scores = out.map((r) => r.S as number)
    expect(scores.slice(0, 259).every((s) => s === 0)).toBe(true)
    const rest = scores.filter((_, i) => i >= 400 && (i < 1500 || i >= 1525))
    const around = scores.slice(1500, 1525)
    expect(Math.max(...around)).toBeGreaterThan(quantile(rest, 0.99))
    // the dip's start and its end stand out
    expect(Math.max(...scores.slice(1500, 1505))).toBeGreaterThan(quantile(rest, 0.99))
    expect(Math.max(...scores.slice(1519, 1525))).toBeGreaterThan(quantile(rest, 0.99))
  })

  it('scores a row with a NULL numeric column 0 and goes on', () => {
    const app = compileApplication(code(', 10, 16, 100, 1'), { inputs: [POINTS] })
    const out = rowsOf(app, 'O')
    const { points } = clusterWithOutliers(13, 40)
    pushPoints(app, [...points, [null, 1], [0, 0]])
    expect(out).toHaveLength(42)
    expect(out[40]?.ANOMALY_SCORE).toBe(0)
    expect(out[41]?.ANOMALY_SCORE).toBeGreaterThan(0)
  })

  it('keeps its model across snapshot and restore', () => {
    const { points, outliers } = clusterWithOutliers(14, 1500)
    const first = compileApplication(code(', 50'), { inputs: [POINTS] })
    pushPoints(first, points.slice(0, 1000))
    const state = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<Application['snapshot']>
    const second = compileApplication(code(', 50'), { inputs: [POINTS] })
    second.restore(state)
    const out = rowsOf(second, 'O')
    points.slice(1000).forEach(([x, y], i) => {
      second.push('SOURCE_SQL_STREAM_001', { x, y, is_hot: 'N' }, T0 + (1000 + i) * 10)
    })
    const normal = out.filter((_, i) => !outliers.has(1000 + i)).map((r) => r.ANOMALY_SCORE as number)
    expect(normal.every((s) => s > 0)).toBe(true)
    const p99 = quantile(normal, 0.99)
    out.forEach((r, i) => {
      if (outliers.has(1000 + i)) expect(r.ANOMALY_SCORE).toBeGreaterThan(p99)
    })
  })
})

describe('RANDOM_CUT_FOREST_WITH_EXPLANATION', () => {
  const code = (directionality: string) => `CREATE STREAM o (s DOUBLE, e VARCHAR(1024));
CREATE PUMP p AS INSERT INTO o SELECT STREAM ANOMALY_SCORE, ANOMALY_EXPLANATION
FROM TABLE(RANDOM_CUT_FOREST_WITH_EXPLANATION(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 100, 256, 100000, 1${directionality}));`

  type Explanation = Record<string, { ATTRIBUTION_SCORE: string; STRENGTH?: string; DIRECTION?: string }>

  it('explains each numeric column: attribution scores that sum to the score, direction and strength', () => {
    const app = compileApplication(code(', true'), { inputs: [POINTS] })
    const out = rowsOf(app, 'O')
    const { points } = clusterWithOutliers(21, 600)
    pushPoints(app, [...points, [0.2, 7], [-7, 0.1], [0.1, 0.2]])
    expect(JSON.parse(out[0]?.E as string)).toEqual({
      x: { DIRECTION: 'LOW', STRENGTH: '0.0000', ATTRIBUTION_SCORE: '0.0000' },
      y: { DIRECTION: 'LOW', STRENGTH: '0.0000', ATTRIBUTION_SCORE: '0.0000' },
    })
    const [high, low, normal] = out.slice(600).map((r) => ({
      score: r.S as number,
      explanation: JSON.parse(r.E as string) as Explanation,
    })) as { score: number; explanation: Explanation }[] as [
      { score: number; explanation: Explanation },
      { score: number; explanation: Explanation },
      { score: number; explanation: Explanation },
    ]
    for (const row of [high, low, normal]) {
      const sum = Object.values(row.explanation).reduce((s, c) => s + Number(c.ATTRIBUTION_SCORE), 0)
      expect(sum).toBeCloseTo(row.score, 3)
    }
    expect(high.explanation.y).toMatchObject({ DIRECTION: 'HIGH' })
    expect(Number(high.explanation.y?.ATTRIBUTION_SCORE)).toBeGreaterThan(
      3 * Number(high.explanation.x?.ATTRIBUTION_SCORE),
    )
    expect(Number(high.explanation.y?.STRENGTH)).toBeGreaterThan(Number(normal.explanation.y?.STRENGTH))
    expect(low.explanation.x).toMatchObject({ DIRECTION: 'LOW' })
    expect(Number(low.explanation.x?.ATTRIBUTION_SCORE)).toBeGreaterThan(
      3 * Number(low.explanation.y?.ATTRIBUTION_SCORE),
    )
    expect(high.score).toBeGreaterThan(2 * normal.score)
  })

  it('gives attribution scores only without directionality', () => {
    const app = compileApplication(code(''), { inputs: [POINTS] })
    const out = rowsOf(app, 'O')
    const { points } = clusterWithOutliers(22, 300)
    pushPoints(app, points)
    const explanation = JSON.parse(out[299]?.E as string) as Explanation
    expect(Object.keys(explanation)).toEqual(['x', 'y'])
    expect(Object.keys(explanation.x ?? {})).toEqual(['ATTRIBUTION_SCORE'])
  })
})

describe('HOTSPOTS', () => {
  const code = `CREATE STREAM o ("x" DOUBLE, "y" DOUBLE, "is_hot" VARCHAR(4), HOTSPOTS_RESULT VARCHAR(10000));
CREATE PUMP p AS INSERT INTO o SELECT "x", "y", "is_hot", "HOTSPOTS_RESULT"
FROM TABLE(HOTSPOTS(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 1000, 0.2, 17));`

  interface Result {
    hotspots: { density: number; minValues: number[]; maxValues: number[] }[]
  }

  /** The developer guide's generator: 20% of the points in a 1 x 1 square, the others uniform in 10 x 10. */
  function points(seed: number, count: number, square: [number, number]): [number, number][] {
    const random = new Random(seed)
    return Array.from({ length: count }, (): [number, number] =>
      random.next() < 0.2
        ? [square[0] + random.next(), square[1] + random.next()]
        : [10 * random.next(), 10 * random.next()],
    )
  }

  it('finds the injected dense square and reports its bounds, densest first', () => {
    const app = compileApplication(code, { inputs: [POINTS] })
    const out = rowsOf(app, 'O')
    pushPoints(app, points(31, 1500, [3, 6]))
    expect(out).toHaveLength(1500)
    const result = JSON.parse(out[1499]?.HOTSPOTS_RESULT as string) as Result
    const top = result.hotspots[0]
    expect(top).toBeDefined()
    expect(top?.minValues[0]).toBeGreaterThan(2.6)
    expect(top?.minValues[0]).toBeLessThan(3.2)
    expect(top?.minValues[1]).toBeGreaterThan(5.6)
    expect(top?.minValues[1]).toBeLessThan(6.2)
    expect(top?.maxValues[0]).toBeGreaterThan(3.8)
    expect(top?.maxValues[0]).toBeLessThan(4.4)
    expect(top?.maxValues[1]).toBeGreaterThan(6.8)
    expect(top?.maxValues[1]).toBeLessThan(7.4)
    expect(top?.density).toBeGreaterThan(100)
    for (const other of result.hotspots.slice(1)) expect(other.density).toBeLessThan((top?.density ?? 0) / 2)
  })

  it('follows the window: a square that moved away leaves the result', () => {
    const app = compileApplication(code, { inputs: [POINTS] })
    const out = rowsOf(app, 'O')
    pushPoints(app, [...points(32, 1000, [1, 1]), ...points(33, 1000, [7, 7])])
    const result = JSON.parse(out[1999]?.HOTSPOTS_RESULT as string) as Result
    expect(result.hotspots[0]?.minValues[0]).toBeGreaterThan(6.5)
    expect(
      result.hotspots.some((h) => (h.maxValues[0] as number) < 2.5 && (h.maxValues[1] as number) < 2.5),
    ).toBe(false)
  })

  it('keeps its window across snapshot and restore', () => {
    const first = compileApplication(code, { inputs: [POINTS] })
    pushPoints(first, points(34, 1000, [5, 2]))
    const second = compileApplication(code, { inputs: [POINTS] })
    second.restore(JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<Application['snapshot']>)
    const out = rowsOf(second, 'O')
    second.push('SOURCE_SQL_STREAM_001', { x: 9.9, y: 9.9, is_hot: 'N' }, T0 + 20000)
    const result = JSON.parse(out[0]?.HOTSPOTS_RESULT as string) as Result
    expect(result.hotspots[0]?.minValues[0]).toBeGreaterThan(4.6)
    expect(result.hotspots[0]?.maxValues[0]).toBeLessThan(6.4)
  })
})
