import type { StopStreamEncryptionInput } from '@aws-sdk/client-kinesis'

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
 * StopStreamEncryption: records put from now on are stored in the clear (the stream goes UPDATING).
 * Records written earlier stay sealed and readable. A stream that is not encrypted is left as it is.
 */
export function stopStreamEncryptionOperation(
  deps: StreamsDeps,
): Operation<StopStreamEncryptionInput, undefined> {
  return defineOperation({
    name: 'StopStreamEncryption',
    input: {
      EncryptionType: { ...EncryptionType, required: true },
      KeyId: { ...KeyId, required: true },
      StreamName,
      StreamARN,
    },
    async handle(input, context) {
      requireKmsEncryptionType(validated(input.EncryptionType, 'EncryptionType'))
      const encryption: StreamEncryption = { type: 'NONE' }
      await updateStream(deps, streamKeyOf(input, context), (stream, now) => {
        requireActive(stream, now)
        if (sameEncryption(stream.encryption, encryption)) return undefined
        return { ...startUpdating(deps, stream, now), encryption }
      })
      return undefined
    },
  })
}
