// StartStreamEncryption and StopStreamEncryption: the stream records which KMS key its records are sealed
// with. Records are sealed by the data plane with a local key ring; any key id form Kinesis accepts (key id,
// key ARN, alias name such as alias/aws/kinesis, alias ARN) is stored as given.

import { InvalidArgumentException } from '../errors.ts'
import type { StreamEncryption } from '../../ports/stream-catalog.ts'

export function requireKmsEncryptionType(encryptionType: string): void {
  if (encryptionType !== 'KMS') {
    throw InvalidArgumentException(
      `Encryption type ${encryptionType} is not supported. The only valid value is KMS.`,
    )
  }
}

export function sameEncryption(a: StreamEncryption, b: StreamEncryption): boolean {
  return a.type === b.type && (a.type === 'NONE' || (b.type === 'KMS' && a.keyId === b.keyId))
}
