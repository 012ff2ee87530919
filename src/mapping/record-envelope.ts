// How a Kinesis record is stored as a Kafka record, and read back: the pure part, shared by Kinesis Data Streams
// (which writes and reads records) and the Firehose delivery workers (which read a source stream's records).
//
//   Kafka key     the partition key, UTF-8
//   Kafka value   the data, byte for byte; for a record written while the stream was encrypted, a sealed
//                 envelope (below)
//   headers       only what has no natural place:
//                   kinesis-explicit-hash-key   the ExplicitHashKey in decimal, when the producer gave one
//                   kinesis-encryption          `kms:<KeyId>` on encrypted records
//
// The sealed envelope (server-side encryption with a KMS KeyId):
//
//   version    1 byte    = 1, authenticated as additional data
//   IV        12 bytes   random
//   ciphertext           AES-256-GCM of the data, as long as the data
//   tag       16 bytes

import { createDecipheriv, type KeyObject } from 'node:crypto'

export const EXPLICIT_HASH_KEY_HEADER = 'kinesis-explicit-hash-key'
export const ENCRYPTION_HEADER = 'kinesis-encryption'
export const KMS_PREFIX = 'kms:'

/** The PartitionKey of records that a Kafka producer wrote without a key (or with an empty one). */
export const MISSING_PARTITION_KEY = '-'

export const ENVELOPE_VERSION = 1
export const ENVELOPE_IV_BYTES = 12
export const ENVELOPE_TAG_BYTES = 16
/** The bytes an envelope adds to the data it seals. */
export const ENVELOPE_OVERHEAD_BYTES = 1 + ENVELOPE_IV_BYTES + ENVELOPE_TAG_BYTES

const EMPTY_DATA = new Uint8Array(0)

/** The data sealed in an envelope, or undefined when the envelope was not sealed with this key or was altered. */
export function openRecordData(envelope: Uint8Array, key: KeyObject): Buffer | undefined {
  if (envelope.length < ENVELOPE_OVERHEAD_BYTES || envelope[0] !== ENVELOPE_VERSION) return undefined
  const ciphertextEnd = envelope.length - ENVELOPE_TAG_BYTES
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, envelope.subarray(1, 1 + ENVELOPE_IV_BYTES))
    decipher.setAAD(envelope.subarray(0, 1))
    decipher.setAuthTag(envelope.subarray(ciphertextEnd))
    return Buffer.concat([
      decipher.update(envelope.subarray(1 + ENVELOPE_IV_BYTES, ciphertextEnd)),
      decipher.final(),
    ])
  } catch {
    return undefined
  }
}

/** The parts of a stored Kafka record the envelope reads. */
export interface EnvelopeRecord {
  readonly offset: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: Readonly<Record<string, Buffer | undefined>>
}

export type OpenedRecord =
  | {
      readonly ok: true
      readonly partitionKey: string
      readonly data: Uint8Array
      readonly encrypted: boolean
    }
  /** `missing-key`: the key ring has no data key for `keyId`; `unreadable`: the envelope does not open. */
  | {
      readonly ok: false
      readonly reason: 'missing-key' | 'unreadable'
      readonly keyId?: string
      readonly message: string
    }

/**
 * The Kinesis view of a stored record. Plain data is returned without a copy (a view of the fetched bytes); an
 * encrypted record is opened with the data key `dataKey` gives for its KeyId.
 */
export function openStoredRecord(
  stored: EnvelopeRecord,
  dataKey: (keyId: string) => KeyObject | undefined,
): OpenedRecord {
  const partitionKey =
    stored.key === null || stored.key.length === 0 ? MISSING_PARTITION_KEY : stored.key.toString('utf8')
  const value = stored.value ?? EMPTY_DATA
  const encryption = stored.headers[ENCRYPTION_HEADER]
  if (encryption === undefined) return { ok: true, partitionKey, data: value, encrypted: false }
  const scheme = encryption.toString('utf8')
  if (!scheme.startsWith(KMS_PREFIX)) {
    return {
      ok: false,
      reason: 'unreadable',
      message: `record at offset ${stored.offset} has an unknown ${ENCRYPTION_HEADER} header '${scheme}'`,
    }
  }
  const keyId = scheme.slice(KMS_PREFIX.length)
  const key = dataKey(keyId)
  if (key === undefined)
    return { ok: false, reason: 'missing-key', keyId, message: `Key '${keyId}' does not exist.` }
  const data = openRecordData(value, key)
  if (data === undefined) {
    return {
      ok: false,
      reason: 'unreadable',
      keyId,
      message: `record at offset ${stored.offset} does not open with the data key of '${keyId}'`,
    }
  }
  return { ok: true, partitionKey, data, encrypted: true }
}
