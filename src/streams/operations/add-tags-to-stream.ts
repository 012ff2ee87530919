import type { AddTagsToStreamInput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { StreamARN, StreamId, StreamName, TagMap } from '../members.ts'
import { requireActive, updateStream } from '../catalog/stream-changes.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'
import { addTags } from '../resources/tags.ts'

/** AddTagsToStream: adds tags or overwrites their values; a stream has at most 50 tags. */
export function addTagsToStreamOperation(deps: StreamsDeps): Operation<AddTagsToStreamInput, undefined> {
  return defineOperation({
    name: 'AddTagsToStream',
    input: { Tags: { ...TagMap, required: true }, StreamName, StreamARN, StreamId },
    async handle(input, context) {
      const tags = validated(input.Tags, 'Tags')
      await updateStream(deps, streamKeyOf(input, context), (stream, now) => {
        requireActive(stream, now)
        return { ...stream, tags: addTags(stream, tags) }
      })
      return undefined
    },
  })
}
