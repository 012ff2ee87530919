// Size limits of records and of PutRecords requests, with Kinesis's wording.
//
// A record's size is its data plus its partition key (UTF-8), and may not exceed the stream's maximum record
// size (MaxRecordSizeInKiB, 1 MiB unless raised up to 10 MiB). Kinesis reports an oversized record as a
// violation of the data member's length constraint, naming the limit:
//
//   1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data'
//   failed to satisfy constraint: Member must have length less than or equal to 1048576
//
// A record whose data alone fits but whose data plus partition key does not is reported at the same member,
// with the length its data may have beside that key and what was counted, in the words of Kinesis's
// documentation ("When the data blob ... is added to the partition key size, the total size must not exceed
// the maximum record size"):
//
//   ... Value 'java.nio.HeapByteBuffer[pos=0 lim=10485760 cap=10485760]' at 'data' failed to satisfy
//   constraint: Member must have length less than or equal to 10485759 (the data blob added to the partition
//   key size, 10485761 bytes, must not exceed the maximum record size of 10485760 bytes)

import { maxLengthRule, violationText, type AwsError } from '../../aws/index.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'
import { InvalidArgumentException } from '../errors.ts'

/** The largest Data the service model admits (10 MiB); a stream's own limit may be lower. */
export const MAX_DATA_BYTES = 10 * 1024 * 1024

/** The most a PutRecords request may carry, data and partition keys of all records together. */
export const MAX_PUT_RECORDS_BYTES = 10 * 1024 * 1024

export function maxRecordBytes(stream: StreamRecord): number {
  return stream.maxRecordSizeKiB * 1024
}

export function recordBytes(partitionKey: string, data: Uint8Array): number {
  return Buffer.byteLength(partitionKey, 'utf8') + data.length
}

/**
 * One violation for a record of `bytes` (data plus partition key) larger than `maxBytes`, at `path` ('data' or
 * 'records.3.member.data').
 */
export function oversizedRecordViolation(
  path: string,
  data: Uint8Array,
  bytes: number,
  maxBytes: number,
): string {
  if (data.length > maxBytes) return violationText(path, data, BLOB, maxLengthRule(maxBytes))
  const keyBytes = bytes - data.length
  return violationText(
    path,
    data,
    BLOB,
    `${maxLengthRule(maxBytes - keyBytes)} (the data blob added to the partition key size, ${String(bytes)} ` +
      `bytes, must not exceed the maximum record size of ${String(maxBytes)} bytes)`,
  )
}

const BLOB = { type: 'blob' } as const

export function putRecordsTooLarge(): AwsError {
  return InvalidArgumentException(`Records size exceeds ${MAX_PUT_RECORDS_BYTES / (1024 * 1024)} MB limit`)
}
