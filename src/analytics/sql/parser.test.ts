import { describe, expect, it } from 'vitest'

import type { Expr, Query, Statement } from './ast.ts'
import { SqlCodeError } from './lexer.ts'
import { parseApplicationCode, parseExpression } from './parser.ts'

function only(code: string): Statement {
  const statements = parseApplicationCode(code)
  expect(statements).toHaveLength(1)
  return statements[0] as Statement
}

function pumpQuery(code: string): Query {
  const statement = only(code)
  if (statement.k !== 'createPump') throw new Error('not a pump')
  return statement.query
}

function syntaxError(code: string): SqlCodeError {
  try {
    parseApplicationCode(code)
  } catch (error) {
    if (error instanceof SqlCodeError) return error
    throw error
  }
  throw new Error('no error')
}

describe('statements', () => {
  it('reads CREATE OR REPLACE STREAM with every column type, folding unquoted names', () => {
    const statement =
      only(`CREATE OR REPLACE STREAM "Dest" (a VARCHAR(4), "b" CHAR(2), c INTEGER, d INT, e BIGINT,
      f SMALLINT, g TINYINT, h REAL, i DOUBLE, j DECIMAL(5,2), k NUMERIC, l BOOLEAN, m TIMESTAMP, n DATE, o TIME, p VARBINARY(16))`)
    expect(statement).toMatchObject({ k: 'createStream', orReplace: true, name: 'Dest' })
    if (statement.k !== 'createStream') return
    expect(statement.columns.map((c) => [c.name, c.type])).toEqual([
      ['A', { name: 'VARCHAR', length: 4 }],
      ['b', { name: 'CHAR', length: 2 }],
      ['C', { name: 'INTEGER' }],
      ['D', { name: 'INTEGER' }],
      ['E', { name: 'BIGINT' }],
      ['F', { name: 'SMALLINT' }],
      ['G', { name: 'TINYINT' }],
      ['H', { name: 'REAL' }],
      ['I', { name: 'DOUBLE' }],
      ['J', { name: 'DECIMAL', length: 5, scale: 2 }],
      ['K', { name: 'DECIMAL' }],
      ['L', { name: 'BOOLEAN' }],
      ['M', { name: 'TIMESTAMP' }],
      ['N', { name: 'DATE' }],
      ['O', { name: 'TIME' }],
      ['P', { name: 'VARBINARY', length: 16 }],
    ])
  })

  it('reads CREATE PUMP ... AS INSERT INTO s (cols) SELECT STREAM', () => {
    const statement = only(`CREATE PUMP p AS INSERT INTO "out" (x, "Y") SELECT STREAM * FROM s`)
    expect(statement).toMatchObject({
      k: 'createPump',
      orReplace: false,
      name: 'P',
      target: 'out',
      columns: ['X', 'Y'],
    })
  })

  it('reads several statements, comments and a trailing semicolon', () => {
    const statements = parseApplicationCode(`-- a comment
      CREATE STREAM a (x INT); /* a
      block */ CREATE STREAM b (y INT);;
      SELECT STREAM x FROM a;`)
    expect(statements.map((s) => s.k)).toEqual(['createStream', 'createStream', 'select'])
  })
})

describe('queries', () => {
  it('reads select items with aliases, qualified stars and expressions', () => {
    const query = pumpQuery(
      `CREATE PUMP p AS INSERT INTO o SELECT STREAM s.*, a AS "alias", b c, a + 1 FROM s AS s`,
    )
    expect(query.stream).toBe(true)
    expect(query.items.map((i) => [i.expr.k, i.alias])).toEqual([
      ['star', undefined],
      ['column', 'alias'],
      ['column', 'C'],
      ['binary', undefined],
    ])
    expect(query.from).toMatchObject({ k: 'stream', name: 'S', alias: 'S' })
  })

  it('reads GROUP BY with STEP and FLOOR ... TO, and HAVING', () => {
    const query = pumpQuery(`CREATE PUMP p AS INSERT INTO o SELECT STREAM t, COUNT(*) FROM s
      GROUP BY t, STEP(s.ROWTIME BY INTERVAL '10' SECOND), FLOOR(s.ROWTIME TO MINUTE) HAVING COUNT(*) > 2`)
    expect(query.groupBy?.map((e) => e.k)).toEqual(['column', 'step', 'floor'])
    expect(query.groupBy?.[1]).toMatchObject({ k: 'step', ms: 10_000 })
    expect(query.groupBy?.[2]).toMatchObject({ k: 'floor', unit: 'MINUTE' })
    expect(query.having).toMatchObject({ k: 'binary', op: '>' })
  })

  it('reads WINDOW clauses, OVER a name or an inline window, and ROWS', () => {
    const query =
      pumpQuery(`CREATE PUMP p AS INSERT INTO o SELECT STREAM AVG(x) OVER w1, SUM(x) OVER (PARTITION BY k ROWS 10 PRECEDING)
      FROM s WINDOW w1 AS (PARTITION BY k RANGE INTERVAL '1' MINUTE PRECEDING), w2 AS (ROWS 2 PRECEDING)`)
    expect(query.windows.map((w) => [w.name, w.spec.rangeMs, w.spec.rows])).toEqual([
      ['W1', 60_000, undefined],
      ['W2', undefined, 2],
    ])
    expect(query.items[0]?.expr).toMatchObject({ k: 'call', name: 'AVG', over: 'W1' })
    expect(query.items[1]?.expr).toMatchObject({ k: 'call', name: 'SUM', over: { rows: 10 } })
  })

  it('reads WINDOWED BY STAGGER', () => {
    const query = pumpQuery(`CREATE PUMP p AS INSERT INTO o SELECT STREAM COUNT(*) FROM s
      WINDOWED BY STAGGER (PARTITION BY FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL RANGE INTERVAL '1' MINUTE)`)
    expect(query.stagger?.rangeMs).toBe(60_000)
    expect(query.stagger?.partitionBy.map((e) => e.k)).toEqual(['floor', 'column'])
  })

  it('reads subqueries, joins and table functions in FROM', () => {
    const sub = pumpQuery(`CREATE PUMP p AS INSERT INTO o SELECT STREAM * FROM (SELECT STREAM a FROM s) AS t`)
    expect(sub.from).toMatchObject({ k: 'subquery', alias: 'T' })
    const join =
      pumpQuery(`CREATE PUMP p AS INSERT INTO o SELECT STREAM * FROM s LEFT OUTER JOIN "Ref" AS r ON s.a = r."a"
      JOIN t OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS u ON u.x = s.x`)
    expect(join.from).toMatchObject({
      k: 'join',
      kind: 'INNER',
      left: { k: 'join', kind: 'LEFT', right: { name: 'Ref', alias: 'R' } },
      right: { k: 'stream', name: 'T', alias: 'U', over: { rangeMs: 3_600_000 } },
    })
    const table = pumpQuery(`CREATE PUMP p AS INSERT INTO o SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(
      CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER_SYMBOL', 3, 60))`)
    expect(table.from).toMatchObject({
      k: 'function',
      call: { name: 'TOP_K_ITEMS_TUMBLING', args: [{ k: 'cursor' }, {}, {}, {}] },
    })
  })
})

describe('expressions', () => {
  const cases: [string, unknown][] = [
    ["CASE WHEN a > 1 THEN 'x' ELSE 'y' END", { k: 'case', whens: [{}] }],
    ['CASE a WHEN 1 THEN 2 END', { k: 'case', operand: { k: 'column' } }],
    ['CAST(a AS DECIMAL(5, 2))', { k: 'cast', type: { name: 'DECIMAL', length: 5, scale: 2 } }],
    ["a || 'b'", { k: 'binary', op: '||' }],
    ["a LIKE 'x%' ESCAPE '!'", { k: 'like', similar: false, not: false }],
    ["a NOT SIMILAR TO '(x|y)+'", { k: 'like', similar: true, not: true }],
    ['a NOT IN (1, 2)', { k: 'in', not: true }],
    ['a BETWEEN 1 AND 2', { k: 'between', not: false }],
    ['a IS NOT NULL', { k: 'is', what: 'NULL', not: true }],
    ["INTERVAL '1:30' MINUTE TO SECOND", { k: 'interval', ms: 90_000 }],
    ["INTERVAL '2' DAY", { k: 'interval', ms: 172_800_000 }],
    ["TIMESTAMP '2026-01-01 00:00:00'", { k: 'literal', value: { t: 'timestamp' } }],
    ['1.50', { k: 'literal', value: { t: 'decimal', v: 1.5, scale: 2 } }],
    ['-3', { k: 'literal', value: { t: 'integer', v: -3 } }],
    ['1e3', { k: 'literal', value: { t: 'double', v: 1000 } }],
    ["'it''s'", { k: 'literal', value: { t: 'string', v: "it's" } }],
    ['EXTRACT(HOUR FROM ROWTIME)', { k: 'extract', unit: 'HOUR' }],
    ["POSITION('a' IN b)", { k: 'position' }],
    ['SUBSTRING(a FROM 2 FOR 3)', { k: 'call', name: 'SUBSTRING', args: [{}, {}, {}] }],
    ['SUBSTRING(a, 2)', { k: 'call', name: 'SUBSTRING', args: [{}, {}] }],
    ["TRIM(LEADING 'x' FROM a)", { k: 'trim', mode: 'LEADING', chars: {} }],
    ['CURRENT_ROW_TIMESTAMP', { k: 'call', name: 'CURRENT_ROW_TIMESTAMP', args: [] }],
    ['FLOOR(a)', { k: 'call', name: 'FLOOR' }],
    ['CEIL(ROWTIME TO HOUR)', { k: 'floor', ceil: true, unit: 'HOUR' }],
    ['COUNT(DISTINCT a)', { k: 'call', name: 'COUNT', distinct: true }],
    ['LAG(a, 2) OVER (ROWS 3 PRECEDING)', { k: 'call', name: 'LAG', over: { rows: 3 } }],
    ['LAG(a) IGNORE NULLS OVER w', { k: 'call', name: 'LAG', ignoreNulls: true, over: 'W' }],
    [
      'NTH_VALUE(a, 2) FROM LAST IGNORE NULLS OVER w',
      { k: 'call', name: 'NTH_VALUE', fromLast: true, ignoreNulls: true, over: 'W' },
    ],
    [
      'NTH_VALUE(a, 2) FROM FIRST RESPECT NULLS OVER w',
      { k: 'call', name: 'NTH_VALUE', fromLast: false, ignoreNulls: false },
    ],
    ['MONOTONIC(a)', { k: 'call', name: 'MONOTONIC', args: [{ k: 'column', name: 'A' }] }],
  ]
  it.each(cases)('%s', (text, shape) => {
    expect(parseExpression(text)).toMatchObject(shape as Expr)
  })

  it('reads FROM after NTH_VALUE as the FROM clause unless FIRST or LAST is followed by the window', () => {
    const query = pumpQuery('CREATE PUMP p AS INSERT INTO o SELECT STREAM NTH_VALUE(a, 1) FROM LAST')
    expect(query.from).toMatchObject({ k: 'stream', name: 'LAST' })
    expect(query.items[0]?.expr).not.toHaveProperty('fromLast')
  })

  it('gives * and / precedence over + and -, and AND over OR', () => {
    expect(parseExpression('1 + 2 * 3')).toMatchObject({ op: '+', right: { op: '*' } })
    expect(parseExpression('a OR b AND c')).toMatchObject({ op: 'OR', right: { op: 'AND' } })
    expect(parseExpression('NOT a = b')).toMatchObject({ k: 'unary', op: 'NOT', operand: { op: '=' } })
  })

  it('keeps quoted identifiers exact and folds unquoted ones to upper case', () => {
    expect(parseExpression('"c"."Company"')).toMatchObject({ k: 'column', qualifier: 'c', name: 'Company' })
    expect(parseExpression('c.company')).toMatchObject({ k: 'column', qualifier: 'C', name: 'COMPANY' })
    expect(parseExpression('"a""b"')).toMatchObject({ k: 'column', name: 'a"b' })
  })
})

describe('syntax errors', () => {
  it('points at a misspelled keyword', () => {
    const error = syntaxError(`CREATE OR REPLACE STREAM out (a INT);
CREATE OR REPLACE PUMP p AS INSERT INTOO out
  SELECT STREAM a FROM s;`)
    expect([error.line, error.column]).toEqual([2, 36])
    expect(error.message).toBe('Encountered "INTOO" at line 2, column 36. Was expecting "INTO"')
    const stream = syntaxError(`\n  CREATE OR REPLACE STRAEM out (a INT)`)
    expect(stream.message).toBe('Encountered "STRAEM" at line 2, column 21. Was expecting "STREAM" or "PUMP"')
  })

  it('takes a misspelled FROM after a select item as its alias, and points at the token after it', () => {
    const error = syntaxError(`CREATE STREAM out (a INT);
CREATE PUMP p AS INSERT INTO out
  SELECT STREAM a FORM s;`)
    expect([error.line, error.column]).toEqual([3, 24])
    expect(error.message).toBe('Encountered "s" at line 3, column 24. Was expecting "FROM"')
  })

  it('points at the token after a missing closing parenthesis', () => {
    const error = syntaxError(`CREATE STREAM out (a INT;`)
    expect([error.line, error.column]).toEqual([1, 25])
    expect(error.message).toContain('Was expecting ")"')
  })

  it('points at a missing closing parenthesis in an expression, across lines and comments', () => {
    const error = syntaxError(`CREATE PUMP p AS INSERT INTO o
  /* a comment
     over lines */ SELECT STREAM ABS((a - b) FROM s`)
    expect([error.line, error.column]).toEqual([3, 46])
  })

  it('points at the end of the code when it stops early', () => {
    const error = syntaxError(`CREATE STREAM s (a INT); CREATE PUMP p AS INSERT INTO`)
    expect(error.message).toBe('Encountered "<EOF>" at line 1, column 54. Was expecting a stream name')
  })

  it('reports unterminated strings and quoted identifiers where they start', () => {
    expect([
      syntaxError(`SELECT STREAM 'abc FROM s`).line,
      syntaxError(`SELECT STREAM 'abc FROM s`).column,
    ]).toEqual([1, 15])
    expect(syntaxError(`\n  SELECT STREAM "abc FROM s`).column).toBe(17)
  })

  it('refuses a statement that is neither CREATE nor SELECT', () => {
    expect(syntaxError(`INSERT INTO s SELECT STREAM a FROM t`).message).toBe(
      'Encountered "INSERT" at line 1, column 1. Was expecting "CREATE" or "SELECT"',
    )
  })
})
