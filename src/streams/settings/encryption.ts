// StartStreamEncryption and StopStreamEncryption: the stream records which KMS key its records are sealed
// with. Records are sealed by the data plane with a local key ring; any key id form Kinesis accepts (key id,
// key ARN, alias name such as alias/aws/kinesis, alias ARN) is stored as given.

import { validated, type InputMembers, type RequestContext } from '../../aws/index.ts'
import type { StreamEncryption } from '../../ports/stream-catalog.ts'
import { requireActive, startUpdating, updateStream } from '../catalog/stream-changes.ts'
import { streamKeyOf, type StreamReference } from '../catalog/stream-lookup.ts'
import type { StreamsDeps } from '../deps.ts'
import { InvalidArgumentException } from '../errors.ts'
import { EncryptionType, KeyId, StreamARN, StreamId, StreamName } from '../members.ts'

/** The input of both operations: AWS requires the KMS type and a key for stopping encryption too. */
export const ENCRYPTION_CHANGE_INPUT: InputMembers = {
  EncryptionType: { ...EncryptionType, required: true },
  KeyId: { ...KeyId, required: true },
  StreamName,
  StreamARN,
  StreamId,
}

/**
 * Records put from now on are sealed as `encryption` says (the stream goes UPDATING); records written earlier
 * stay as they are, readable. A stream already encrypted that way is left as it is.
 */
export async function changeEncryption(
  deps: StreamsDeps,
  input: StreamReference & { EncryptionType?: string | undefined },
  context: RequestContext,
  encryption: StreamEncryption,
): Promise<void> {
  requireKmsEncryptionType(validated(input.EncryptionType, 'EncryptionType'))
  await updateStream(deps, streamKeyOf(input, context), (stream, now) => {
    requireActive(stream, now)
    if (sameEncryption(stream.encryption, encryption)) return undefined
    return { ...startUpdating(deps, stream, now), encryption }
  })
}

function requireKmsEncryptionType(encryptionType: string): void {
  if (encryptionType !== 'KMS') {
    throw InvalidArgumentException(
      `Encryption type ${encryptionType} is not supported. The only valid value is KMS.`,
    )
  }
}

function sameEncryption(a: StreamEncryption, b: StreamEncryption): boolean {
  return a.type === b.type && (a.type === 'NONE' || (b.type === 'KMS' && a.keyId === b.keyId))
}
