// Server-side encryption of record data (StartStreamEncryption with EncryptionType KMS).
//
// A record of an encrypted stream stores a sealed envelope as its Kafka value instead of the plain data:
//
//   version    1 byte    = 1, authenticated as additional data
//   IV        12 bytes   random
//   ciphertext           AES-256-GCM of the data, as long as the data
//   tag       16 bytes
//
// The key comes from a KeyRing, by the stream's KMS KeyId at the time of writing; the KeyId travels with the
// record (see record-envelope.ts), so records stay readable after the stream's key changes or encryption stops.

import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto'

import type { KeyRing } from '../../ports/key-ring.ts'

/** The KeyId that names the AWS managed key of Kinesis. */
export const KINESIS_MANAGED_KEY_ID = 'alias/aws/kinesis'

const VERSION = 1
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_DERIVATION_SALT = Buffer.from('kinesis-record-encryption', 'utf8')

/** The bytes an envelope adds to the data it seals. */
export const ENVELOPE_OVERHEAD_BYTES = 1 + IV_BYTES + TAG_BYTES

/**
 * A key ring that derives one data key per KeyId from a single secret (HKDF-SHA256), so every KeyId works,
 * `alias/aws/kinesis` included, and every gateway replica that shares the secret derives the same keys.
 */
export function derivedKeyRing(secret: Uint8Array): KeyRing {
  if (secret.length < 32)
    throw new RangeError(`a key ring secret has at least 32 bytes, got ${secret.length}`)
  const keys = new Map<string, KeyObject>()
  return {
    dataKey(keyId) {
      let key = keys.get(keyId)
      if (key === undefined) {
        key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, KEY_DERIVATION_SALT, keyId, 32)))
        keys.set(keyId, key)
      }
      return key
    },
  }
}

export function sealRecordData(data: Uint8Array, key: KeyObject): Buffer {
  const iv = randomBytes(IV_BYTES)
  const header = Buffer.of(VERSION)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(header)
  return Buffer.concat([header, iv, cipher.update(data), cipher.final(), cipher.getAuthTag()])
}

/** The data sealed in an envelope, or undefined when the envelope was not sealed with this key or was altered. */
export function openRecordData(envelope: Uint8Array, key: KeyObject): Buffer | undefined {
  if (envelope.length < ENVELOPE_OVERHEAD_BYTES || envelope[0] !== VERSION) return undefined
  const ciphertextEnd = envelope.length - TAG_BYTES
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, envelope.subarray(1, 1 + IV_BYTES))
    decipher.setAAD(envelope.subarray(0, 1))
    decipher.setAuthTag(envelope.subarray(ciphertextEnd))
    return Buffer.concat([decipher.update(envelope.subarray(1 + IV_BYTES, ciphertextEnd)), decipher.final()])
  } catch {
    return undefined
  }
}
