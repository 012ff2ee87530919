import { describe, expect, it } from 'vitest'

import { checkApplicationCode, compileApplication, type StreamSchema } from './application.ts'
import { toPlainValue, type Row } from './values.ts'

const T0 = Date.UTC(2026, 0, 15, 11, 0, 0)

/** The in-application stream of the developer guide's web log example: one column "log". */
const LOGS: StreamSchema = {
  name: 'SOURCE_SQL_STREAM_001',
  columns: [{ name: 'log', sqlType: 'VARCHAR(1024)' }],
}

/** Runs the code on the lines and gives the rows of DESTINATION_SQL_STREAM as plain values (without ROWTIME). */
function run(code: string, lines: readonly string[]): Record<string, unknown>[] {
  const app = compileApplication(code, { inputs: [LOGS] })
  const out: Row[] = []
  const errors: Row[] = []
  app.onRow((stream, row) => {
    if (stream === 'DESTINATION_SQL_STREAM') out.push(row)
    if (stream === 'error_stream') errors.push(row)
  })
  lines.forEach((line, i) => {
    app.push('SOURCE_SQL_STREAM_001', { log: line }, T0 + i)
  })
  if (errors.length > 0) throw new Error(`error_stream: ${JSON.stringify(errors[0]?.MESSAGE)}`)
  return out.map((row) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([name]) => name !== 'ROWTIME')
        .map(([name, value]) => [name, toPlainValue(value)]),
    ),
  )
}

/** COLUMN1..n of one log parse call per line, as a list per line. */
function parse(call: string, columns: number, lines: readonly string[]): unknown[][] {
  const names = Array.from({ length: columns }, (_, i) => `c${i + 1}`)
  const rows = run(
    `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (${names.map((n) => `${n} VARCHAR(1024)`).join(', ')});
     CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
       SELECT STREAM ${names.map((_, i) => `t.r.COLUMN${i + 1}`).join(', ')}
       FROM (SELECT STREAM ${call} AS r FROM "SOURCE_SQL_STREAM_001") AS t;`,
    lines,
  )
  return rows.map((row) => names.map((n) => row[n.toUpperCase()]))
}

const check = (code: string): ReturnType<typeof checkApplicationCode> => checkApplicationCode(code, [LOGS])

describe('W3C_LOG_PARSE', () => {
  const JOHN = '192.168.254.30 - John [24/May/2004:22:01:02 -0700] "GET /icons/apache_pb.gif HTTP/1.1" 304 0'
  const JANE = '192.168.254.30 - Jane [24/May/2004:22:01:02 -0700] "GET /icons/small/dir.gif HTTP/1.1" 304 0'

  it("runs the developer guide's web log example verbatim (AS l(r), VARCHAR(16) columns)", () => {
    const rows = run(
      `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
      column1 VARCHAR(16),
      column2 VARCHAR(16),
      column3 VARCHAR(16),
      column4 VARCHAR(16),
      column5 VARCHAR(16),
      column6 VARCHAR(16),
      column7 VARCHAR(16));

      CREATE OR REPLACE PUMP "myPUMP" AS
      INSERT INTO "DESTINATION_SQL_STREAM"
              SELECT STREAM
                  l.r.COLUMN1,
                  l.r.COLUMN2,
                  l.r.COLUMN3,
                  l.r.COLUMN4,
                  l.r.COLUMN5,
                  l.r.COLUMN6,
                  l.r.COLUMN7
              FROM (SELECT STREAM W3C_LOG_PARSE("log", 'COMMON')
                    FROM "SOURCE_SQL_STREAM_001") AS l(r);`,
      [JOHN],
    )
    expect(rows).toEqual([
      {
        COLUMN1: '192.168.254.30',
        COLUMN2: '-',
        COLUMN3: 'John',
        COLUMN4: '[24/May/2004:22:',
        COLUMN5: 'GET /icons/apach',
        COLUMN6: '304',
        COLUMN7: '0',
      },
    ])
  })

  it('gives the SQL reference\'s COMMON example: COLUMN1..7 for %h %l %u %t "%r" %>s %b, numbers for %>s and %b', () => {
    const rows = run(
      `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (h VARCHAR(64), l VARCHAR(8), u VARCHAR(8),
         t VARCHAR(64), r VARCHAR(64), s INTEGER, b BIGINT, status_plus_one INTEGER);
       CREATE OR REPLACE PUMP weblog AS INSERT INTO "DESTINATION_SQL_STREAM"
         SELECT STREAM l.r.COLUMN1, l.r.COLUMN2, l.r.COLUMN3, l.r.COLUMN4, l.r.COLUMN5, l.r.COLUMN6,
                l.r.COLUMN7, l.r.COLUMN6 + 1
         FROM (SELECT STREAM W3C_LOG_PARSE("log", 'COMMON') FROM "SOURCE_SQL_STREAM_001") AS l(r);`,
      [JOHN, JANE],
    )
    expect(rows).toEqual([
      {
        H: '192.168.254.30',
        L: '-',
        U: 'John',
        T: '[24/May/2004:22:01:02 -0700]',
        R: 'GET /icons/apache_pb.gif HTTP/1.1',
        S: 304,
        B: 0,
        STATUS_PLUS_ONE: 305,
      },
      {
        H: '192.168.254.30',
        L: '-',
        U: 'Jane',
        T: '[24/May/2004:22:01:02 -0700]',
        R: 'GET /icons/small/dir.gif HTTP/1.1',
        S: 304,
        B: 0,
        STATUS_PLUS_ONE: 305,
      },
    ])
  })

  it("renames and filters columns as the reference's second example does", () => {
    const rows = run(
      `CREATE OR REPLACE STREAM weblog (COLUMN1 VARCHAR(64), COLUMN3 VARCHAR(64), COLUMN4 VARCHAR(64));
       CREATE OR REPLACE PUMP p1 AS INSERT INTO weblog
         SELECT STREAM l.r.COLUMN1, l.r.COLUMN3, l.r.COLUMN4
         FROM (SELECT STREAM W3C_LOG_PARSE("log", 'COMMON') FROM "SOURCE_SQL_STREAM_001") AS l(r);
       CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (LOG_USER VARCHAR(5), ADDRESS VARCHAR(15), TIME_DATES VARCHAR(30));
       CREATE OR REPLACE PUMP p2 AS INSERT INTO "DESTINATION_SQL_STREAM"
         SELECT STREAM CAST(s.COLUMN3 AS VARCHAR(5)) AS LOG_USER,
                CAST(s.COLUMN1 AS VARCHAR(15)) AS ADDRESS,
                CAST(s.COLUMN4 AS VARCHAR(30)) as TIME_DATES
         FROM weblog s;`,
      [JANE, JOHN],
    )
    expect(rows).toEqual([
      { LOG_USER: 'Jane', ADDRESS: '192.168.254.30', TIME_DATES: '[24/May/2004:22:01:02 -0700]' },
      { LOG_USER: 'John', ADDRESS: '192.168.254.30', TIME_DATES: '[24/May/2004:22:01:02 -0700]' },
    ])
  })

  it('takes the specifiers themselves: the same columns as COMMON, and [%t] leaves the brackets out', () => {
    expect(parse(`W3C_LOG_PARSE("log", '%h %l %u %t \\"%r\\" %>s %b')`, 7, [JOHN])).toEqual(
      parse(`W3C_LOG_PARSE("log", 'COMMON')`, 7, [JOHN]),
    )
    expect(parse(`W3C_LOG_PARSE("log", '%h %l %u [%t] "%r" %>s %b')`, 7, [JOHN])[0]?.[3]).toBe(
      '24/May/2004:22:01:02 -0700',
    )
  })

  it('parses the other predefined formats', () => {
    expect(
      parse(`W3C_LOG_PARSE("log", 'COMMON WITH VHOST')`, 8, [`www.example.com ${JOHN.replace(' 0', ' -')}`]),
    ).toEqual([
      [
        'www.example.com',
        '192.168.254.30',
        '-',
        'John',
        '[24/May/2004:22:01:02 -0700]',
        'GET /icons/apache_pb.gif HTTP/1.1',
        '304',
        null,
      ],
    ])
    expect(
      parse(`W3C_LOG_PARSE("log", 'NCSA EXTENDED')`, 9, [
        `${JOHN} "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"`,
      ])[0]?.slice(6),
    ).toEqual(['0', 'http://www.example.com/start.html', 'Mozilla/4.08 [en] (Win98; I ;Nav)'])
    expect(
      parse(`W3C_LOG_PARSE("log", 'REFERER')`, 2, ['http://www.example.com/links.html ---> /index.html']),
    ).toEqual([['http://www.example.com/links.html', '/index.html']])
    expect(parse(`W3C_LOG_PARSE("log", 'AGENT')`, 1, ['Mozilla/4.08 [en] (Win98; I ;Nav)'])).toEqual([
      ['Mozilla/4.08 [en] (Win98; I ;Nav)'],
    ])
  })

  it('is NULL for a line of another shape', () => {
    expect(parse(`W3C_LOG_PARSE("log", 'COMMON')`, 2, ['not a web log line'])).toEqual([[null, null]])
  })

  it('refuses an unknown format, an unknown specifier and IIS (no specifiers documented)', () => {
    const code = (format: string): string =>
      `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (c VARCHAR(8));
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM t.r.COLUMN1 FROM (SELECT STREAM W3C_LOG_PARSE("log", '${format}') AS r FROM "SOURCE_SQL_STREAM_001") AS t;`
    expect(check(code('COMMON'))).toBeUndefined()
    expect(check(code('FANCY'))).toEqual({
      message: "At line 3, column 49: Unknown W3C log format 'FANCY'",
      line: 3,
      column: 49,
    })
    expect(check(code('%h %Z'))?.message).toContain("Invalid W3C format specifier at '%Z'")
    expect(check(code('IIS'))?.message).toContain('IIS is not supported')
  })
})

describe('FAST_REGEX_LOG_PARSE', () => {
  const fast = (pattern: string, line: string): unknown[] | undefined =>
    parse(`FAST_REGEX_LOG_PARSE("log", '${pattern}')`, 2, [line])[0]

  it("matches the reference's examples lazily and without backtracking between the pattern's pieces", () => {
    // First example: the reference prints COLUMN2 as a_little_lamb, which would leave nothing for the
    // pattern's trailing _.*; the pieces (.*)_(._ .*)_ .* give a_little.
    expect(fast('(.*)_(._.*)_.*', 'Mary_had_a_little_lamb')).toEqual(['Mary_had', 'a_little'])
    // Without the final asterisk nothing matches.
    expect(fast('(.*)_(._.*)_.', 'Mary_had_a_little_lamb')).toEqual([null, null])
    // Example A: the first underscore ends group 1, and no backtracking can take it back.
    expect(fast('(.*)_+(._.*)', 'Mary_had_a_little_lamb')).toEqual([null, null])
    // Example B: the underscores after the first one are taken by _+, outside the groups.
    expect(fast('(.*)_+(.*)', 'Mary____had_a_little_lamb')).toEqual(['Mary', 'had_a_little_lamb'])
    // Example C: <Alpha> is fixed length, so it ends the _+ search.
    expect(fast('(.*)_+(<Alpha>.*)', 'Mary____had_a_little_lamb')).toEqual(['Mary', 'had_a_little_lamb'])
  })

  it('reads the fast regex syntax: classes, strings, named classes, number ranges, @, repetitions', () => {
    expect(fast('([a-z]+)"://"(@)', 'http://example.com/x')).toEqual(['http', 'example.com/x'])
    expect(fast('(<Digit>{4})-(<1-12>)-<Digit>{2}', '2026-7-01')).toEqual(['2026', '7'])
    expect(fast('(<Digit>{4})-(<01-12>)-<Digit>{2}', '2026-13-01')).toEqual([null, null])
    expect(fast('([^ ]*) (GET|POST)', 'host POST')).toEqual(['host', 'POST'])
    expect(fast('(\\.)x(.)', '.xy')).toEqual(['.', 'y'])
  })

  it('refuses what it cannot read, at the call', () => {
    const code = (pattern: string): string =>
      `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (c VARCHAR(8));
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM t.r.COLUMN1 FROM (SELECT STREAM FAST_REGEX_LOG_PARSE("log", '${pattern}') AS r FROM "SOURCE_SQL_STREAM_001") AS t;`
    expect(check(code('(.*)_'))).toBeUndefined()
    expect(check(code('(.*'))?.message).toMatch(
      /^At line 3, column 49: Invalid fast regex pattern '\(\.\*': missing '\)'/,
    )
    expect(check(code('(a&b)'))?.message).toContain('intersection (&) is not supported')
    expect(check(code('<Word>'))?.message).toContain('unknown named pattern <Word>')
  })
})

describe('FIXED_COLUMN_LOG_PARSE', () => {
  it('cuts fields at their START (from 0) FOR a length, converts them to their types, with date formats', () => {
    const rows = run(
      `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (host VARCHAR(8), at_time TIMESTAMP, code INTEGER, rest VARCHAR(32));
       CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
         SELECT STREAM t.r.HOST, t.r."when", t.r.CODE, t.r.REST
         FROM (SELECT STREAM FIXED_COLUMN_LOG_PARSE("log",
                 'host TYPE VARCHAR(8) START 0 FOR 8, "when" TYPE TIMESTAMP ''dd/MMM/yyyy:HH:mm:ss'' START 8 FOR 20,
                  code TYPE INTEGER NOT NULL START 28 FOR 5, rest TYPE VARCHAR(32) START 34') AS r
               FROM "SOURCE_SQL_STREAM_001") AS t;`,
      ['web01   24/May/2004:22:01:02  404 GET /missing', 'web02   24/May/2004:22:01:03  200'],
    )
    expect(rows).toEqual([
      { HOST: 'web01   ', AT_TIME: '2004-05-24 22:01:02.000', CODE: 404, REST: 'GET /missing' },
      { HOST: 'web02   ', AT_TIME: '2004-05-24 22:01:03.000', CODE: 200, REST: null },
    ])
  })

  it('refuses a column without START, and a field that does not convert goes to error_stream', () => {
    expect(
      check(`CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (c INTEGER);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM t.r.C FROM (SELECT STREAM FIXED_COLUMN_LOG_PARSE("log", 'c TYPE INTEGER') AS r FROM "SOURCE_SQL_STREAM_001") AS t;`)
        ?.message,
    ).toBe("At line 3, column 43: Column 'C' has no START position")
    expect(() => parse(`FIXED_COLUMN_LOG_PARSE("log", 'c TYPE INTEGER START 0 FOR 3')`, 1, ['abc'])).toThrow(
      'error_stream: "Cannot convert \\"abc\\" to INTEGER"',
    )
  })
})

describe('SYS_LOG_PARSE', () => {
  it('gives the syslog timestamp (in the year of ROWTIME) as COLUMN1 and the rest of the line as COLUMN2', () => {
    const rows = run(
      `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (logged TIMESTAMP, message VARCHAR(64));
       CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
         SELECT STREAM t.r.COLUMN1, t.r.COLUMN2
         FROM (SELECT STREAM SYS_LOG_PARSE("log") AS r FROM "SOURCE_SQL_STREAM_001") AS t;`,
      [
        'Dec 24 22:01:02 web01 sshd[42]: Accepted publickey for john',
        'Mar  7 08:00:00 web02 cron[7]: (root) CMD (run-parts)',
        'not syslog',
      ],
    )
    expect(rows).toEqual([
      { LOGGED: '2026-12-24 22:01:02.000', MESSAGE: 'web01 sshd[42]: Accepted publickey for john' },
      { LOGGED: '2026-03-07 08:00:00.000', MESSAGE: 'web02 cron[7]: (root) CMD (run-parts)' },
      { LOGGED: null, MESSAGE: null },
    ])
  })
})

describe('VARIABLE_COLUMN_LOG_PARSE column descriptions', () => {
  it('take a date format, and refuse START', () => {
    const rows = run(
      `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (a VARCHAR(4), b DATE);
       CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
         SELECT STREAM t.r.A, t.r.B FROM (SELECT STREAM
           VARIABLE_COLUMN_LOG_PARSE("log", 'a TYPE VARCHAR(4), b TYPE DATE ''dd.MM.yyyy''', ';') AS r
           FROM "SOURCE_SQL_STREAM_001") AS t;`,
      ['x;24.05.2004'],
    )
    expect(rows).toEqual([{ A: 'x', B: '2004-05-24 00:00:00.000' }])
    expect(
      check(`CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (a VARCHAR(4));
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM t.r.A FROM (SELECT STREAM VARIABLE_COLUMN_LOG_PARSE("log", 'a TYPE VARCHAR(4) START 1', ';') AS r FROM "SOURCE_SQL_STREAM_001") AS t;`)
        ?.message,
    ).toContain('START is for FIXED_COLUMN_LOG_PARSE')
  })
})

describe('VARIABLE_COLUMN_LOG_PARSE escape and quote strings', () => {
  it("splits as the reference's example: 'a,b' is two fields, 'a\\,b' one field 'a,b' with a backslash escape", () => {
    const call = `VARIABLE_COLUMN_LOG_PARSE("log", 2, ',', '\\')`
    expect(parse(call, 2, ['a,b', 'a\\,b', 'a\\\\,b'])).toEqual([
      ['a', 'b'],
      ['a,b', null],
      ['a\\', 'b'],
    ])
  })

  it('keeps delimiters inside a quoted string and drops its quotes', () => {
    const call = `VARIABLE_COLUMN_LOG_PARSE("log", 3, ',', '', '"')`
    expect(parse(call, 3, ['"a,b",c,d', 'x,"y, z"', 'p,"q,r'])).toEqual([
      ['a,b', 'c', 'd'],
      ['x', 'y, z', null],
      ['p', 'q,r', null],
    ])
  })

  it('takes a begin and an end quote character; the begin character also ends a quoted string', () => {
    const call = `VARIABLE_COLUMN_LOG_PARSE("log", 3, ' ', '\\', '[]')`
    expect(parse(call, 3, ['[24/May/2004 22:01:02] GET 304', '[a b[ c\\ d e', 'x [a\\]b] y'])).toEqual([
      ['24/May/2004 22:01:02', 'GET', '304'],
      ['a b', 'c d', 'e'],
      ['x', 'a]b', 'y'],
    ])
  })

  it('applies to column descriptions, takes a NULL escape as none, and refuses a longer quote string', () => {
    const rows = run(
      `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (a VARCHAR(8), b INTEGER);
       CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
         SELECT STREAM t.r.A, t.r.B FROM (SELECT STREAM
           VARIABLE_COLUMN_LOG_PARSE("log", 'a TYPE VARCHAR(8), b TYPE INTEGER', ';', NULL, '''') AS r
           FROM "SOURCE_SQL_STREAM_001") AS t;`,
      ["'x;y';12"],
    )
    expect(rows).toEqual([{ A: 'x;y', B: 12 }])
    const error = check(`CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (a VARCHAR(4));
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM t.r.COLUMN1 FROM (SELECT STREAM VARIABLE_COLUMN_LOG_PARSE("log", 1, ';', '', '<<>') AS r FROM "SOURCE_SQL_STREAM_001") AS t;`)
    expect(error).toMatchObject({ line: 3, column: 49 })
    expect(error?.message).toContain('one or two characters')
  })
})
