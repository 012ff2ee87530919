import type { UntagResourceInput } from '@aws-sdk/client-kinesis'

import type { Operation } from '../../gateway/index.ts'
import { defineOperation } from '../define-operation.ts'
import type { StreamsDeps } from '../deps.ts'
import { ResourceARN, TagKeyList } from '../members.ts'
import { streamKeyOfResource } from '../resource-arns.ts'
import { requireActive, updateStream } from '../stream-changes.ts'
import { removeTags } from '../tags.ts'
import { validated } from '../validated.ts'

/** UntagResource: RemoveTagsFromStream for a resource named by its ARN. */
export function untagResourceOperation(deps: StreamsDeps): Operation<UntagResourceInput, undefined> {
  return defineOperation({
    name: 'UntagResource',
    input: { TagKeys: { ...TagKeyList, required: true }, ResourceARN: { ...ResourceARN, required: true } },
    async handle(input, context) {
      const tagKeys = validated(input.TagKeys, 'TagKeys')
      const key = streamKeyOfResource(validated(input.ResourceARN, 'ResourceARN'), context)
      await updateStream(deps, key, (stream, now) => {
        requireActive(stream, now)
        return { ...stream, tags: removeTags(stream, tagKeys) }
      })
      return undefined
    },
  })
}
