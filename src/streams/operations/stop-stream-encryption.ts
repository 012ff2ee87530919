import type { StopStreamEncryptionInput } from '@aws-sdk/client-kinesis'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { changeEncryption, ENCRYPTION_CHANGE_INPUT } from '../settings/encryption.ts'

/**
 * StopStreamEncryption: records put from now on are stored in the clear (the stream goes UPDATING).
 * Records written earlier stay sealed and readable. A stream that is not encrypted is left as it is.
 */
export function stopStreamEncryptionOperation(
  deps: StreamsDeps,
): Operation<StopStreamEncryptionInput, undefined> {
  return defineOperation({
    name: 'StopStreamEncryption',
    input: ENCRYPTION_CHANGE_INPUT,
    async handle(input, context) {
      await changeEncryption(deps, input, context, { type: 'NONE' })
      return undefined
    },
  })
}
