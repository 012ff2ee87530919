import { createHash } from 'node:crypto'

/** Builds a KPL aggregated record from the published format (magic, protobuf AggregatedRecord, MD5). */
export interface UserRecord {
  partitionKey: string
  explicitHashKey?: string
  data: Buffer | string
}

export const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2])

export function kplAggregate(records: readonly UserRecord[]): Buffer {
  const partitionKeys = [...new Set(records.map((record) => record.partitionKey))]
  const hashKeys = [
    ...new Set(
      records.flatMap((record) => (record.explicitHashKey === undefined ? [] : [record.explicitHashKey])),
    ),
  ]
  const message = Buffer.concat([
    ...partitionKeys.map((key) => field(1, Buffer.from(key))),
    ...hashKeys.map((key) => field(2, Buffer.from(key))),
    ...records.map((record) =>
      field(
        3,
        Buffer.concat([
          varintField(1, partitionKeys.indexOf(record.partitionKey)),
          ...(record.explicitHashKey === undefined
            ? []
            : [varintField(2, hashKeys.indexOf(record.explicitHashKey))]),
          field(3, Buffer.from(record.data)),
          // A tag (field 4), which readers skip.
          field(4, field(1, Buffer.from('tag-key'))),
        ]),
      ),
    ),
  ])
  return Buffer.concat([KPL_MAGIC, message, createHash('md5').update(message).digest()])
}

function field(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint(number * 8 + 2), varint(bytes.length), bytes])
}

function varintField(number: number, value: number): Buffer {
  return Buffer.concat([varint(number * 8), varint(value)])
}

function varint(value: number): Buffer {
  const bytes: number[] = []
  let rest = value
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80)
    rest = Math.floor(rest / 0x80)
  }
  bytes.push(rest)
  return Buffer.from(bytes)
}
