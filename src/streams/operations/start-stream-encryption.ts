import type { StartStreamEncryptionInput } from '@aws-sdk/client-kinesis'

import { type Operation } from '../../aws/index.ts'
import type { StreamEncryption } from '../../ports/stream-catalog.ts'
import { defineOperation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { requireKmsEncryptionType, sameEncryption } from '../settings/encryption.ts'
import { EncryptionType, KeyId, StreamARN, StreamName } from '../members.ts'
import { requireActive, startUpdating, updateStream } from '../catalog/stream-changes.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'
import { validated } from '../../aws/index.ts'

/**
 * StartStreamEncryption: records put from now on are sealed with the given key (the stream goes UPDATING).
 * Records written earlier stay as they are. Naming the key already in use changes nothing.
 */
export function startStreamEncryptionOperation(
  deps: StreamsDeps,
): Operation<StartStreamEncryptionInput, undefined> {
  return defineOperation({
    name: 'StartStreamEncryption',
    input: {
      EncryptionType: { ...EncryptionType, required: true },
      KeyId: { ...KeyId, required: true },
      StreamName,
      StreamARN,
    },
    async handle(input, context) {
      requireKmsEncryptionType(validated(input.EncryptionType, 'EncryptionType'))
      const keyId = validated(input.KeyId, 'KeyId')
      const encryption: StreamEncryption = { type: 'KMS', keyId }
      await updateStream(deps, streamKeyOf(input, context), (stream, now) => {
        requireActive(stream, now)
        if (sameEncryption(stream.encryption, encryption)) return undefined
        return { ...startUpdating(deps, stream, now), encryption }
      })
      return undefined
    },
  })
}
