import { describe, expect, it } from 'vitest'

import { compileApplication, type Application, type StreamSchema } from './application.ts'
import { formatTimestamp, isTimestamp, type Row, type SqlValue } from './values.ts'

const at = (hms: string): number => Date.parse(`2026-01-15T${hms}Z`)
const time = (ms: number): string => formatTimestamp(ms).slice(11, 19)

const STOCKS: StreamSchema = {
  name: 'SOURCE_SQL_STREAM_001',
  columns: [
    { name: 'TICKER_SYMBOL', sqlType: 'VARCHAR(4)' },
    { name: 'SECTOR', sqlType: 'VARCHAR(16)' },
    { name: 'CHANGE', sqlType: 'REAL' },
    { name: 'PRICE', sqlType: 'REAL' },
  ],
}

const EVENTS: StreamSchema = {
  name: 'SOURCE_SQL_STREAM_001',
  columns: [
    { name: 'TICKER_SYMBOL', sqlType: 'VARCHAR(4)' },
    { name: 'EVENT_TIME', sqlType: 'TIMESTAMP' },
  ],
}

function collect(app: Application, stream = 'DESTINATION_SQL_STREAM'): { rowtime: number; row: Row }[] {
  const out: { rowtime: number; row: Row }[] = []
  app.onRow((name, row, rowtime) => {
    if (name === stream) out.push({ rowtime, row })
  })
  return out
}

function show(value: SqlValue): unknown {
  return isTimestamp(value) ? time(value.ts) : value
}

describe('T1 continuous filter', () => {
  const code = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), sector VARCHAR(12), change DOUBLE, price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol, sector, change, price FROM "SOURCE_SQL_STREAM_001"
  WHERE (ABS(Change / (Price - Change)) * 100) > 1;`

  it('emits one row per input whose change is over 1 %, unquoted names resolving to the quoted input columns', () => {
    const app = compileApplication(code, { inputs: [STOCKS] })
    const out = collect(app)
    app.push(
      'SOURCE_SQL_STREAM_001',
      { TICKER_SYMBOL: 'AMZN', SECTOR: 'TECHNOLOGY', CHANGE: 5, PRICE: 105 },
      at('11:00:00'),
    )
    app.push(
      'SOURCE_SQL_STREAM_001',
      { TICKER_SYMBOL: 'WMT', SECTOR: 'RETAIL', CHANGE: 0.5, PRICE: 100.5 },
      at('11:00:01'),
    )
    app.push(
      'SOURCE_SQL_STREAM_001',
      { TICKER_SYMBOL: 'XYZ', SECTOR: 'FINANCIAL_SERVICES', CHANGE: -3, PRICE: 97 },
      at('11:00:02'),
    )
    expect(out.map((o) => [time(o.rowtime), o.row])).toEqual([
      [
        '11:00:00',
        {
          TICKER_SYMBOL: 'AMZN',
          SECTOR: 'TECHNOLOGY',
          CHANGE: 5,
          PRICE: 105,
          ROWTIME: { ts: at('11:00:00') },
        },
      ],
      // SECTOR is VARCHAR(12) in the destination: longer values are truncated
      [
        '11:00:02',
        {
          TICKER_SYMBOL: 'XYZ',
          SECTOR: 'FINANCIAL_SE',
          CHANGE: -3,
          PRICE: 97,
          ROWTIME: { ts: at('11:00:02') },
        },
      ],
    ])
  })

  it('reports a division by zero to error_stream and goes on with the next row', () => {
    const app = compileApplication(code, { inputs: [STOCKS] })
    const out = collect(app)
    const errors = collect(app, 'error_stream')
    app.push(
      'SOURCE_SQL_STREAM_001',
      { TICKER_SYMBOL: 'BAD', SECTOR: 'X', CHANGE: 5, PRICE: 5 },
      at('11:00:00'),
    )
    app.push(
      'SOURCE_SQL_STREAM_001',
      { TICKER_SYMBOL: 'OK', SECTOR: 'X', CHANGE: 5, PRICE: 10 },
      at('11:00:01'),
    )
    expect(errors).toHaveLength(1)
    expect(errors[0]?.row).toMatchObject({ ERROR_NAME: 'DivisionByZero', PUMP_NAME: 'STREAM_PUMP' })
    expect(out.map((o) => o.row.TICKER_SYMBOL)).toEqual(['OK'])
  })
})

describe('T2 tumbling window on ROWTIME', () => {
  const code = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), MIN_PRICE REAL, MAX_PRICE REAL);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER, MIN(PRICE), MAX(PRICE) FROM "SOURCE_SQL_STREAM_001"
  GROUP BY TICKER, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);`
  const input: StreamSchema = {
    name: 'SOURCE_SQL_STREAM_001',
    columns: [
      { name: 'TICKER', sqlType: 'VARCHAR(4)' },
      { name: 'PRICE', sqlType: 'REAL' },
    ],
  }

  it('emits one row per ticker seen at the end of each minute, with ROWTIME the window end', () => {
    const app = compileApplication(code, { inputs: [input] })
    const out = collect(app)
    const push = (ticker: string, price: number, t: string): void => {
      app.push('SOURCE_SQL_STREAM_001', { TICKER: ticker, PRICE: price }, at(t))
    }
    push('AMZN', 10, '11:00:05')
    push('WMT', 50, '11:00:10')
    push('AMZN', 12, '11:00:30')
    push('AMZN', 8, '11:00:59')
    expect(out).toEqual([])
    push('AMZN', 20, '11:01:00')
    app.advance(at('11:02:00'))
    expect(out.map((o) => [time(o.rowtime), o.row.TICKER, o.row.MIN_PRICE, o.row.MAX_PRICE])).toEqual([
      ['11:01:00', 'AMZN', 8, 12],
      ['11:01:00', 'WMT', 50, 50],
      ['11:02:00', 'AMZN', 20, 20],
    ])
  })
})

describe('T3 event-time groups inside a ROWTIME window', () => {
  // The documentation's destination stream lists two columns for three select items; the stagger example's
  // stream (ticker_symbol, event_time, ticker_count) is the one that fits.
  const code = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    ticker_symbol    VARCHAR(4),
    event_time       TIMESTAMP,
    ticker_count     DOUBLE);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM
        TICKER_SYMBOL,
        FLOOR(EVENT_TIME TO MINUTE),
        COUNT(TICKER_SYMBOL) AS TICKER_COUNT
    FROM "SOURCE_SQL_STREAM_001"
    GROUP BY ticker_symbol, FLOOR(EVENT_TIME TO MINUTE), STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);`

  it('gives exactly the documented rows', () => {
    const app = compileApplication(code, { inputs: [EVENTS] })
    const out = collect(app)
    for (const [rowtime, event] of [
      ['11:00:20', '11:00:10'],
      ['11:00:30', '11:00:20'],
      ['11:01:05', '11:00:55'],
      ['11:01:15', '11:01:05'],
    ] as const) {
      app.push(
        'SOURCE_SQL_STREAM_001',
        { TICKER_SYMBOL: 'AMZN', EVENT_TIME: `2026-01-15 ${event}` },
        at(rowtime),
      )
    }
    app.advance(at('11:03:00'))
    expect(
      out.map((o) => [
        time(o.rowtime),
        show(o.row.EVENT_TIME as SqlValue),
        o.row.TICKER_SYMBOL,
        o.row.TICKER_COUNT,
      ]),
    ).toEqual([
      ['11:01:00', '11:00:00', 'AMZN', 2],
      ['11:02:00', '11:00:00', 'AMZN', 1],
      ['11:02:00', '11:01:00', 'AMZN', 1],
    ])
  })
})

describe('T4 stagger window', () => {
  const code = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    ticker_symbol    VARCHAR(4),
    event_time       TIMESTAMP,
    ticker_count     DOUBLE);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM
        TICKER_SYMBOL,
        FLOOR(EVENT_TIME TO MINUTE),
        COUNT(TICKER_SYMBOL) AS ticker_count
    FROM "SOURCE_SQL_STREAM_001"
    WINDOWED BY STAGGER (
            PARTITION BY FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL RANGE INTERVAL '1' MINUTE);`

  it('gives exactly the documented rows, each window closing a minute after its first row', () => {
    const app = compileApplication(code, { inputs: [EVENTS] })
    const out = collect(app)
    for (const [rowtime, event] of [
      ['11:00:20', '11:00:10'],
      ['11:00:30', '11:00:20'],
      ['11:01:05', '11:00:55'],
      ['11:01:15', '11:01:05'],
    ] as const) {
      app.push(
        'SOURCE_SQL_STREAM_001',
        { TICKER_SYMBOL: 'AMZN', EVENT_TIME: `2026-01-15 ${event}` },
        at(rowtime),
      )
    }
    app.advance(at('11:01:19'))
    expect(out).toEqual([])
    app.advance(at('11:03:00'))
    expect(
      out.map((o) => [
        time(o.rowtime),
        show(o.row.EVENT_TIME as SqlValue),
        o.row.TICKER_SYMBOL,
        o.row.TICKER_COUNT,
      ]),
    ).toEqual([
      ['11:01:20', '11:00:00', 'AMZN', 3],
      ['11:02:15', '11:01:00', 'AMZN', 1],
    ])
  })
})

describe('T5 sliding windows', () => {
  it('emits MIN/MAX/AVG over the preceding minute per ticker, one row per input row', () => {
    const code = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
                            ticker_symbol VARCHAR(10),
                            Min_Price     double,
                            Max_Price     double,
                            Avg_Price     double);
   CREATE OR REPLACE PUMP "STREAM_PUMP" AS
      INSERT INTO "DESTINATION_SQL_STREAM"
        SELECT STREAM ticker_symbol,
                      MIN(Price) OVER W1 AS Min_Price,
                      MAX(Price) OVER W1 AS Max_Price,
                      AVG(Price) OVER W1 AS Avg_Price
        FROM   "SOURCE_SQL_STREAM_001"
        WINDOW W1 AS (
           PARTITION BY ticker_symbol
           RANGE INTERVAL '1' MINUTE PRECEDING);`
    const app = compileApplication(code, { inputs: [STOCKS] })
    const out = collect(app)
    const push = (ticker: string, price: number, t: string): void => {
      app.push(
        'SOURCE_SQL_STREAM_001',
        { TICKER_SYMBOL: ticker, SECTOR: 'S', CHANGE: 0, PRICE: price },
        at(t),
      )
    }
    push('AMZN', 10, '11:00:00')
    push('WMT', 100, '11:00:10')
    push('AMZN', 20, '11:00:30')
    push('AMZN', 60, '11:01:00')
    push('AMZN', 40, '11:01:10')
    expect(
      out.map((o) => [
        time(o.rowtime),
        o.row.TICKER_SYMBOL,
        o.row.MIN_PRICE,
        o.row.MAX_PRICE,
        o.row.AVG_PRICE,
      ]),
    ).toEqual([
      ['11:00:00', 'AMZN', 10, 10, 10],
      ['11:00:10', 'WMT', 100, 100, 100],
      ['11:00:30', 'AMZN', 10, 20, 15],
      // the row at 11:00:00 is exactly one minute old: the lower bound is exclusive
      ['11:01:00', 'AMZN', 20, 60, 40],
      ['11:01:10', 'AMZN', 20, 60, 40],
    ])
  })

  it("counts the documentation's 5-second walk-through: 1, 2, 2, 2, then 5", () => {
    const code = `CREATE STREAM out_stream (c BIGINT);
      CREATE PUMP p AS INSERT INTO out_stream
        SELECT STREAM COUNT(*) OVER W FROM "SOURCE_SQL_STREAM_001" WINDOW W AS (RANGE INTERVAL '5' SECOND PRECEDING);`
    const app = compileApplication(code, { inputs: [STOCKS] })
    const out = collect(app, 'OUT_STREAM')
    const t = (s: number): number => at('11:00:00') + s * 1000
    for (const s of [1, 2, 6, 7, 8, 8, 8]) {
      app.push('SOURCE_SQL_STREAM_001', { TICKER_SYMBOL: 'A', SECTOR: 'S', CHANGE: 0, PRICE: 1 }, t(s))
    }
    expect(out.map((o) => o.row.C)).toEqual([1, 2, 2, 2, 3, 4, 5])
  })

  it('ROWS n PRECEDING averages the current row and the n before it', () => {
    const code = `CREATE STREAM o (p DOUBLE, a2 DOUBLE);
      CREATE PUMP p AS INSERT INTO o
      SELECT STREAM price, avg(price) over last2rows FROM SOURCE_SQL_STREAM_001
      WINDOW last2rows AS (PARTITION BY ticker_symbol ROWS 2 PRECEDING);`
    const app = compileApplication(code, {
      inputs: [{ ...STOCKS, name: 'SOURCE_SQL_STREAM_001' }],
    })
    const out = collect(app, 'O')
    for (const [i, price] of [3, 6, 9, 12].entries()) {
      app.push(
        'SOURCE_SQL_STREAM_001',
        { TICKER_SYMBOL: 'A', SECTOR: 'S', CHANGE: 0, PRICE: price },
        at('11:00:00') + i,
      )
    }
    expect(out.map((o) => o.row.A2)).toEqual([3, 4.5, 6, 9])
  })
})

describe('T6 reference-table join', () => {
  const code = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), "Company" varchar(20), sector VARCHAR(12), change DOUBLE, price DOUBLE);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
   SELECT STREAM ticker_symbol, "c"."Company", sector, change, price
   FROM "SOURCE_SQL_STREAM_001" LEFT JOIN "CompanyName" as "c"
   ON "SOURCE_SQL_STREAM_001".ticker_symbol = "c"."Ticker";`

  it('emits every row, with Company where the table knows the ticker and NULL otherwise', () => {
    const app = compileApplication(code, {
      inputs: [STOCKS],
      referenceTables: [
        {
          name: 'CompanyName',
          columns: [
            { name: 'Ticker', sqlType: 'VARCHAR(4)' },
            { name: 'Company', sqlType: 'VARCHAR(20)' },
          ],
          rows: [
            { Ticker: 'AMZN', Company: 'Amazon' },
            { Ticker: 'WMT', Company: 'Walmart' },
          ],
        },
      ],
    })
    const out = collect(app)
    for (const ticker of ['AMZN', 'QXZ', 'WMT']) {
      app.push(
        'SOURCE_SQL_STREAM_001',
        { TICKER_SYMBOL: ticker, SECTOR: 'S', CHANGE: 1, PRICE: 2 },
        at('11:00:00'),
      )
    }
    expect(out.map((o) => [o.row.TICKER_SYMBOL, o.row.Company])).toEqual([
      ['AMZN', 'Amazon'],
      ['QXZ', null],
      ['WMT', 'Walmart'],
    ])
  })
})
