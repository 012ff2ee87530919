import { createHash } from 'node:crypto'

/**
 * The KPL aggregated record format: the magic bytes F3 89 9A C2, a protobuf `AggregatedRecord`, and the MD5
 * of that protobuf message.
 *
 *   message AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2;
 *                              repeated Record records = 3; }
 *   message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
 *                    required bytes data = 3; repeated Tag tags = 4; }
 *
 * A record that does not carry the magic bytes, or whose digest or protobuf does not check out, is not
 * aggregated and is delivered as it is (what the KCL does).
 */
export const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2])
const DIGEST_LENGTH = 16

export interface KplSubRecord {
  readonly partitionKey: string
  readonly explicitHashKey?: string
  readonly data: Buffer
}

/** The user records of a KPL aggregated record, or undefined when `data` is not one. */
export function deaggregateKpl(data: Buffer): KplSubRecord[] | undefined {
  if (
    data.length < KPL_MAGIC.length + DIGEST_LENGTH ||
    !data.subarray(0, KPL_MAGIC.length).equals(KPL_MAGIC)
  ) {
    return undefined
  }
  const message = data.subarray(KPL_MAGIC.length, data.length - DIGEST_LENGTH)
  const digest = data.subarray(data.length - DIGEST_LENGTH)
  if (!createHash('md5').update(message).digest().equals(digest)) return undefined
  try {
    return readAggregatedRecord(message)
  } catch {
    return undefined
  }
}

function readAggregatedRecord(message: Buffer): KplSubRecord[] {
  const partitionKeys: string[] = []
  const explicitHashKeys: string[] = []
  const records: Buffer[] = []
  const reader = new ProtobufReader(message)
  while (!reader.done()) {
    const { field, wireType } = reader.tag()
    if (field === 1 && wireType === LENGTH_DELIMITED) partitionKeys.push(reader.bytes().toString('utf8'))
    else if (field === 2 && wireType === LENGTH_DELIMITED)
      explicitHashKeys.push(reader.bytes().toString('utf8'))
    else if (field === 3 && wireType === LENGTH_DELIMITED) records.push(reader.bytes())
    else reader.skip(wireType)
  }
  return records.map((record) => readRecord(record, partitionKeys, explicitHashKeys))
}

function readRecord(message: Buffer, partitionKeys: string[], explicitHashKeys: string[]): KplSubRecord {
  let partitionKeyIndex: number | undefined
  let explicitHashKeyIndex: number | undefined
  let data: Buffer | undefined
  const reader = new ProtobufReader(message)
  while (!reader.done()) {
    const { field, wireType } = reader.tag()
    if (field === 1 && wireType === VARINT) partitionKeyIndex = reader.varint()
    else if (field === 2 && wireType === VARINT) explicitHashKeyIndex = reader.varint()
    else if (field === 3 && wireType === LENGTH_DELIMITED) data = reader.bytes()
    else reader.skip(wireType)
  }
  const partitionKey = partitionKeyIndex === undefined ? undefined : partitionKeys[partitionKeyIndex]
  if (partitionKey === undefined || data === undefined) throw new Error('incomplete aggregated user record')
  const explicitHashKey =
    explicitHashKeyIndex === undefined ? undefined : explicitHashKeys[explicitHashKeyIndex]
  return explicitHashKey === undefined ? { partitionKey, data } : { partitionKey, explicitHashKey, data }
}

const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2
const FIXED32 = 5

/** Just enough of the protobuf wire format to read the two messages above. */
class ProtobufReader {
  private offset = 0

  constructor(private readonly buffer: Buffer) {}

  done(): boolean {
    return this.offset >= this.buffer.length
  }

  tag(): { field: number; wireType: number } {
    const key = this.varint()
    return { field: Math.floor(key / 8), wireType: key % 8 }
  }

  /** A varint up to 2^53 (indexes and lengths here are far smaller). */
  varint(): number {
    let result = 0
    let multiplier = 1
    for (let i = 0; i < 10; i++) {
      const byte = this.buffer[this.offset++]
      if (byte === undefined) throw new Error('truncated varint')
      result += (byte & 0x7f) * multiplier
      if ((byte & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) throw new Error('varint out of range')
        return result
      }
      multiplier *= 128
    }
    throw new Error('varint too long')
  }

  bytes(): Buffer {
    const length = this.varint()
    const end = this.offset + length
    if (end > this.buffer.length) throw new Error('truncated length-delimited field')
    const bytes = this.buffer.subarray(this.offset, end)
    this.offset = end
    return bytes
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint()
    else if (wireType === LENGTH_DELIMITED) this.bytes()
    else if (wireType === FIXED64) this.advance(8)
    else if (wireType === FIXED32) this.advance(4)
    else throw new Error(`unsupported wire type ${wireType}`)
  }

  private advance(length: number): void {
    if (this.offset + length > this.buffer.length) throw new Error('truncated fixed field')
    this.offset += length
  }
}
