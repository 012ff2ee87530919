import { describe, expect, it } from 'vitest'

import { formatRow } from './output-format.ts'

const row = {
  TICKER: 'AMZN',
  PRICE: 12.5,
  NOTE: 'a "quoted", text',
  MISSING: null,
  OK: true,
  AT: { ts: Date.UTC(2026, 0, 15, 11, 0, 20, 5) },
  ROWTIME: { ts: Date.UTC(2026, 0, 15, 11, 1) },
}

describe('output rows as destination records', () => {
  it('JSON: the columns in order, without ROWTIME, timestamps as text', () => {
    expect(formatRow(row, 'JSON').toString()).toBe(
      '{"TICKER":"AMZN","PRICE":12.5,"NOTE":"a \\"quoted\\", text","MISSING":null,"OK":true,"AT":"2026-01-15 11:00:20.005"}',
    )
  })

  it('CSV: one line, NULL empty, fields with commas or quotes quoted', () => {
    expect(formatRow(row, 'CSV').toString()).toBe(
      'AMZN,12.5,"a ""quoted"", text",,true,2026-01-15 11:00:20.005\n',
    )
  })
})
