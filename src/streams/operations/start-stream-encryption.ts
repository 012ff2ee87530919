import type { StartStreamEncryptionInput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { changeEncryption, ENCRYPTION_CHANGE_INPUT } from '../settings/encryption.ts'

/**
 * StartStreamEncryption: records put from now on are sealed with the given key (the stream goes UPDATING).
 * Records written earlier stay as they are. Naming the key already in use changes nothing.
 */
export function startStreamEncryptionOperation(
  deps: StreamsDeps,
): Operation<StartStreamEncryptionInput, undefined> {
  return defineOperation({
    name: 'StartStreamEncryption',
    input: ENCRYPTION_CHANGE_INPUT,
    async handle(input, context) {
      const keyId = validated(input.KeyId, 'KeyId')
      await changeEncryption(deps, input, context, { type: 'KMS', keyId })
      return undefined
    },
  })
}
