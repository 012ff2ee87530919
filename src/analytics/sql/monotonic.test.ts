import { describe, expect, it } from 'vitest'

import { checkApplicationCode, compileApplication, type StreamSchema } from './application.ts'
import { toPlainValue } from './values.ts'

const T0 = Date.UTC(2026, 0, 15, 11, 0, 0)

/** The line items of orders, as in the reference's MONOTONIC example. */
const LINEITEMS: StreamSchema = {
  name: 'SOURCE_SQL_STREAM_001',
  columns: [
    { name: 'ORDER_ID', sqlType: 'INTEGER' },
    { name: 'EVENT_TIME', sqlType: 'TIMESTAMP' },
    { name: 'AMOUNT', sqlType: 'DOUBLE' },
  ],
}

interface Output {
  readonly at: number
  readonly row: Record<string, unknown>
}

/** Runs the code on (order, event time, amount) rows one second apart; the rows of O, with their ROWTIME from T0. */
function run(code: string, items: readonly [number, number, number][]): Output[] {
  const app = compileApplication(code, { inputs: [LINEITEMS] })
  const out: Output[] = []
  app.onRow((stream, row, rowtime) => {
    if (stream !== 'O') return
    const values = Object.entries(row).filter(([name]) => name !== 'ROWTIME')
    out.push({ at: rowtime - T0, row: Object.fromEntries(values.map(([n, v]) => [n, toPlainValue(v)])) })
  })
  items.forEach(([orderId, eventTime, amount], i) => {
    app.push(
      'SOURCE_SQL_STREAM_001',
      { ORDER_ID: orderId, EVENT_TIME: eventTime, AMOUNT: amount },
      T0 + i * 1000,
    )
  })
  app.advance(T0 + 3_600_000)
  return out
}

const PER_ORDER = `CREATE STREAM o (order_id INTEGER, items BIGINT, total DOUBLE, closed TIMESTAMP);
CREATE PUMP p AS INSERT INTO o
  SELECT STREAM MONOTONIC(order_id), COUNT(*), SUM(amount), ROWTIME FROM SOURCE_SQL_STREAM_001
  GROUP BY MONOTONIC(order_id);`

describe('MONOTONIC', () => {
  it('lets a streaming GROUP BY use a non-ROWTIME key: an order is complete when the next one starts', () => {
    const out = run(PER_ORDER, [
      [1000, 0, 1],
      [1000, 0, 2],
      [1001, 0, 3],
      [1005, 0, 4],
      [1005, 0, 5],
      [1006, 0, 6],
    ])
    expect(out.map((o) => [o.row.ORDER_ID, o.row.ITEMS, o.row.TOTAL, o.at])).toEqual([
      [1000, 2, 3, 2000],
      [1001, 1, 3, 3000],
      [1005, 2, 9, 5000],
    ])
    // the output row's ROWTIME is that of the row that closed the group
    expect(out[0]?.row.CLOSED).toBe('2026-01-15 11:00:02.000')
  })

  it('takes a descending key as well (987, 974, 823)', () => {
    const out = run(PER_ORDER, [
      [987, 0, 1],
      [974, 0, 2],
      [974, 0, 2],
      [823, 0, 3],
      [800, 0, 0],
    ])
    expect(out.map((o) => [o.row.ORDER_ID, o.row.ITEMS])).toEqual([
      [987, 1],
      [974, 2],
      [823, 1],
    ])
  })

  it('makes a tumbling window of an event-time column: a window closes when the column moves past it', () => {
    const minute = (m: number, s: number): number => Date.UTC(2026, 0, 15, 9, m, s)
    const out = run(
      `CREATE STREAM o (window_start TIMESTAMP, order_id INTEGER, items BIGINT);
       CREATE PUMP p AS INSERT INTO o
         SELECT STREAM FLOOR(MONOTONIC(event_time) TO MINUTE), order_id, COUNT(*)
         FROM SOURCE_SQL_STREAM_001
         GROUP BY FLOOR(MONOTONIC(event_time) TO MINUTE), order_id;`,
      [
        [1, minute(0, 10), 1],
        [2, minute(0, 50), 1],
        [1, minute(0, 59), 1],
        [1, minute(1, 5), 1],
        [3, minute(3, 0), 1],
      ],
    )
    // event time is two hours behind ROWTIME: a ROWTIME window would have closed each row on its own
    expect(out.map((o) => [o.row.WINDOW_START, o.row.ORDER_ID, o.row.ITEMS, o.at])).toEqual([
      ['2026-01-15 09:00:00.000', 1, 2, 3000],
      ['2026-01-15 09:00:00.000', 2, 1, 3000],
      ['2026-01-15 09:01:00.000', 1, 1, 4000],
    ])
  })

  it('is its argument elsewhere, serves SELECT STREAM DISTINCT, and a ROWTIME window still comes first', () => {
    const distinct = run(
      `CREATE STREAM o (order_id INTEGER);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM DISTINCT MONOTONIC(order_id) FROM SOURCE_SQL_STREAM_001;`,
      [
        [1, 0, 1],
        [1, 0, 2],
        [2, 0, 1],
      ],
    )
    expect(distinct.map((o) => o.row.ORDER_ID)).toEqual([1, 2])
    const windowed = run(
      `CREATE STREAM o (order_id INTEGER, items BIGINT);
       CREATE PUMP p AS INSERT INTO o SELECT STREAM MONOTONIC(order_id), COUNT(*) FROM SOURCE_SQL_STREAM_001 s
         GROUP BY MONOTONIC(order_id), STEP(s.ROWTIME BY INTERVAL '10' SECOND);`,
      [
        [1, 0, 1],
        [2, 0, 1],
      ],
    )
    expect(windowed.map((o) => [o.row.ORDER_ID, o.row.ITEMS, o.at])).toEqual([
      [1, 1, 10_000],
      [2, 1, 10_000],
    ])
  })

  it('keeps its open groups and the current key in snapshots', () => {
    const first = compileApplication(PER_ORDER, { inputs: [LINEITEMS] })
    first.push('SOURCE_SQL_STREAM_001', { ORDER_ID: 7, EVENT_TIME: 0, AMOUNT: 1 }, T0)
    first.push('SOURCE_SQL_STREAM_001', { ORDER_ID: 7, EVENT_TIME: 0, AMOUNT: 2 }, T0 + 1000)
    const state = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<typeof first.snapshot>
    const second = compileApplication(PER_ORDER, { inputs: [LINEITEMS] })
    second.restore(state)
    const totals: unknown[] = []
    second.onRow((stream, row) => {
      if (stream === 'O') totals.push([row.ORDER_ID, row.ITEMS, row.TOTAL])
    })
    second.push('SOURCE_SQL_STREAM_001', { ORDER_ID: 7, EVENT_TIME: 0, AMOUNT: 3 }, T0 + 2000)
    second.push('SOURCE_SQL_STREAM_001', { ORDER_ID: 8, EVENT_TIME: 0, AMOUNT: 4 }, T0 + 3000)
    expect(totals).toEqual([[7, 3, 6]])
  })

  it('is needed for a GROUP BY on a column alone', () => {
    const error = checkApplicationCode(
      `CREATE STREAM o (order_id INTEGER, items BIGINT);
CREATE PUMP p AS INSERT INTO o SELECT STREAM order_id, COUNT(*) FROM SOURCE_SQL_STREAM_001 GROUP BY order_id;`,
      [LINEITEMS],
    )
    expect(error?.message).toContain('MONOTONIC')
  })
})
