import type { TagResourceInput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { ResourceARN, StreamId, TagMap } from '../members.ts'
import { resourceOf } from '../resources/resource-arns.ts'
import { changeResourceTags } from '../resources/resource-tags.ts'
import { addTags } from '../resources/tags.ts'

/** TagResource: AddTagsToStream for a stream named by its ARN, or tags a registered consumer. */
export function tagResourceOperation(deps: StreamsDeps): Operation<TagResourceInput, undefined> {
  return defineOperation({
    name: 'TagResource',
    input: { Tags: { ...TagMap, required: true }, ResourceARN: { ...ResourceARN, required: true }, StreamId },
    async handle(input, context) {
      const tags = validated(input.Tags, 'Tags')
      const resource = await resourceOf(deps, validated(input.ResourceARN, 'ResourceARN'), context)
      await changeResourceTags(deps, resource, (owner) => addTags(owner, tags))
      return undefined
    },
  })
}
