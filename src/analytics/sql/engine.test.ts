import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  checkApplicationCode,
  compileApplication,
  type Application,
  type StreamSchema,
} from './application.ts'
import { formatTimestamp, isTimestamp, toPlainValue, type Row, type SqlValue } from './values.ts'

const T0 = Date.UTC(2026, 0, 15, 11, 0, 0)

const INPUT: StreamSchema = {
  name: 'SOURCE_SQL_STREAM_001',
  columns: [
    { name: 'TICKER_SYMBOL', sqlType: 'VARCHAR(4)' },
    { name: 'SECTOR', sqlType: 'VARCHAR(16)' },
    { name: 'CHANGE', sqlType: 'REAL' },
    { name: 'PRICE', sqlType: 'DOUBLE' },
  ],
}

function rowsOf(app: Application, stream: string): { rowtime: number; row: Row }[] {
  const out: { rowtime: number; row: Row }[] = []
  app.onRow((name, row, rowtime) => {
    if (name === stream) out.push({ rowtime, row })
  })
  return out
}

function push(
  app: Application,
  ticker: string,
  price: number,
  at: number,
  change = 0,
  sector = 'TECH',
): void {
  app.push(
    'SOURCE_SQL_STREAM_001',
    { TICKER_SYMBOL: ticker, SECTOR: sector, CHANGE: change, PRICE: price },
    at,
  )
}

/** One expression over one input row, through a pump into a VARCHAR/DOUBLE/... column of the given type. */
function evaluate(expression: string, type = 'VARCHAR(64)', row: Record<string, unknown> = {}): SqlValue {
  const app = compileApplication(
    `CREATE STREAM o (v ${type}); CREATE PUMP p AS INSERT INTO o SELECT STREAM ${expression} FROM SOURCE_SQL_STREAM_001;`,
    { inputs: [INPUT] },
  )
  const out = rowsOf(app, 'O')
  const errors = rowsOf(app, 'error_stream')
  app.push(
    'SOURCE_SQL_STREAM_001',
    { TICKER_SYMBOL: 'AMZN', SECTOR: 'TECH', CHANGE: 1.5, PRICE: 100, ...row },
    T0 + 1234,
  )
  if (errors.length > 0) throw new Error(JSON.stringify(errors[0]?.row.MESSAGE))
  const value = out[0]?.row.V ?? null
  return isTimestamp(value) ? formatTimestamp(value.ts) : value
}

describe('expressions and functions', () => {
  const cases: [string, string, SqlValue][] = [
    ['7 / 2', 'INTEGER', 3],
    ['7.0 / 2', 'DOUBLE', 3.5],
    ['-7 / 2', 'INTEGER', -3],
    ['MOD(7, 3)', 'INTEGER', 1],
    ['POWER(2, 10)', 'DOUBLE', 1024],
    ['ABS(-2.5)', 'DOUBLE', 2.5],
    ['CEIL(1.2)', 'INTEGER', 2],
    ['FLOOR(-1.2)', 'INTEGER', -2],
    ['SQRT(16)', 'DOUBLE', 4],
    ['EXP(0)', 'DOUBLE', 1],
    ['LN(1)', 'DOUBLE', 0],
    ["ticker_symbol || '-' || sector", 'VARCHAR(20)', 'AMZN-TECH'],
    ["UPPER('abc') || LOWER('DEF')", 'VARCHAR(10)', 'ABCdef'],
    ["SUBSTRING('kinesis' FROM 2 FOR 3)", 'VARCHAR(10)', 'ine'],
    ["SUBSTRING('kinesis', 4)", 'VARCHAR(10)', 'esis'],
    ["POSITION('nes' IN 'kinesis')", 'INTEGER', 3],
    ["TRIM('  x  ')", 'VARCHAR(10)', 'x'],
    ["TRIM(LEADING 'x' FROM 'xxaxx')", 'VARCHAR(10)', 'axx'],
    ["TRIM(TRAILING 'x' FROM 'xxaxx')", 'VARCHAR(10)', 'xxa'],
    ["CHAR_LENGTH('abcd')", 'INTEGER', 4],
    ["INITCAP('hello world')", 'VARCHAR(20)', 'Hello World'],
    ['COALESCE(NULL, NULL, 3)', 'INTEGER', 3],
    ['NULLIF(5, 5)', 'INTEGER', null],
    ['NULLIF(5, 6)', 'INTEGER', 5],
    ["CASE WHEN price > 50 THEN 'high' ELSE 'low' END", 'VARCHAR(4)', 'high'],
    ["CASE ticker_symbol WHEN 'AMZN' THEN 1 WHEN 'WMT' THEN 2 END", 'INTEGER', 1],
    ["CASE WHEN price < 50 THEN 'x' END", 'VARCHAR(4)', null],
    ['CAST(price AS INTEGER)', 'INTEGER', 100],
    ["CAST('12.345' AS DECIMAL(5,2))", 'DECIMAL(5,2)', 12.35],
    ['CAST(change AS VARCHAR(8))', 'VARCHAR(8)', '1.5'],
    ["CAST('2026-01-15 11:00:00' AS TIMESTAMP)", 'TIMESTAMP', '2026-01-15 11:00:00.000'],
    ["ticker_symbol LIKE 'AM%'", 'BOOLEAN', true],
    ["ticker_symbol LIKE 'A_Z_'", 'BOOLEAN', true],
    ["ticker_symbol NOT LIKE 'A%'", 'BOOLEAN', false],
    ["'a%b' LIKE 'a!%b' ESCAPE '!'", 'BOOLEAN', true],
    ["ticker_symbol SIMILAR TO '(AMZN|WMT)'", 'BOOLEAN', true],
    ["ticker_symbol SIMILAR TO 'A[A-Z]+'", 'BOOLEAN', true],
    ["ticker_symbol IN ('WMT', 'AMZN')", 'BOOLEAN', true],
    ["ticker_symbol NOT IN ('WMT')", 'BOOLEAN', true],
    ['price BETWEEN 99 AND 101', 'BOOLEAN', true],
    ['price NOT BETWEEN 99 AND 101', 'BOOLEAN', false],
    ['sector IS NULL', 'BOOLEAN', false],
    ['NULL IS NULL', 'BOOLEAN', true],
    ['NOT (price > 1 AND NULL)', 'BOOLEAN', null],
    ['price > 1 OR NULL', 'BOOLEAN', true],
    ['NULL + 1', 'INTEGER', null],
    ['ROWTIME', 'TIMESTAMP', '2026-01-15 11:00:01.234'],
    ['CURRENT_ROW_TIMESTAMP', 'TIMESTAMP', '2026-01-15 11:00:01.234'],
    ['LOCALTIMESTAMP', 'TIMESTAMP', '2026-01-15 11:00:01.234'],
    ['FLOOR(ROWTIME TO MINUTE)', 'TIMESTAMP', '2026-01-15 11:00:00.000'],
    ['CEIL(ROWTIME TO MINUTE)', 'TIMESTAMP', '2026-01-15 11:01:00.000'],
    ["STEP(ROWTIME BY INTERVAL '10' SECOND)", 'TIMESTAMP', '2026-01-15 11:00:00.000'],
    ["ROWTIME - INTERVAL '1' HOUR", 'TIMESTAMP', '2026-01-15 10:00:01.234'],
    ["ROWTIME + INTERVAL '1' MONTH", 'TIMESTAMP', '2026-02-15 11:00:01.234'],
    ['EXTRACT(HOUR FROM ROWTIME)', 'INTEGER', 11],
    ['EXTRACT(YEAR FROM ROWTIME)', 'INTEGER', 2026],
    ["TSDIFF(ROWTIME, TIMESTAMP '2026-01-15 11:00:00')", 'BIGINT', 1234],
    [
      "CHAR_TO_TIMESTAMP('yyyy-MM-dd hh:mm:ss', '2026-03-04 05:06:07')",
      'TIMESTAMP',
      '2026-03-04 05:06:07.000',
    ],
    [
      "CHAR_TO_TIMESTAMP('dd/MMM/yyyy:HH:mm:ss', '04/Mar/2026:17:06:07')",
      'TIMESTAMP',
      '2026-03-04 17:06:07.000',
    ],
    ["TIMESTAMP_TO_CHAR('yyyy/MM/dd HH:mm:ss.SSS', ROWTIME)", 'VARCHAR(30)', '2026/01/15 11:00:01.234'],
    ['"TICKER_SYMBOL"', 'VARCHAR(4)', 'AMZN'],
  ]
  it.each(cases)('%s', (expression, type, expected) => {
    expect(evaluate(expression, type)).toEqual(expected)
  })

  it('reports a coercion error of an input row to error_stream and keeps going', () => {
    const app = compileApplication(
      `CREATE STREAM o (t VARCHAR(4)); CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol FROM SOURCE_SQL_STREAM_001;`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    const errors = rowsOf(app, 'error_stream')
    app.push('SOURCE_SQL_STREAM_001', { TICKER_SYMBOL: 'BAD', PRICE: 'not a number' }, T0)
    push(app, 'OK', 1, T0 + 1)
    expect(errors.map((e) => [e.row.ERROR_NAME, e.row.PUMP_NAME])).toEqual([['CoercionError', null]])
    expect(Buffer.from(errors[0]?.row.DATA_ROW as string, 'hex').toString()).toContain('not a number')
    expect(out.map((o) => o.row.T)).toEqual(['OK'])
  })
})

describe('input and output values', () => {
  it('takes the decoded input values (epoch milliseconds for TIMESTAMP, ms since midnight for TIME, bytes) and gives plain JSON out', () => {
    const app = compileApplication(
      `CREATE STREAM o (ts TIMESTAMP, tm TIME, b VARBINARY(4), d DATE);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM ts, tm, b, CAST(ts AS DATE) FROM s;`,
      {
        inputs: [
          {
            name: 'S',
            columns: [
              { name: 'TS', sqlType: 'TIMESTAMP' },
              { name: 'TM', sqlType: 'TIME' },
              { name: 'B', sqlType: 'VARBINARY(4)' },
            ],
          },
        ],
      },
    )
    const out = rowsOf(app, 'O')
    app.push('S', { TS: T0 + 1500, TM: 3_600_000, B: new Uint8Array([1, 255]) }, T0)
    const row = out[0]?.row ?? {}
    expect(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toPlainValue(v)]))).toEqual({
      TS: '2026-01-15 11:00:01.500',
      TM: '1970-01-01 01:00:00.000',
      B: '01ff',
      D: '2026-01-15 00:00:00.000',
      ROWTIME: '2026-01-15 11:00:00.000',
    })
  })
})

describe('APPROXIMATE_ARRIVAL_TIME', () => {
  it('is the arrival time given with each input row, kept when ROWTIME is raised, and usable in WHERE', () => {
    const app = compileApplication(
      `CREATE STREAM o (t VARCHAR(4), arrived TIMESTAMP, r TIMESTAMP, lag_ms BIGINT);
       CREATE PUMP p AS INSERT INTO o
         SELECT STREAM ticker_symbol, APPROXIMATE_ARRIVAL_TIME, s.ROWTIME,
                TSDIFF(s.ROWTIME, s.APPROXIMATE_ARRIVAL_TIME)
         FROM SOURCE_SQL_STREAM_001 AS s
         WHERE APPROXIMATE_ARRIVAL_TIME >= TIMESTAMP '2026-01-15 11:00:00';`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    app.push('SOURCE_SQL_STREAM_001', { TICKER_SYMBOL: 'A' }, T0 + 5_000, T0 + 4_000)
    app.push('SOURCE_SQL_STREAM_001', { TICKER_SYMBOL: 'B' }, T0 + 1_000)
    app.push('SOURCE_SQL_STREAM_001', { TICKER_SYMBOL: 'C' }, T0 + 6_000, T0 - 1)
    expect(out.map((r) => [r.row.T, r.row.ARRIVED, r.row.R, r.row.LAG_MS])).toEqual([
      ['A', { ts: T0 + 4_000 }, { ts: T0 + 5_000 }, 1_000],
      ['B', { ts: T0 + 1_000 }, { ts: T0 + 5_000 }, 4_000],
    ])
  })

  it('is left out of SELECT *, exists only in input streams, and yields to a schema column of that name', () => {
    const check = (code: string, inputs = [INPUT]): ReturnType<typeof checkApplicationCode> =>
      checkApplicationCode(code, inputs)
    expect(
      check(`CREATE STREAM o (t VARCHAR(4), s VARCHAR(16), c REAL, p DOUBLE);
             CREATE PUMP p AS INSERT INTO o SELECT STREAM * FROM SOURCE_SQL_STREAM_001;`),
    ).toBeUndefined()
    expect(
      check(`CREATE STREAM m (t VARCHAR(4)); CREATE STREAM o (a TIMESTAMP);
             CREATE PUMP p1 AS INSERT INTO m SELECT STREAM ticker_symbol FROM SOURCE_SQL_STREAM_001;
             CREATE PUMP p2 AS INSERT INTO o SELECT STREAM APPROXIMATE_ARRIVAL_TIME FROM m;`),
    ).toMatchObject({
      message: expect.stringContaining(`Column 'APPROXIMATE_ARRIVAL_TIME' not found`) as unknown,
    })

    const own: StreamSchema = {
      name: 'S',
      columns: [{ name: 'APPROXIMATE_ARRIVAL_TIME', sqlType: 'VARCHAR(8)' }],
    }
    const app = compileApplication(
      `CREATE STREAM o (a VARCHAR(8)); CREATE PUMP p AS INSERT INTO o SELECT STREAM * FROM s;`,
      { inputs: [own] },
    )
    const out = rowsOf(app, 'O')
    app.push('S', { APPROXIMATE_ARRIVAL_TIME: 'mine' }, T0)
    expect(out.map((r) => r.row.A)).toEqual(['mine'])
  })
})

describe('runtime errors of closing windows', () => {
  it('a window total that does not fit its column goes to error_stream; the other groups are emitted', () => {
    const app = compileApplication(
      `CREATE STREAM o (t VARCHAR(4), total TINYINT);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol, SUM(price) FROM SOURCE_SQL_STREAM_001
       GROUP BY ticker_symbol, STEP(SOURCE_SQL_STREAM_001.ROWTIME BY INTERVAL '1' SECOND)
       ORDER BY STEP(SOURCE_SQL_STREAM_001.ROWTIME BY INTERVAL '1' SECOND), ticker_symbol;`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    const errors = rowsOf(app, 'error_stream')
    push(app, 'A', 100, T0)
    push(app, 'A', 100, T0 + 1)
    push(app, 'B', 5, T0 + 2)
    app.advance(T0 + 1000)
    expect(out.map((r) => [r.row.T, r.row.TOTAL])).toEqual([['B', 5]])
    expect(errors.map((e) => [e.row.ERROR_NAME, e.row.PUMP_NAME])).toEqual([['CoercionError', 'P']])
  })
})

describe('pumps and queries', () => {
  it('chains pumps through an intermediate stream, and a later window sees rows of the same advance', () => {
    const app = compileApplication(
      `CREATE STREAM counts (t VARCHAR(4), n INTEGER);
       CREATE STREAM big (t VARCHAR(4), n INTEGER);
       CREATE PUMP p2 AS INSERT INTO big SELECT STREAM t, n FROM counts WHERE n >= 2;
       CREATE PUMP p1 AS INSERT INTO counts
         SELECT STREAM ticker_symbol, COUNT(*) FROM SOURCE_SQL_STREAM_001
         GROUP BY ticker_symbol, FLOOR(SOURCE_SQL_STREAM_001.ROWTIME TO MINUTE);`,
      { inputs: [INPUT] },
    )
    const big = rowsOf(app, 'BIG')
    push(app, 'A', 1, T0)
    push(app, 'A', 1, T0 + 1000)
    push(app, 'B', 1, T0 + 2000)
    app.advance(T0 + 60_000)
    expect(big.map((r) => [r.row.T, r.row.N, r.rowtime - T0])).toEqual([['A', 2, 60_000]])
  })

  it('reads a subquery in FROM, with its ROWTIME', () => {
    const app = compileApplication(
      `CREATE STREAM o (t VARCHAR(4), pct DOUBLE);
       CREATE PUMP p AS INSERT INTO o
         SELECT STREAM s.t, s.pct FROM (
           SELECT STREAM ticker_symbol AS t, change / price * 100 AS pct FROM SOURCE_SQL_STREAM_001
         ) AS s WHERE s.pct > 1;`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    push(app, 'A', 100, T0, 2)
    push(app, 'B', 100, T0 + 5, 0.5)
    expect(out.map((r) => [r.row.T, r.row.PCT, r.rowtime - T0])).toEqual([['A', 2, 0]])
  })

  it('aggregates a tumbling window over a subquery with HAVING and AVG', () => {
    const app = compileApplication(
      `CREATE STREAM o (t VARCHAR(4), a DOUBLE, n BIGINT);
       CREATE PUMP p AS INSERT INTO o
         SELECT STREAM t, AVG(price), COUNT(*) FROM (SELECT STREAM ticker_symbol AS t, price FROM SOURCE_SQL_STREAM_001) AS s
         GROUP BY t, STEP(s.ROWTIME BY INTERVAL '10' SECOND) HAVING COUNT(*) > 1;`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    push(app, 'A', 10, T0)
    push(app, 'A', 20, T0 + 9_999)
    push(app, 'B', 20, T0 + 5_000)
    push(app, 'A', 30, T0 + 10_000)
    app.advance(T0 + 20_000)
    expect(out.map((r) => [r.row.T, r.row.A, r.row.N, r.rowtime - T0])).toEqual([['A', 15, 2, 10_000]])
  })

  it('in a windowed aggregate, a bare ROWTIME is the window end and STEP(ROWTIME ...) the window start', () => {
    const app = compileApplication(
      `CREATE STREAM o (r TIMESTAMP, w TIMESTAMP, n INTEGER);
       CREATE PUMP p AS INSERT INTO o
         SELECT STREAM ROWTIME, STEP(s.ROWTIME BY INTERVAL '1' MINUTE), COUNT(*) FROM SOURCE_SQL_STREAM_001 AS s
         GROUP BY STEP(s.ROWTIME BY INTERVAL '1' MINUTE);`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    push(app, 'A', 1, T0 + 5_000)
    push(app, 'A', 1, T0 + 15_000)
    app.advance(T0 + 60_000)
    expect(out.map((r) => [r.row.R, r.row.W, r.row.N])).toEqual([[{ ts: T0 + 60_000 }, { ts: T0 }, 2]])
  })

  it('REGEX_LOG_PARSE gives COLUMN1..n of its groups, read as T.REC.COLUMN1, and NULL when it does not match', () => {
    const app = compileApplication(
      `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (match1 VARCHAR(1024), match2 VARCHAR(1024));
       CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
         SELECT STREAM T.REC.COLUMN1, T.REC.COLUMN2
         FROM
              (SELECT STREAM SECTOR,
                  REGEX_LOG_PARSE(SECTOR, '.*([E].).*([R].*)') AS REC
                  FROM SOURCE_SQL_STREAM_001) AS T;`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'DESTINATION_SQL_STREAM')
    for (const sector of ['ENERGY', 'TECHNOLOGY', 'HEALTHCARE']) push(app, 'A', 1, T0, 0, sector)
    expect(out.map((r) => [r.row.MATCH1, r.row.MATCH2])).toEqual([
      ['EN', 'RGY'],
      [null, null],
      ['EA', 'RE'],
    ])
  })

  it('VARIABLE_COLUMN_LOG_PARSE splits by a delimiter into typed named columns', () => {
    const app = compileApplication(
      `CREATE STREAM o (a VARCHAR(8), b INTEGER, c VARCHAR(8));
       CREATE PUMP p AS INSERT INTO o SELECT STREAM t.r.A, t.r.B, t.c.COLUMN2 FROM (
         SELECT STREAM VARIABLE_COLUMN_LOG_PARSE(sector, 'A TYPE VARCHAR(8), B TYPE INTEGER', '|') AS r,
                       VARIABLE_COLUMN_LOG_PARSE(sector, 2, '|') AS c
         FROM SOURCE_SQL_STREAM_001) AS t;`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    push(app, 'A', 1, T0, 0, 'x|42')
    expect(out.map((r) => [r.row.A, r.row.B, r.row.C])).toEqual([['x', 42, '42']])
  })

  it('time-bounded ORDER BY sorts each ROWTIME window by the other keys, and releases it when the window passes', () => {
    const app = compileApplication(
      `CREATE STREAM o (t VARCHAR(4), p DOUBLE);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol, price AS p FROM SOURCE_SQL_STREAM_001 AS s
         ORDER BY FLOOR(s.ROWTIME TO SECOND), p DESC, ticker_symbol;`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    push(app, 'A', 1, T0 + 100)
    push(app, 'B', 3, T0 + 200)
    push(app, 'C', 3, T0 + 300)
    push(app, 'D', 2, T0 + 400)
    expect(out).toEqual([])
    push(app, 'E', 9, T0 + 1000)
    expect(out.map((r) => [r.row.T, r.rowtime - T0])).toEqual([
      ['B', 400],
      ['C', 400],
      ['D', 400],
      ['A', 400],
    ])
    app.advance(T0 + 2000)
    expect(out.map((r) => r.row.T)).toEqual(['B', 'C', 'D', 'A', 'E'])
  })

  it('runs a two-pump workshop application (quoted lower-case input columns, COUNT(1), ORDER BY STEP)', () => {
    const app = compileApplication(
      `CREATE OR REPLACE STREAM cleaned_trips (
        trip_id             BIGINT,
        passenger_count     INTEGER,
        total_amount        REAL
    );
    CREATE OR REPLACE PUMP clean_pump AS
        INSERT INTO cleaned_trips
            SELECT STREAM "trip_id", "passenger_count", "total_amount"
            FROM source_sql_stream_001
            WHERE "type" LIKE 'trip' AND ("pickup_latitude" <> 0);
    CREATE OR REPLACE STREAM trip_statistics (
        trip_count          INTEGER,
        passenger_count     INTEGER,
        total_amount        REAL
    );
    CREATE OR REPLACE PUMP statistics_pump AS
        INSERT INTO trip_statistics
            SELECT STREAM
                COUNT(1) as trip_count,
                SUM(passenger_count) as passenger_count,
                SUM(total_amount) as total_amount
            FROM cleaned_trips
            GROUP BY STEP(cleaned_trips.ROWTIME BY INTERVAL '2' SECOND)
            ORDER BY STEP(cleaned_trips.ROWTIME BY INTERVAL '2' SECOND);`,
      {
        inputs: [
          {
            name: 'SOURCE_SQL_STREAM_001',
            columns: [
              { name: 'type', sqlType: 'VARCHAR(8)' },
              { name: 'trip_id', sqlType: 'BIGINT' },
              { name: 'passenger_count', sqlType: 'INTEGER' },
              { name: 'total_amount', sqlType: 'REAL' },
              { name: 'pickup_latitude', sqlType: 'DOUBLE' },
            ],
          },
        ],
      },
    )
    const out = rowsOf(app, 'TRIP_STATISTICS')
    const trip = (
      type: string,
      id: number,
      passengers: number,
      amount: number,
      latitude: number,
      at: number,
    ): void => {
      app.push(
        'SOURCE_SQL_STREAM_001',
        { type, trip_id: id, passenger_count: passengers, total_amount: amount, pickup_latitude: latitude },
        at,
      )
    }
    trip('trip', 1, 2, 10.5, 40.7, T0)
    trip('fare', 2, 1, 99, 40.7, T0 + 500)
    trip('trip', 3, 3, 4.5, 0, T0 + 600)
    trip('trip', 4, 1, 5, 40.8, T0 + 1500)
    trip('trip', 5, 4, 8, 40.8, T0 + 2500)
    app.advance(T0 + 4000)
    expect(
      out.map((r) => [r.rowtime - T0, r.row.TRIP_COUNT, r.row.PASSENGER_COUNT, r.row.TOTAL_AMOUNT]),
    ).toEqual([
      [2000, 2, 3, 15.5],
      [4000, 1, 4, 8],
    ])
  })

  it('UNION ALL merges the rows of its branches', () => {
    const app = compileApplication(
      `CREATE STREAM o (t VARCHAR(4), src VARCHAR(2));
       CREATE PUMP p AS INSERT INTO o
         SELECT STREAM ticker_symbol, 'a' FROM SOURCE_SQL_STREAM_001 WHERE price > 10
         UNION ALL
         SELECT STREAM ticker_symbol, 'b' FROM SOURCE_SQL_STREAM_002;`,
      { inputs: [INPUT, { ...INPUT, name: 'SOURCE_SQL_STREAM_002' }] },
    )
    const out = rowsOf(app, 'O')
    push(app, 'A', 20, T0)
    push(app, 'X', 1, T0 + 1)
    app.push('SOURCE_SQL_STREAM_002', { TICKER_SYMBOL: 'B' }, T0 + 2)
    expect(out.map((r) => [r.row.T, r.row.SRC])).toEqual([
      ['A', 'a'],
      ['B', 'b'],
    ])
    expect(
      checkApplicationCode(
        `CREATE STREAM o (t VARCHAR(4)); CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol FROM SOURCE_SQL_STREAM_001
         UNION ALL SELECT STREAM ticker_symbol, price FROM SOURCE_SQL_STREAM_001;`,
        [INPUT],
      ),
    ).toMatchObject({ message: 'At line 2, column 20: Column count mismatch in UNION ALL' })
  })

  it("runs the SQL reference's exact distinct count (DISTINCT subquery, GROUP BY STEP of its window_time)", () => {
    const app = compileApplication(
      `CREATE OR REPLACE STREAM output_stream (ticker_symbol VARCHAR(4), unique_count BIGINT);
  CREATE OR REPLACE PUMP stream_pump AS
  INSERT INTO output_stream
  SELECT STREAM TICKER_SYMBOL, COUNT(distinct_stream.price) AS unique_count
    FROM (
      SELECT STREAM DISTINCT rowtime as window_time,
        TICKER_SYMBOL,
        CHANGE,
        PRICE,
        STEP((SOURCE_SQL_STREAM_001.rowtime) BY INTERVAL '5' SECOND)
        FROM SOURCE_SQL_STREAM_001) as distinct_stream
    GROUP BY TICKER_SYMBOL,
        STEP((distinct_stream.window_time) BY INTERVAL '5' SECOND);`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'OUTPUT_STREAM')
    push(app, 'A', 1, T0)
    push(app, 'A', 1, T0) // the same row at the same ROWTIME: not distinct
    push(app, 'A', 2, T0 + 1000)
    push(app, 'B', 1, T0 + 2000)
    push(app, 'A', 3, T0 + 6000)
    app.advance(T0 + 10_000)
    expect(out.map((r) => [r.rowtime - T0, r.row.TICKER_SYMBOL, r.row.UNIQUE_COUNT])).toEqual([
      [5000, 'A', 2],
      [5000, 'B', 1],
      [10_000, 'A', 1],
    ])
  })

  it('keeps unmatched rows out of an INNER reference join', () => {
    const app = compileApplication(
      `CREATE STREAM o (t VARCHAR(4), c VARCHAR(20));
       CREATE PUMP p AS INSERT INTO o SELECT STREAM s.ticker_symbol, r."Company"
         FROM SOURCE_SQL_STREAM_001 AS s JOIN "CompanyName" AS r ON s.ticker_symbol = r."Ticker";`,
      {
        inputs: [INPUT],
        referenceTables: [
          {
            name: 'CompanyName',
            columns: [
              { name: 'Ticker', sqlType: 'VARCHAR(4)' },
              { name: 'Company', sqlType: 'VARCHAR(20)' },
            ],
            rows: [{ Ticker: 'AMZN', Company: 'Amazon' }],
          },
        ],
      },
    )
    const out = rowsOf(app, 'O')
    push(app, 'AMZN', 1, T0)
    push(app, 'XX', 1, T0)
    app.setReferenceRows('CompanyName', [{ Ticker: 'XX', Company: 'Ex' }])
    push(app, 'XX', 1, T0)
    expect(out.map((r) => [r.row.T, r.row.C])).toEqual([
      ['AMZN', 'Amazon'],
      ['XX', 'Ex'],
    ])
  })

  it('joins two streams with a window on one side', () => {
    const app = compileApplication(
      `CREATE STREAM o (t VARCHAR(4), p DOUBLE, q DOUBLE);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM a.ticker_symbol, a.price, b.price
         FROM SOURCE_SQL_STREAM_001 AS a
         JOIN SOURCE_SQL_STREAM_002 OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS b
         ON a.ticker_symbol = b.ticker_symbol;`,
      { inputs: [INPUT, { ...INPUT, name: 'SOURCE_SQL_STREAM_002' }] },
    )
    const out = rowsOf(app, 'O')
    app.push('SOURCE_SQL_STREAM_002', { TICKER_SYMBOL: 'A', PRICE: 1 }, T0)
    app.push('SOURCE_SQL_STREAM_002', { TICKER_SYMBOL: 'B', PRICE: 2 }, T0 + 10_000)
    push(app, 'A', 10, T0 + 30_000)
    push(app, 'A', 11, T0 + 60_000) // the A row of the other stream is a minute old: out of the window
    push(app, 'B', 12, T0 + 60_000)
    expect(out.map((r) => [r.row.T, r.row.P, r.row.Q])).toEqual([
      ['A', 10, 1],
      ['B', 12, 2],
    ])
  })

  it('LAG and FIRST_VALUE over a ROWS window', () => {
    const app = compileApplication(
      `CREATE STREAM o (p DOUBLE, prev DOUBLE, first_p DOUBLE);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM price, LAG(price, 1) OVER w, FIRST_VALUE(price) OVER w
         FROM SOURCE_SQL_STREAM_001 WINDOW w AS (PARTITION BY ticker_symbol ROWS 2 PRECEDING);`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    for (const [i, price] of [1, 2, 3, 4].entries()) push(app, 'A', price, T0 + i)
    expect(out.map((r) => [r.row.P, r.row.PREV, r.row.FIRST_P])).toEqual([
      [1, null, 1],
      [2, 1, 1],
      [3, 2, 1],
      [4, 3, 2],
    ])
  })

  it('TOP_K_ITEMS_TUMBLING gives the k most frequent values per window', () => {
    const app = compileApplication(
      `CREATE OR REPLACE STREAM DESTINATION_SQL_STREAM (ITEM VARCHAR(1024), ITEM_COUNT DOUBLE);
       CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
         SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(
           CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER_SYMBOL', 2, 60));`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'DESTINATION_SQL_STREAM')
    for (const [i, t] of ['A', 'B', 'A', 'C', 'B', 'A'].entries()) push(app, t, 1, T0 + i * 1000)
    push(app, 'C', 1, T0 + 61_000)
    app.advance(T0 + 120_000)
    expect(out.map((r) => [r.row.ITEM, r.row.ITEM_COUNT, r.rowtime - T0])).toEqual([
      ['A', 3, 60_000],
      ['B', 2, 60_000],
      ['C', 1, 120_000],
    ])
  })

  it('COUNT_DISTINCT_ITEMS_TUMBLING counts distinct values per window', () => {
    const app = compileApplication(
      `CREATE STREAM o (n BIGINT);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM * FROM TABLE(COUNT_DISTINCT_ITEMS_TUMBLING(
           CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER_SYMBOL', 10));`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    for (const [i, t] of ['A', 'B', 'A', 'C'].entries()) push(app, t, 1, T0 + i * 1000)
    app.advance(T0 + 10_000)
    expect(out.map((r) => r.row.N)).toEqual([3])
  })

  it('SELECT STREAM DISTINCT drops repeats within the same monotonic value', () => {
    const app = compileApplication(
      `CREATE STREAM o (w TIMESTAMP, t VARCHAR(4));
       CREATE PUMP p AS INSERT INTO o SELECT STREAM DISTINCT STEP(ROWTIME BY INTERVAL '10' SECOND), ticker_symbol
         FROM SOURCE_SQL_STREAM_001;`,
      { inputs: [INPUT] },
    )
    const out = rowsOf(app, 'O')
    for (const [i, t] of ['A', 'A', 'B', 'A'].entries()) push(app, t, 1, T0 + i * 1000)
    push(app, 'A', 1, T0 + 10_000)
    expect(out.map((r) => [r.rowtime - T0, r.row.T])).toEqual([
      [0, 'A'],
      [2000, 'B'],
      [10_000, 'A'],
    ])
  })
})

describe('checkApplicationCode', () => {
  const check = (code: string): ReturnType<typeof checkApplicationCode> => checkApplicationCode(code, [INPUT])

  it('accepts valid code', () => {
    expect(
      check(
        `CREATE STREAM o (t VARCHAR(4)); CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol FROM SOURCE_SQL_STREAM_001;`,
      ),
    ).toBeUndefined()
  })

  it('names an unknown column at its position', () => {
    expect(
      check(`CREATE STREAM o (t VARCHAR(4));
CREATE PUMP p AS INSERT INTO o SELECT STREAM tickr FROM SOURCE_SQL_STREAM_001;`),
    ).toEqual({ message: "At line 2, column 46: Column 'TICKR' not found in any table", line: 2, column: 46 })
  })

  it('resolves unquoted names by upper case only: a quoted lower-case name is another column', () => {
    expect(
      check(
        `CREATE STREAM o (t VARCHAR(4)); CREATE PUMP p AS INSERT INTO o SELECT STREAM "ticker_symbol" FROM SOURCE_SQL_STREAM_001;`,
      ),
    ).toMatchObject({ message: expect.stringContaining(`Column 'ticker_symbol' not found`) as unknown })
  })

  it('names an unknown stream, an unknown target and a column count mismatch', () => {
    expect(
      check(`CREATE STREAM o (t VARCHAR(4)); CREATE PUMP p AS INSERT INTO o SELECT STREAM a FROM nowhere;`),
    ).toMatchObject({
      message: "At line 1, column 85: Object 'NOWHERE' not found",
    })
    expect(
      check(`CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol FROM SOURCE_SQL_STREAM_001;`),
    ).toMatchObject({
      message: "At line 1, column 1: Object 'O' not found",
    })
    expect(
      check(
        `CREATE STREAM o (t VARCHAR(4)); CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol, price FROM SOURCE_SQL_STREAM_001;`,
      ),
    ).toMatchObject({
      message: expect.stringContaining(
        'Number of INSERT target columns (1) does not equal number of source items (2)',
      ) as unknown,
    })
  })

  it('refuses an unknown function, an aggregate without a window and a GROUP BY without a ROWTIME window', () => {
    expect(
      check(
        `CREATE STREAM o (t INT); CREATE PUMP p AS INSERT INTO o SELECT STREAM FOO(price) FROM SOURCE_SQL_STREAM_001;`,
      ),
    ).toMatchObject({
      message: 'At line 1, column 71: No match found for function signature FOO',
    })
    expect(
      check(
        `CREATE STREAM o (t INT); CREATE PUMP p AS INSERT INTO o SELECT STREAM COUNT(*) FROM SOURCE_SQL_STREAM_001;`,
      ),
    ).toMatchObject({
      line: 1,
      column: 71,
    })
    expect(
      check(
        `CREATE STREAM o (t INT); CREATE PUMP p AS INSERT INTO o SELECT STREAM COUNT(*) FROM SOURCE_SQL_STREAM_001 GROUP BY ticker_symbol;`,
      ),
    ).toMatchObject({ message: expect.stringContaining('needs a ROWTIME window') as unknown })
  })

  it('renames the columns of a subquery with AS t(a, ...), which must name each of them', () => {
    expect(
      check(`CREATE STREAM o (t VARCHAR(4));
CREATE PUMP p AS INSERT INTO o SELECT STREAM q.sym FROM (SELECT STREAM ticker_symbol FROM SOURCE_SQL_STREAM_001) AS q(sym);`),
    ).toBeUndefined()
    expect(
      check(`CREATE STREAM o (t VARCHAR(4));
CREATE PUMP p AS INSERT INTO o SELECT STREAM q.a FROM (SELECT STREAM ticker_symbol FROM SOURCE_SQL_STREAM_001) AS q(a, b);`),
    ).toEqual({
      message: "At line 2, column 55: The subquery has 1 columns; 'Q' names 2",
      line: 2,
      column: 55,
    })
  })

  it('refuses LEAD and ROW_NUMBER, which the Kinesis Data Analytics SQL reference does not have', () => {
    for (const call of ['LEAD(price) OVER (ROWS 2 PRECEDING)', 'ROW_NUMBER() OVER (ROWS 2 PRECEDING)']) {
      expect(
        check(
          `CREATE STREAM o (t DOUBLE); CREATE PUMP p AS INSERT INTO o SELECT STREAM ${call} FROM SOURCE_SQL_STREAM_001;`,
        )?.message,
      ).toMatch(/^At line 1, column 74: No match found for function signature (LEAD|ROW_NUMBER)$/)
    }
  })

  it('gives the syntax error with its position', () => {
    expect(check(`CREATE STREAM o (t INT`)).toEqual({
      message: 'Encountered "<EOF>" at line 1, column 23. Was expecting ")"',
      line: 1,
      column: 23,
    })
  })
})

describe('windows over time (properties)', () => {
  const TUMBLING = `CREATE STREAM o (t VARCHAR(4), n BIGINT, s DOUBLE);
    CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol, COUNT(*), SUM(price) FROM SOURCE_SQL_STREAM_001
    GROUP BY ticker_symbol, STEP(SOURCE_SQL_STREAM_001.ROWTIME BY INTERVAL '10' SECOND);`
  const STAGGER = `CREATE STREAM o (t VARCHAR(4), n BIGINT, s DOUBLE);
    CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol, COUNT(*), SUM(price) FROM SOURCE_SQL_STREAM_001
    WINDOWED BY STAGGER (PARTITION BY ticker_symbol RANGE INTERVAL '7' SECOND);`
  const SLIDING = `CREATE STREAM o (t VARCHAR(4), n BIGINT, s DOUBLE);
    CREATE PUMP p AS INSERT INTO o SELECT STREAM ticker_symbol, COUNT(*) OVER w, SUM(price) OVER w FROM SOURCE_SQL_STREAM_001
    WINDOW w AS (PARTITION BY ticker_symbol RANGE INTERVAL '5' SECOND PRECEDING);`

  const events = fc.array(
    fc.record({
      gap: fc.integer({ min: 0, max: 4000 }),
      ticker: fc.constantFrom('A', 'B', 'C'),
      price: fc.integer({ min: 1, max: 100 }),
    }),
    { maxLength: 60 },
  )

  type Event = { gap: number; ticker: string; price: number }

  function run(code: string, list: Event[], cut?: number): unknown[] {
    let app = compileApplication(code, { inputs: [INPUT] })
    const out: unknown[] = []
    const listen = (a: Application): void => {
      a.onRow((name, row, rowtime) => {
        if (name === 'O') out.push([rowtime, row.T, row.N, row.S])
      })
    }
    listen(app)
    let at = T0
    list.forEach((event, i) => {
      if (i === cut) {
        const saved = JSON.parse(JSON.stringify(app.snapshot())) as ReturnType<Application['snapshot']>
        app = compileApplication(code, { inputs: [INPUT] })
        app.restore(saved)
        listen(app)
      }
      at += event.gap
      push(app, event.ticker, event.price, at)
    })
    app.advance(at + 3_600_000)
    return out
  }

  it('a tumbling window counts every row in exactly one window, in the window its ROWTIME falls in', () => {
    fc.assert(
      fc.property(events, (list) => {
        const out = run(TUMBLING, list) as [number, string, number, number][]
        expect(out.reduce((sum, [, , n]) => sum + n, 0)).toBe(list.length)
        expect(out.reduce((sum, [, , , s]) => sum + s, 0)).toBe(list.reduce((sum, e) => sum + e.price, 0))
        let at = T0
        const expected = new Map<string, number>()
        for (const e of list) {
          at += e.gap
          const key = `${Math.floor(at / 10_000) * 10_000 + 10_000}/${e.ticker}`
          expected.set(key, (expected.get(key) ?? 0) + 1)
        }
        expect(new Map(out.map(([rowtime, t, n]) => [`${rowtime}/${t}`, n]))).toEqual(expected)
      }),
    )
  })

  it.each([
    ['RANGE', "RANGE INTERVAL '5' SECOND PRECEDING"],
    ['ROWS', 'ROWS 3 PRECEDING'],
  ])('sliding %s aggregates equal a recount of the window for every row', (kind, frame) => {
    const code = `CREATE STREAM o (n BIGINT, s DOUBLE, lo DOUBLE, hi DOUBLE, f DOUBLE, l DOUBLE, a DOUBLE);
      CREATE PUMP p AS INSERT INTO o SELECT STREAM COUNT(price) OVER w, SUM(price) OVER w, MIN(price) OVER w,
        MAX(price) OVER w, FIRST_VALUE(price) OVER w, LAST_VALUE(price) OVER w, AVG(price) OVER w
      FROM SOURCE_SQL_STREAM_001 WINDOW w AS (PARTITION BY ticker_symbol ${frame});`
    const priced = fc.array(
      fc.record({
        gap: fc.integer({ min: 0, max: 3000 }),
        ticker: fc.constantFrom('A', 'B'),
        price: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
      }),
      { maxLength: 80 },
    )
    fc.assert(
      fc.property(priced, (list) => {
        const app = compileApplication(code, { inputs: [INPUT] })
        const out = rowsOf(app, 'O')
        const seen: { at: number; ticker: string; price: number | null }[] = []
        const expected: unknown[] = []
        let at = T0
        for (const event of list) {
          at += event.gap
          app.push('SOURCE_SQL_STREAM_001', { TICKER_SYMBOL: event.ticker, PRICE: event.price }, at)
          seen.push({ at, ticker: event.ticker, price: event.price })
          const mine = seen.filter((e) => e.ticker === event.ticker)
          const window = kind === 'ROWS' ? mine.slice(-4) : mine.filter((e) => e.at > at - 5000)
          const prices = window.flatMap((e) => (e.price === null ? [] : [e.price]))
          const sum = prices.reduce((x, y) => x + y, 0)
          expected.push([
            prices.length,
            prices.length === 0 ? null : sum,
            prices.length === 0 ? null : Math.min(...prices),
            prices.length === 0 ? null : Math.max(...prices),
            window[0]?.price ?? null,
            event.price,
            prices.length === 0 ? null : sum / prices.length,
          ])
        }
        expect(out.map((r) => [r.row.N, r.row.S, r.row.LO, r.row.HI, r.row.F, r.row.L, r.row.A])).toEqual(
          expected,
        )
      }),
    )
  })

  it.each([
    ['tumbling', TUMBLING],
    ['stagger', STAGGER],
    ['sliding', SLIDING],
  ])(
    'a %s window restored from a snapshot mid-stream gives the rows of an uninterrupted run',
    (_name, code) => {
      fc.assert(
        fc.property(events, fc.nat(), (list, cut) => {
          const position = list.length === 0 ? 0 : cut % list.length
          expect(run(code, list, position)).toEqual(run(code, list))
        }),
      )
    },
  )
})
