import { describe, expect, it } from 'vitest'

import { compileApplication, type StreamSchema } from './application.ts'

const columns = [
  { name: 'TICKER', sqlType: 'VARCHAR(4)' },
  { name: 'PRICE', sqlType: 'REAL' },
]
const inputs: StreamSchema[] = [
  'SOURCE_SQL_STREAM_001',
  'SOURCE_SQL_STREAM_002',
  'SOURCE_SQL_STREAM_003',
].map((name) => ({ name, columns }))

const DEST = 'CREATE OR REPLACE STREAM "DEST" (TICKER VARCHAR(4), PRICE REAL);'
const pumpFrom = (pump: string, source: string, target = 'DEST'): string =>
  `CREATE OR REPLACE PUMP "${pump}" AS INSERT INTO "${target}" SELECT STREAM TICKER, PRICE FROM "${source}";`

const groups = (code: string): string[][] => compileApplication(code, { inputs }).inputGroups()

describe('the input streams an application can run apart', () => {
  it('keeps every input apart when each pump reads one input, even when they write to one output stream', () => {
    const code = [
      DEST,
      pumpFrom('P1', 'SOURCE_SQL_STREAM_001'),
      pumpFrom('P2', 'SOURCE_SQL_STREAM_002'),
      pumpFrom('P3', 'SOURCE_SQL_STREAM_003'),
    ].join('\n')
    expect(groups(code)).toEqual([
      ['SOURCE_SQL_STREAM_001'],
      ['SOURCE_SQL_STREAM_002'],
      ['SOURCE_SQL_STREAM_003'],
    ])
  })

  it('keeps inputs apart through chains of streams that each derive from one input', () => {
    const code = [
      DEST,
      'CREATE OR REPLACE STREAM "MID_1" (TICKER VARCHAR(4), PRICE REAL);',
      'CREATE OR REPLACE STREAM "MID_2" (TICKER VARCHAR(4), PRICE REAL);',
      pumpFrom('P1', 'SOURCE_SQL_STREAM_001', 'MID_1'),
      pumpFrom('P2', 'SOURCE_SQL_STREAM_002', 'MID_2'),
      `CREATE OR REPLACE PUMP "W1" AS INSERT INTO "DEST" SELECT STREAM TICKER, AVG(PRICE) FROM "MID_1"
         GROUP BY TICKER, STEP("MID_1".ROWTIME BY INTERVAL '60' SECOND);`,
      `CREATE OR REPLACE PUMP "W2" AS INSERT INTO "DEST" SELECT STREAM TICKER, AVG(PRICE) FROM "MID_2"
         GROUP BY TICKER, STEP("MID_2".ROWTIME BY INTERVAL '60' SECOND);`,
    ].join('\n')
    expect(groups(code)).toEqual([
      ['SOURCE_SQL_STREAM_001'],
      ['SOURCE_SQL_STREAM_002'],
      ['SOURCE_SQL_STREAM_003'],
    ])
  })

  it('puts inputs together when a pump reads a stream that two inputs feed', () => {
    const code = [
      DEST,
      'CREATE OR REPLACE STREAM "BOTH" (TICKER VARCHAR(4), PRICE REAL);',
      pumpFrom('P1', 'SOURCE_SQL_STREAM_001', 'BOTH'),
      pumpFrom('P2', 'SOURCE_SQL_STREAM_002', 'BOTH'),
      `CREATE OR REPLACE PUMP "W" AS INSERT INTO "DEST" SELECT STREAM TICKER, AVG(PRICE) FROM "BOTH"
         GROUP BY TICKER, STEP("BOTH".ROWTIME BY INTERVAL '60' SECOND);`,
      pumpFrom('P3', 'SOURCE_SQL_STREAM_003'),
    ].join('\n')
    expect(groups(code)).toEqual([
      ['SOURCE_SQL_STREAM_001', 'SOURCE_SQL_STREAM_002'],
      ['SOURCE_SQL_STREAM_003'],
    ])
  })

  it('puts inputs together when a pump joins them', () => {
    const code = [
      DEST,
      `CREATE OR REPLACE PUMP "J" AS INSERT INTO "DEST"
         SELECT STREAM a.TICKER, b.PRICE
         FROM "SOURCE_SQL_STREAM_001" OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS a
         JOIN "SOURCE_SQL_STREAM_003" AS b ON a.TICKER = b.TICKER;`,
    ].join('\n')
    expect(groups(code)).toEqual([
      ['SOURCE_SQL_STREAM_001', 'SOURCE_SQL_STREAM_003'],
      ['SOURCE_SQL_STREAM_002'],
    ])
  })

  it('is one group for one input', () => {
    const app = compileApplication(`${DEST}\n${pumpFrom('P1', 'SOURCE_SQL_STREAM_001')}`, {
      inputs: [inputs[0] as StreamSchema],
    })
    expect(app.inputGroups()).toEqual([['SOURCE_SQL_STREAM_001']])
  })
})
