import type { TagResourceInput } from '@aws-sdk/client-kinesis'

import type { Operation } from '../../gateway/index.ts'
import { defineOperation } from '../define-operation.ts'
import type { StreamsDeps } from '../deps.ts'
import { updateConsumer } from '../fan-out/consumer-changes.ts'
import { ResourceARN, TagMap } from '../members.ts'
import { resourceOf } from '../resource-arns.ts'
import { requireActive, updateStream } from '../stream-changes.ts'
import { requireStream } from '../stream-lookup.ts'
import { addTags } from '../tags.ts'
import { validated } from '../validated.ts'

/** TagResource: AddTagsToStream for a stream named by its ARN, or tags a registered consumer. */
export function tagResourceOperation(deps: StreamsDeps): Operation<TagResourceInput, undefined> {
  return defineOperation({
    name: 'TagResource',
    input: { Tags: { ...TagMap, required: true }, ResourceARN: { ...ResourceARN, required: true } },
    async handle(input, context) {
      const tags = validated(input.Tags, 'Tags')
      const resource = await resourceOf(deps, validated(input.ResourceARN, 'ResourceARN'), context)
      if (resource.kind === 'consumer') {
        const stream = await requireStream(deps, resource.key)
        const { consumerArn, consumerName } = resource.consumer
        await updateConsumer(deps, stream, consumerArn, consumerName, (consumer) => ({
          ...consumer,
          tags: addTags({ ...stream, tags: consumer.tags ?? {} }, tags),
        }))
        return undefined
      }
      await updateStream(deps, resource.key, (stream, now) => {
        requireActive(stream, now)
        return { ...stream, tags: addTags(stream, tags) }
      })
      return undefined
    },
  })
}
