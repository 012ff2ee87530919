import type { DeleteResourcePolicyInput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { ResourceARN } from '../members.ts'
import { streamKeyOfResource } from '../resources/resource-arns.ts'
import { requireActive, updateStream } from '../catalog/stream-changes.ts'

/** DeleteResourcePolicy: removes the stream's policy; a stream without one is left as it is. */
export function deleteResourcePolicyOperation(
  deps: StreamsDeps,
): Operation<DeleteResourcePolicyInput, undefined> {
  return defineOperation({
    name: 'DeleteResourcePolicy',
    input: { ResourceARN: { ...ResourceARN, required: true } },
    async handle(input, context) {
      const key = await streamKeyOfResource(deps, validated(input.ResourceARN, 'ResourceARN'), context)
      await updateStream(deps, key, (stream, now) => {
        requireActive(stream, now)
        if (stream.resourcePolicy === undefined) return undefined
        const { resourcePolicy: _removed, ...withoutPolicy } = stream
        return withoutPolicy
      })
      return undefined
    },
  })
}
