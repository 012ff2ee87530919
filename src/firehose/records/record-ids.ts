// RecordIds as AWS shows them: 224 characters of base64 (168 bytes), opaque to callers. Here the first bytes
// say where the record is (format version, the delivery stream's id, partition, offset), so two records never
// share one, and a re-created delivery stream of the same name never repeats an earlier one's; the rest is
// derived from the delivery stream's id, the same for all its records, only to give the id AWS's length.

import { createHash } from 'node:crypto'

const VERSION = 1
const RECORD_ID_BYTES = 168
const UUID_BYTES = 16
const PLACE_BYTES = 1 + UUID_BYTES + 4 + 8

export interface RecordPlace {
  streamId: string
  partition: number
  offset: number
}

/** Encodes the RecordIds of one delivery stream (the filler is computed once per encoder). */
export function recordIdEncoder(streamId: string): (partition: number, offset: number) => string {
  const id = uuidBytes(streamId)
  const filler = fillerOf(id)
  return (partition, offset) => {
    const bytes = Buffer.allocUnsafe(RECORD_ID_BYTES)
    bytes.writeUInt8(VERSION, 0)
    id.copy(bytes, 1)
    bytes.writeUInt32BE(partition, 1 + UUID_BYTES)
    bytes.writeBigUInt64BE(BigInt(offset), 1 + UUID_BYTES + 4)
    filler.copy(bytes, PLACE_BYTES)
    return bytes.toString('base64')
  }
}

/** Where a RecordId says its record is; undefined for a text that is not one of ours. */
export function parseRecordId(recordId: string): RecordPlace | undefined {
  const bytes = Buffer.from(recordId, 'base64')
  if (bytes.length !== RECORD_ID_BYTES || bytes.readUInt8(0) !== VERSION) return undefined
  const hex = bytes.subarray(1, 1 + UUID_BYTES).toString('hex')
  return {
    streamId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    partition: bytes.readUInt32BE(1 + UUID_BYTES),
    offset: Number(bytes.readBigUInt64BE(1 + UUID_BYTES + 4)),
  }
}

function uuidBytes(streamId: string): Buffer {
  const bytes = Buffer.from(streamId.replaceAll('-', ''), 'hex')
  if (bytes.length !== UUID_BYTES) throw new RangeError(`not a delivery stream id: '${streamId}'`)
  return bytes
}

function fillerOf(id: Buffer): Buffer {
  const first = createHash('sha512').update(id).update('0').digest()
  const second = createHash('sha512').update(id).update('1').digest()
  const third = createHash('sha512').update(id).update('2').digest()
  return Buffer.concat([first, second, third]).subarray(0, RECORD_ID_BYTES - PLACE_BYTES)
}
