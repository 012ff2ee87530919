import type { RemoveTagsFromStreamInput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { StreamARN, StreamId, StreamName, TagKeyList } from '../members.ts'
import { requireActive, updateStream } from '../catalog/stream-changes.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'
import { removeTags } from '../resources/tags.ts'

/** RemoveTagsFromStream: removes the tags with the given keys; keys the stream does not have are ignored. */
export function removeTagsFromStreamOperation(
  deps: StreamsDeps,
): Operation<RemoveTagsFromStreamInput, undefined> {
  return defineOperation({
    name: 'RemoveTagsFromStream',
    input: { TagKeys: { ...TagKeyList, required: true }, StreamName, StreamARN, StreamId },
    async handle(input, context) {
      const tagKeys = validated(input.TagKeys, 'TagKeys')
      await updateStream(deps, streamKeyOf(input, context), (stream, now) => {
        requireActive(stream, now)
        return { ...stream, tags: removeTags(stream, tagKeys) }
      })
      return undefined
    },
  })
}
