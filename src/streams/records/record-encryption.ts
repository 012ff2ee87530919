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

import { createCipheriv, createSecretKey, hkdfSync, type KeyObject, randomBytes } from 'node:crypto'

import {
  ENVELOPE_IV_BYTES,
  ENVELOPE_OVERHEAD_BYTES,
  ENVELOPE_VERSION,
  openRecordData,
} from '../../mapping/record-envelope.ts'
import type { KeyRing } from '../../ports/key-ring.ts'

// The envelope's layout and its opening are pure and shared with the Firehose delivery workers.
export { ENVELOPE_OVERHEAD_BYTES, openRecordData }

/** The KeyId that names the AWS managed key of Kinesis. */
export const KINESIS_MANAGED_KEY_ID = 'alias/aws/kinesis'

const KEY_DERIVATION_SALT = Buffer.from('kinesis-record-encryption', 'utf8')

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
  const iv = randomBytes(ENVELOPE_IV_BYTES)
  const header = Buffer.of(ENVELOPE_VERSION)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(header)
  return Buffer.concat([header, iv, cipher.update(data), cipher.final(), cipher.getAuthTag()])
}
