import type { ListTagsForResourceInput, ListTagsForResourceOutput } from '@aws-sdk/client-kinesis'

import type { Operation } from '../../gateway/index.ts'
import { defineOperation } from '../define-operation.ts'
import type { StreamsDeps } from '../deps.ts'
import { ResourceARN } from '../members.ts'
import { streamKeyOfResource } from '../resource-arns.ts'
import { requireStream } from '../stream-lookup.ts'
import { sortedTags } from '../tags.ts'
import { validated } from '../validated.ts'

/** ListTagsForResource: every tag of the resource, in key order. */
export function listTagsForResourceOperation(
  deps: StreamsDeps,
): Operation<ListTagsForResourceInput, ListTagsForResourceOutput> {
  return defineOperation({
    name: 'ListTagsForResource',
    input: { ResourceARN: { ...ResourceARN, required: true } },
    async handle(input, context) {
      const key = streamKeyOfResource(validated(input.ResourceARN, 'ResourceARN'), context)
      const stream = await requireStream(deps, key)
      return { Tags: sortedTags(stream.tags) }
    },
  })
}
