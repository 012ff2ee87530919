import { describe, expect, it } from 'vitest'

import { checkApplicationCode, compileApplication, type StreamSchema } from './application.ts'
import { formatTimestamp, isTimestamp, type SqlValue } from './values.ts'

// The stream-to-stream join examples of the SQL reference (JOIN clause): orders and shipments split from one
// source stream, joined with a one-minute window on one or both sides.

const SOURCE: StreamSchema = {
  name: 'SOURCE_SQL_STREAM_001',
  columns: [
    { name: 'orderid', sqlType: 'INTEGER' },
    { name: 'orders', sqlType: 'INTEGER' },
    { name: 'shipments', sqlType: 'INTEGER' },
  ],
}

const STREAMS = `CREATE OR REPLACE STREAM "ORDERS_STREAM" ("orderid" int, "orderrowtime" timestamp);
CREATE OR REPLACE PUMP "ORDERS_STREAM_PUMP" AS INSERT INTO "ORDERS_STREAM"
SELECT STREAM "orderid", "ROWTIME"
FROM "SOURCE_SQL_STREAM_001" WHERE "orders" = 1;
CREATE OR REPLACE STREAM "SHIPMENTS_STREAM" ("orderid" int, "shipmentrowtime" timestamp);
CREATE OR REPLACE PUMP "SHIPMENTS_STREAM_PUMP" AS INSERT INTO "SHIPMENTS_STREAM"
SELECT STREAM "orderid", "ROWTIME"
FROM "SOURCE_SQL_STREAM_001" WHERE "shipments" = 2;`

const at = (time: string): number => Date.parse(`2026-01-15T${time}Z`)

/** The examples' input, in arrival order: orders 101..104 and the late 100, shipments 100, 104 and 105. */
const EVENTS: [string, 'order' | 'shipment', number][] = [
  ['10:00:00', 'order', 101],
  ['10:00:00', 'shipment', 100],
  ['10:00:20', 'order', 102],
  ['10:00:30', 'order', 103],
  ['10:00:40', 'order', 104],
  ['10:00:45', 'shipment', 104],
  ['10:00:45', 'order', 100],
  ['10:00:50', 'shipment', 105],
]

const time = (value: SqlValue | undefined): string | null =>
  value !== undefined && isTimestamp(value) ? formatTimestamp(value.ts).slice(11, 19) : null

/** The rows of OUTPUT_STREAM, each as its ROWTIME and its columns (timestamps as HH:mm:ss). */
function run(join: string): (string | number | null)[][] {
  const app = compileApplication(`${STREAMS}\n${join}`, { inputs: [SOURCE] })
  const out: (string | number | null)[][] = []
  app.onRow((stream, row, rowtime) => {
    if (stream !== 'OUTPUT_STREAM') return
    const values = Object.entries(row)
      .filter(([name]) => name !== 'ROWTIME')
      .map(([, value]) => (typeof value === 'number' ? value : time(value)))
    out.push([time({ ts: rowtime }), ...values])
  })
  for (const [when, kind, orderid] of EVENTS) {
    app.push(
      'SOURCE_SQL_STREAM_001',
      kind === 'order' ? { orderid, orders: 1 } : { orderid, shipments: 2 },
      at(when),
    )
  }
  app.advance(at('10:03:00'))
  return out
}

describe('stream-to-stream joins (the JOIN clause examples)', () => {
  it('Example 1: a window on one side of an INNER JOIN; the late order finds no shipment', () => {
    expect(
      run(`CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "shipmenttime" timestamp, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS
INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", s."orderid", s.rowtime as "shipmenttime", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      JOIN SHIPMENTS_STREAM AS s
        ON o."orderid" = s."orderid";`),
    ).toEqual([['10:00:45', '10:00:45', 104, '10:00:45', '10:00:40']])
  })

  it('Example 2: windows on both sides of an INNER JOIN include the late order', () => {
    expect(
      run(`CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "shipmenttime" timestamp, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", s."orderid", s.rowtime as "shipmenttime", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      JOIN SHIPMENTS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS s
        ON o."orderid" = s."orderid";`),
    ).toEqual([
      ['10:00:45', '10:00:45', 104, '10:00:45', '10:00:40'],
      ['10:00:45', '10:00:45', 100, '10:00:00', '10:00:45'],
    ])
  })

  it('Example 3: a RIGHT JOIN whose right side has no window emits an unmatched shipment at once', () => {
    expect(
      run(`CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", s."orderid", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      RIGHT JOIN SHIPMENTS_STREAM AS s
        ON o."orderid" = s."orderid";`),
    ).toEqual([
      ['10:00:00', '10:00:00', 100, null],
      ['10:00:45', '10:00:45', 104, '10:00:40'],
      ['10:00:50', '10:00:50', 105, null],
    ])
  })

  it('Example 4: a RIGHT JOIN with windows on both sides emits an unmatched shipment when its window ends', () => {
    // (The reference's table shows shipmenttime and ordertime swapped for the two matched rows.)
    expect(
      run(`CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "shipmenttime" timestamp, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", s."orderid", s.ROWTIME as "shipmenttime", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      RIGHT JOIN SHIPMENTS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS s
        ON o."orderid" = s."orderid";`),
    ).toEqual([
      ['10:00:45', '10:00:45', 104, '10:00:45', '10:00:40'],
      ['10:00:45', '10:00:45', 100, '10:00:00', '10:00:45'],
      ['10:01:50', '10:01:50', 105, '10:00:50', null],
    ])
  })

  it('Example 5: a LEFT JOIN with a window on the left emits the unmatched orders when their window ends', () => {
    // (The reference's table also lists order 104 at 10:01:40, though it matched; its text says only
    // orders without a shipment are emitted at the end of the window.)
    expect(
      run(`CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", o."orderid", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      LEFT JOIN SHIPMENTS_STREAM AS s
        ON o."orderid" = s."orderid";`),
    ).toEqual([
      ['10:00:45', '10:00:45', 104, '10:00:40'],
      ['10:01:00', '10:01:00', 101, '10:00:00'],
      ['10:01:20', '10:01:20', 102, '10:00:20'],
      ['10:01:30', '10:01:30', 103, '10:00:30'],
      ['10:01:45', '10:01:45', 100, '10:00:45'],
    ])
  })

  it('Example 6: a LEFT JOIN with windows on both sides', () => {
    // (As in Example 5, the reference's table also lists the matched orders 104 and 100 at their window end.)
    expect(
      run(`CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "shipmenttime" timestamp, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", o."orderid", s.ROWTIME as "shipmenttime", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      LEFT JOIN SHIPMENTS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS s
        ON o."orderid" = s."orderid";`),
    ).toEqual([
      ['10:00:45', '10:00:45', 104, '10:00:45', '10:00:40'],
      ['10:00:45', '10:00:45', 100, '10:00:00', '10:00:45'],
      ['10:01:00', '10:01:00', 101, null, '10:00:00'],
      ['10:01:20', '10:01:20', 102, null, '10:00:20'],
      ['10:01:30', '10:01:30', 103, null, '10:00:30'],
    ])
  })

  it('FULL JOIN keeps the unmatched rows of both sides; CROSS JOIN pairs every row with the window', () => {
    expect(
      run(`CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "order" int, "shipment" int);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME, o."orderid", s."orderid"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      FULL OUTER JOIN SHIPMENTS_STREAM AS s
        ON o."orderid" = s."orderid";`),
    ).toEqual([
      ['10:00:00', '10:00:00', null, 100],
      ['10:00:45', '10:00:45', 104, 104],
      ['10:00:50', '10:00:50', null, 105],
      ['10:01:00', '10:01:00', 101, null],
      ['10:01:20', '10:01:20', 102, null],
      ['10:01:30', '10:01:30', 103, null],
      ['10:01:45', '10:01:45', 100, null],
    ])
    expect(
      run(`CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("order" int, "shipment" int);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM o."orderid", s."orderid"
    FROM ORDERS_STREAM OVER (ROWS 1 PRECEDING) AS o CROSS JOIN SHIPMENTS_STREAM AS s;`),
    ).toEqual([
      ['10:00:00', 101, 100],
      ['10:00:45', 103, 104],
      ['10:00:45', 104, 104],
      ['10:00:50', 104, 105],
      ['10:00:50', 100, 105],
    ])
  })

  it('refuses RIGHT and FULL joins with a reference table, and a join of two streams without a window', () => {
    const refused = checkApplicationCode(
      `CREATE STREAM o (a INT); CREATE PUMP p AS INSERT INTO o SELECT STREAM s."orderid"
       FROM SOURCE_SQL_STREAM_001 AS s RIGHT JOIN "Ref" AS r ON s."orderid" = r."id";`,
      [SOURCE],
      [{ name: 'Ref', columns: [{ name: 'id', sqlType: 'INTEGER' }] }],
    )
    expect(refused?.message).toContain(
      'RIGHT JOIN with a reference table is not supported: use LEFT or INNER',
    )
    expect(
      checkApplicationCode(
        `${STREAMS} CREATE STREAM o (a INT); CREATE PUMP p AS INSERT INTO o SELECT STREAM s."orderid"
         FROM ORDERS_STREAM AS o FULL JOIN SHIPMENTS_STREAM AS s ON o."orderid" = s."orderid";`,
        [SOURCE],
      )?.message,
    ).toContain('A join of two streams needs a window on one side')
  })
})
