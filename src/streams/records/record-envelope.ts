// How a Kinesis record is stored as a Kafka record, and read back: the layout and the reading are in
// src/mapping/record-envelope.ts (shared with the Firehose delivery workers); writing, and the errors the
// Kinesis API answers, are here.
//
// Native Kafka consumers read Kinesis records as plain key/value, and records written by native Kafka producers
// read as Kinesis records: a record without headers is plain data, and a record without a key gets
// MISSING_PARTITION_KEY as its PartitionKey (Kinesis requires one of at least one character).

import type { KeyObject } from 'node:crypto'

import { AwsError } from '../../aws/index.ts'
import type { RecordToAppend, StoredRecord } from '../../ports/record-log.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { KeyRing } from '../../ports/key-ring.ts'
import {
  ENCRYPTION_HEADER,
  EXPLICIT_HASH_KEY_HEADER,
  KMS_PREFIX,
  MISSING_PARTITION_KEY,
  openStoredRecord,
} from '../../mapping/record-envelope.ts'
import { sealRecordData } from './record-encryption.ts'

export { ENCRYPTION_HEADER, EXPLICIT_HASH_KEY_HEADER, MISSING_PARTITION_KEY }

export interface KinesisRecordToStore {
  /** The shard index. */
  partition: number
  partitionKey: string
  data: Uint8Array
  explicitHashKey?: string | undefined
}

/** The stream's encryption when the record is written: the KeyId and the data key the ring gave for it. */
export interface RecordSealing {
  keyId: string
  key: KeyObject
}

/** How records written to the stream now are sealed, or undefined when the stream is not encrypted. */
export function sealingOf(stream: StreamRecord, keyRing: KeyRing | undefined): RecordSealing | undefined {
  if (stream.encryption.type === 'NONE') return undefined
  const { keyId } = stream.encryption
  const key = keyRing?.dataKey(keyId)
  if (key === undefined) throw kmsKeyNotFound(keyId)
  return { keyId, key }
}

export function toRecordToAppend(
  record: KinesisRecordToStore,
  sealing: RecordSealing | undefined,
): RecordToAppend {
  const key = Buffer.from(record.partitionKey, 'utf8')
  if (sealing === undefined && record.explicitHashKey === undefined) {
    return { partition: record.partition, key, value: asBuffer(record.data) }
  }
  const headers: Record<string, Buffer> = {}
  if (record.explicitHashKey !== undefined) {
    headers[EXPLICIT_HASH_KEY_HEADER] = Buffer.from(record.explicitHashKey, 'utf8')
  }
  let value: Buffer
  if (sealing === undefined) {
    value = asBuffer(record.data)
  } else {
    value = sealRecordData(record.data, sealing.key)
    headers[ENCRYPTION_HEADER] = Buffer.from(KMS_PREFIX + sealing.keyId, 'utf8')
  }
  return { partition: record.partition, key, value, headers }
}

export interface ReadRecord {
  partitionKey: string
  data: Uint8Array
  encrypted: boolean
}

/**
 * The Kinesis view of a stored record. Plain data is returned without a copy (a view of the fetched bytes).
 * Throws KMSNotFoundException when the key ring lacks the record's key, and a plain Error (an internal
 * failure) when an envelope does not open.
 */
export function fromStoredRecord(stored: StoredRecord, keyRing: KeyRing | undefined): ReadRecord {
  const opened = openStoredRecord(stored, (keyId) => keyRing?.dataKey(keyId))
  if (opened.ok) return { partitionKey: opened.partitionKey, data: opened.data, encrypted: opened.encrypted }
  if (opened.reason === 'missing-key') throw kmsKeyNotFound(opened.keyId ?? '')
  throw new Error(opened.message)
}

export function kmsKeyNotFound(keyId: string): AwsError {
  return new AwsError('KMSNotFoundException', `Key '${keyId}' does not exist.`, 400)
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}
