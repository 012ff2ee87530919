import type { PutResourcePolicyInput } from '@aws-sdk/client-kinesis'

import { InvalidArgumentException } from '../errors.ts'
import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { Policy, ResourceARN, StreamId } from '../members.ts'
import { streamKeyOfResource } from '../resources/resource-arns.ts'
import { requireActive, updateStream } from '../catalog/stream-changes.ts'

/**
 * PutResourcePolicy: stores the policy document on the stream, replacing any earlier one. The gateway does not
 * evaluate policies; it keeps them so that tools which manage them see what they wrote.
 */
export function putResourcePolicyOperation(deps: StreamsDeps): Operation<PutResourcePolicyInput, undefined> {
  return defineOperation({
    name: 'PutResourcePolicy',
    input: {
      ResourceARN: { ...ResourceARN, required: true },
      Policy: { ...Policy, required: true },
      StreamId,
    },
    async handle(input, context) {
      const policy = validated(input.Policy, 'Policy')
      checkPolicyDocument(policy)
      const key = await streamKeyOfResource(deps, validated(input.ResourceARN, 'ResourceARN'), context)
      await updateStream(deps, key, (stream, now) => {
        requireActive(stream, now)
        return { ...stream, resourcePolicy: policy }
      })
      return undefined
    },
  })
}

function checkPolicyDocument(policy: string): void {
  let document: unknown
  try {
    document = JSON.parse(policy)
  } catch {
    throw InvalidArgumentException('The resource policy is not valid JSON.')
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw InvalidArgumentException('The resource policy must be a JSON object.')
  }
}
