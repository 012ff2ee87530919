import { describe, expect, it } from 'vitest'

import { checkCodeWithSqlEngine } from './code-checker.ts'
import type { InApplicationSource } from './deps.ts'

const TICKER: InApplicationSource = {
  name: 'SOURCE_SQL_STREAM_001',
  kind: 'stream',
  columns: [
    { name: 'TICKER_SYMBOL', sqlType: 'VARCHAR(4)' },
    { name: 'PRICE', sqlType: 'REAL' },
  ],
}
const COMPANIES: InApplicationSource = {
  name: 'COMPANIES',
  kind: 'table',
  columns: [
    { name: 'TICKER', sqlType: 'VARCHAR(4)' },
    { name: 'NAME', sqlType: 'VARCHAR(64)' },
  ],
}
const PUMP = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), name VARCHAR(64), price REAL);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM s.ticker_symbol, c.name, s.price
FROM "SOURCE_SQL_STREAM_001" AS s LEFT JOIN "COMPANIES" AS c ON s.ticker_symbol = c.ticker;`

describe('the SQL engine as the API code check', () => {
  it('accepts code reading the input stream and a reference table', () => {
    expect(checkCodeWithSqlEngine(PUMP, [TICKER, COMPANIES])).toBeUndefined()
  })

  it('names the place of the first problem', () => {
    expect(checkCodeWithSqlEngine(PUMP, [TICKER])).toMatchObject({ line: expect.any(Number) as number })
    const problem = checkCodeWithSqlEngine('CREATE OR REPLACE STREAM "OUT" (a INTEGER);\nSELEC 1;', [TICKER])
    expect(problem).toMatchObject({ line: 2, column: 1 })
  })

  it('checks the arguments of RANDOM_CUT_FOREST and HOTSPOTS', () => {
    const code = (fn: string): string => `CREATE OR REPLACE STREAM "OUT" (price REAL, s DOUBLE);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
SELECT STREAM "PRICE", ANOMALY_SCORE FROM TABLE(${fn});`
    const cursor = 'CURSOR(SELECT STREAM "PRICE" FROM "SOURCE_SQL_STREAM_001")'
    expect(checkCodeWithSqlEngine(code(`RANDOM_CUT_FOREST(${cursor})`), [TICKER])).toBeUndefined()
    expect(
      checkCodeWithSqlEngine(code(`RANDOM_CUT_FOREST(${cursor}, 100, 256, 100000, 31)`), [TICKER]),
    ).toEqual({
      message: 'At line 3, column 145: shingleSize of RANDOM_CUT_FOREST must be an integer from 1 to 30',
      line: 3,
      column: 145,
    })
    expect(checkCodeWithSqlEngine(code(`HOTSPOTS(${cursor}, 50, 0.1, 10)`), [TICKER])).toMatchObject({
      message: expect.stringContaining(
        'windowSize of HOTSPOTS must be an integer from 100 to 1000',
      ) as unknown,
    })
  })
})
