import type { ListTagsForStreamInput, ListTagsForStreamOutput } from '@aws-sdk/client-kinesis'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { StreamARN, StreamId, StreamName, TagKey } from '../members.ts'
import { requireStream, streamKeyOf } from '../catalog/stream-lookup.ts'
import { MAX_TAGS_PER_STREAM, sortedTags } from '../resources/tags.ts'

/** ListTagsForStream: the stream's tags in key order, after ExclusiveStartTagKey, at most Limit of them. */
export function listTagsForStreamOperation(
  deps: StreamsDeps,
): Operation<ListTagsForStreamInput, ListTagsForStreamOutput> {
  return defineOperation({
    name: 'ListTagsForStream',
    input: {
      Limit: { type: 'integer', min: 1, max: 50 },
      ExclusiveStartTagKey: TagKey,
      StreamName,
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const stream = await requireStream(deps, streamKeyOf(input, context))
      const start = input.ExclusiveStartTagKey
      const tags = sortedTags(stream.tags).filter((tag) => start === undefined || tag.Key > start)
      const limit = input.Limit ?? MAX_TAGS_PER_STREAM
      return { Tags: tags.slice(0, limit), HasMoreTags: tags.length > limit }
    },
  })
}
