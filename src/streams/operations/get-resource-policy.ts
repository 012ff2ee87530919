import type { GetResourcePolicyInput, GetResourcePolicyOutput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { ResourceARN, StreamId } from '../members.ts'
import { streamKeyOfResource } from '../resources/resource-arns.ts'
import { requireStream } from '../catalog/stream-lookup.ts'

/** GetResourcePolicy: the stored policy document, or an empty one ('{}') when the stream has none. */
export function getResourcePolicyOperation(
  deps: StreamsDeps,
): Operation<GetResourcePolicyInput, GetResourcePolicyOutput> {
  return defineOperation({
    name: 'GetResourcePolicy',
    input: { ResourceARN: { ...ResourceARN, required: true }, StreamId },
    async handle(input, context) {
      const key = await streamKeyOfResource(deps, validated(input.ResourceARN, 'ResourceARN'), context)
      const stream = await requireStream(deps, key)
      return { Policy: stream.resourcePolicy ?? '{}' }
    },
  })
}
