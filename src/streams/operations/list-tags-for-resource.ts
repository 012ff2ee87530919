import type { ListTagsForResourceInput, ListTagsForResourceOutput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { ResourceARN, StreamId } from '../members.ts'
import { resourceOf } from '../resources/resource-arns.ts'
import { requireStream } from '../catalog/stream-lookup.ts'
import { sortedTags } from '../resources/tags.ts'

/** ListTagsForResource: every tag of the stream or consumer, in key order. */
export function listTagsForResourceOperation(
  deps: StreamsDeps,
): Operation<ListTagsForResourceInput, ListTagsForResourceOutput> {
  return defineOperation({
    name: 'ListTagsForResource',
    input: { ResourceARN: { ...ResourceARN, required: true }, StreamId },
    async handle(input, context) {
      const resource = await resourceOf(deps, validated(input.ResourceARN, 'ResourceARN'), context)
      if (resource.kind === 'consumer') return { Tags: sortedTags(resource.consumer.tags ?? {}) }
      const stream = await requireStream(deps, resource.key)
      return { Tags: sortedTags(stream.tags) }
    },
  })
}
