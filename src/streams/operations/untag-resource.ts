import type { UntagResourceInput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { ResourceARN, StreamId, TagKeyList } from '../members.ts'
import { resourceOf } from '../resources/resource-arns.ts'
import { changeResourceTags } from '../resources/resource-tags.ts'
import { removeTags } from '../resources/tags.ts'

/** UntagResource: RemoveTagsFromStream for a stream named by its ARN, or untags a registered consumer. */
export function untagResourceOperation(deps: StreamsDeps): Operation<UntagResourceInput, undefined> {
  return defineOperation({
    name: 'UntagResource',
    input: {
      TagKeys: { ...TagKeyList, required: true },
      ResourceARN: { ...ResourceARN, required: true },
      StreamId,
    },
    async handle(input, context) {
      const tagKeys = validated(input.TagKeys, 'TagKeys')
      const resource = await resourceOf(deps, validated(input.ResourceARN, 'ResourceARN'), context)
      await changeResourceTags(deps, resource, (owner) => removeTags(owner, tagKeys))
      return undefined
    },
  })
}
