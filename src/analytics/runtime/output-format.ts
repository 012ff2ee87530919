import { toPlainValue, type Row } from '../sql/index.ts'

// An output row as the bytes of one destination record (DestinationSchema.RecordFormatType): the columns of its
// in-application stream in their order, without ROWTIME (select it into a column to deliver it). Timestamps are
// `yyyy-MM-dd HH:mm:ss.SSS` (UTC), as toPlainValue gives them.
//
//   JSON   {"TICKER":"AMZN","PRICE":12.5}             one object per record, no delimiter
//   CSV    AMZN,12.5\n                                 one line per record; NULL is an empty field; a field with a
//                                                      comma, quote or line break is quoted ("" inside)

export type RecordFormatType = 'JSON' | 'CSV'

export function formatRow(row: Row, format: RecordFormatType): Buffer {
  const columns = Object.entries(row).filter(([name]) => name !== 'ROWTIME')
  if (format === 'CSV') {
    return Buffer.from(`${columns.map(([, value]) => csvField(toPlainValue(value))).join(',')}\n`, 'utf8')
  }
  const document: Record<string, unknown> = {}
  for (const [name, value] of columns) document[name] = toPlainValue(value)
  return Buffer.from(JSON.stringify(document), 'utf8')
}

function csvField(value: ReturnType<typeof toPlainValue>): string {
  if (value === null) return ''
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
