import type { DeleteResourcePolicyInput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { ResourceNotFoundException } from '../errors.ts'
import { ResourceARN, StreamId } from '../members.ts'
import { streamKeyOfResource } from '../resources/resource-arns.ts'
import { requireActive, updateStream } from '../catalog/stream-changes.ts'

/**
 * DeleteResourcePolicy: removes the stream's policy. A stream without one answers ResourceNotFoundException
 * (`No resource policy found for resource ARN <arn>.`), as Kinesis does.
 */
export function deleteResourcePolicyOperation(
  deps: StreamsDeps,
): Operation<DeleteResourcePolicyInput, undefined> {
  return defineOperation({
    name: 'DeleteResourcePolicy',
    input: { ResourceARN: { ...ResourceARN, required: true }, StreamId },
    async handle(input, context) {
      const arn = validated(input.ResourceARN, 'ResourceARN')
      const key = await streamKeyOfResource(deps, arn, context)
      await updateStream(deps, key, (stream, now) => {
        requireActive(stream, now)
        if (stream.resourcePolicy === undefined) {
          throw ResourceNotFoundException(`No resource policy found for resource ARN ${arn}.`)
        }
        const { resourcePolicy: _removed, ...withoutPolicy } = stream
        return withoutPolicy
      })
      return undefined
    },
  })
}
