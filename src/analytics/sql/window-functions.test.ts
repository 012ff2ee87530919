import { describe, expect, it } from 'vitest'

import { checkApplicationCode, compileApplication, type StreamSchema } from './application.ts'
import type { Row } from './values.ts'

const T0 = Date.UTC(2026, 0, 15, 11, 0, 0)

const INPUT: StreamSchema = {
  name: 'SOURCE_SQL_STREAM_001',
  columns: [
    { name: 'TICKER_SYMBOL', sqlType: 'VARCHAR(4)' },
    { name: 'PRICE', sqlType: 'DOUBLE' },
    { name: 'N', sqlType: 'INTEGER' },
  ],
}

/** Runs the code on (ticker, price, n) rows one second apart; the rows of O (values by column) and of error_stream. */
function run(
  code: string,
  rows: readonly [string, number | null, number?][],
): { out: Record<string, unknown>[]; errors: Row[] } {
  const app = compileApplication(code, { inputs: [INPUT] })
  const out: Record<string, unknown>[] = []
  const errors: Row[] = []
  app.onRow((stream, row) => {
    if (stream === 'O')
      out.push(Object.fromEntries(Object.entries(row).filter(([name]) => name !== 'ROWTIME')))
    if (stream === 'error_stream') errors.push(row)
  })
  rows.forEach(([ticker, price, n], i) => {
    app.push('SOURCE_SQL_STREAM_001', { TICKER_SYMBOL: ticker, PRICE: price, N: n ?? 1 }, T0 + i * 1000)
  })
  return { out, errors }
}

const check = (code: string): ReturnType<typeof checkApplicationCode> => checkApplicationCode(code, [INPUT])

describe('NTH_VALUE', () => {
  const PRICES: [string, number | null][] = [
    ['A', 1],
    ['A', 2],
    ['A', null],
    ['A', 4],
    ['A', 5],
  ]

  it('gives the nth value from the first or the last row of the window, NULL when there are fewer rows', () => {
    const { out } = run(
      `CREATE STREAM o (first2 DOUBLE, last2 DOUBLE, first2i DOUBLE, last2i DOUBLE);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM
         NTH_VALUE(price, 2) OVER w,
         NTH_VALUE(price, 2) FROM LAST OVER w,
         NTH_VALUE(price, 2) FROM FIRST IGNORE NULLS OVER w,
         NTH_VALUE(price, 2) FROM LAST IGNORE NULL OVER w
       FROM SOURCE_SQL_STREAM_001 WINDOW w AS (PARTITION BY ticker_symbol ROWS 3 PRECEDING);`,
      PRICES,
    )
    expect(out.map((r) => [r.FIRST2, r.LAST2, r.FIRST2I, r.LAST2I])).toEqual([
      [null, null, null, null],
      [2, 1, 2, 1],
      [2, 2, 2, 1],
      [2, null, 2, 2],
      [null, 4, 4, 4],
    ])
  })

  it('counts within RANGE windows and partitions, with RESPECT NULLS as the default', () => {
    const { out } = run(
      `CREATE STREAM o (t VARCHAR(4), v DOUBLE);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol,
         NTH_VALUE(price, 1) RESPECT NULLS OVER (PARTITION BY ticker_symbol RANGE INTERVAL '2' SECOND PRECEDING)
       FROM SOURCE_SQL_STREAM_001;`,
      [
        ['A', 1],
        ['B', 10],
        ['A', 3],
        ['A', 4],
        ['B', 11],
      ],
    )
    // a row exactly 2 seconds old has left the window: the A row of 0 s at 2 s, the B row of 1 s at 3 s
    expect(out.map((r) => [r.T, r.V])).toEqual([
      ['A', 1],
      ['B', 10],
      ['A', 3],
      ['A', 3],
      ['B', 11],
    ])
  })

  it('takes n from each row; an n that is not a positive integer sends the row to error_stream', () => {
    const { out, errors } = run(
      `CREATE STREAM o (v DOUBLE);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM NTH_VALUE(price, n) OVER (ROWS 5 PRECEDING)
       FROM SOURCE_SQL_STREAM_001;`,
      [
        ['A', 1, 1],
        ['A', 2, 1],
        ['A', 3, 2],
        ['A', 4, 0],
      ],
    )
    expect(out.map((r) => r.V)).toEqual([1, 1, 2])
    expect(errors).toHaveLength(1)
    expect(errors[0]?.MESSAGE).toContain('positive integer')
  })

  it('is refused with a bad n, a wrong number of arguments, or outside a window', () => {
    const code = (call: string): string =>
      `CREATE STREAM o (v DOUBLE);\nCREATE PUMP p AS INSERT INTO o SELECT STREAM ${call} FROM SOURCE_SQL_STREAM_001;`
    expect(check(code('NTH_VALUE(price, 0) OVER (ROWS 2 PRECEDING)'))).toMatchObject({ line: 2, column: 63 })
    expect(check(code('NTH_VALUE(price) OVER (ROWS 2 PRECEDING)'))?.message).toContain(
      "Invalid number of arguments to function 'NTH_VALUE'",
    )
    expect(check(code('NTH_VALUE(price, 1) OVER (ROWS 2 PRECEDING)'))).toBeUndefined()
  })
})

describe('RESPECT NULLS and IGNORE NULLS', () => {
  it('LAG, FIRST_VALUE and LAST_VALUE skip NULL values with IGNORE NULLS', () => {
    const { out } = run(
      `CREATE STREAM o (t VARCHAR(4), lag_i DOUBLE, lag_r DOUBLE, first_i DOUBLE, first_r DOUBLE, last_i DOUBLE);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol,
         LAG(price) IGNORE NULLS OVER w, LAG(price) RESPECT NULLS OVER w,
         FIRST_VALUE(price) IGNORE NULLS OVER w, FIRST_VALUE(price) OVER w,
         LAST_VALUE(price) IGNORE NULLS OVER w
       FROM SOURCE_SQL_STREAM_001 WINDOW w AS (PARTITION BY ticker_symbol ROWS 3 PRECEDING);`,
      [
        ['A', null],
        ['A', 2],
        ['A', null],
        ['A', 4],
        ['A', null],
      ],
    )
    expect(out.map((r) => [r.LAG_I, r.LAG_R, r.FIRST_I, r.FIRST_R, r.LAST_I])).toEqual([
      [null, null, null, null, null],
      [null, null, 2, null, 2],
      [2, 2, 2, null, 2],
      [2, null, 2, null, 4],
      [4, 4, 2, 2, 4],
    ])
  })

  it('IGNORE NULLS needs a window', () => {
    expect(
      check(`CREATE STREAM o (v DOUBLE);
CREATE PUMP p AS INSERT INTO o SELECT STREAM FIRST_VALUE(price) IGNORE NULLS FROM SOURCE_SQL_STREAM_001
  GROUP BY STEP(SOURCE_SQL_STREAM_001.ROWTIME BY INTERVAL '1' MINUTE);`)?.message,
    ).toContain('needs OVER')
  })
})
