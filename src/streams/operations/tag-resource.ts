import type { TagResourceInput } from '@aws-sdk/client-kinesis'

import type { Operation } from '../../gateway/index.ts'
import { defineOperation } from '../define-operation.ts'
import type { StreamsDeps } from '../deps.ts'
import { ResourceARN, TagMap } from '../members.ts'
import { streamKeyOfResource } from '../resource-arns.ts'
import { requireActive, updateStream } from '../stream-changes.ts'
import { addTags } from '../tags.ts'
import { validated } from '../validated.ts'

/** TagResource: AddTagsToStream for a resource named by its ARN. */
export function tagResourceOperation(deps: StreamsDeps): Operation<TagResourceInput, undefined> {
  return defineOperation({
    name: 'TagResource',
    input: { Tags: { ...TagMap, required: true }, ResourceARN: { ...ResourceARN, required: true } },
    async handle(input, context) {
      const tags = validated(input.Tags, 'Tags')
      const key = streamKeyOfResource(validated(input.ResourceARN, 'ResourceARN'), context)
      await updateStream(deps, key, (stream, now) => {
        requireActive(stream, now)
        return { ...stream, tags: addTags(stream, tags) }
      })
      return undefined
    },
  })
}
