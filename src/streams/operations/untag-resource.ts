import type { UntagResourceInput } from '@aws-sdk/client-kinesis'

import type { Operation } from '../../gateway/index.ts'
import { defineOperation } from '../define-operation.ts'
import type { StreamsDeps } from '../deps.ts'
import { updateConsumer } from '../fan-out/consumer-changes.ts'
import { ResourceARN, TagKeyList } from '../members.ts'
import { resourceOf } from '../resource-arns.ts'
import { requireActive, updateStream } from '../stream-changes.ts'
import { requireStream } from '../stream-lookup.ts'
import { removeTags } from '../tags.ts'
import { validated } from '../validated.ts'

/** UntagResource: RemoveTagsFromStream for a stream named by its ARN, or untags a registered consumer. */
export function untagResourceOperation(deps: StreamsDeps): Operation<UntagResourceInput, undefined> {
  return defineOperation({
    name: 'UntagResource',
    input: { TagKeys: { ...TagKeyList, required: true }, ResourceARN: { ...ResourceARN, required: true } },
    async handle(input, context) {
      const tagKeys = validated(input.TagKeys, 'TagKeys')
      const resource = await resourceOf(deps, validated(input.ResourceARN, 'ResourceARN'), context)
      if (resource.kind === 'consumer') {
        const stream = await requireStream(deps, resource.key)
        const { consumerArn, consumerName } = resource.consumer
        await updateConsumer(deps, stream, consumerArn, consumerName, (consumer) => ({
          ...consumer,
          tags: removeTags({ ...stream, tags: consumer.tags ?? {} }, tagKeys),
        }))
        return undefined
      }
      await updateStream(deps, resource.key, (stream, now) => {
        requireActive(stream, now)
        return { ...stream, tags: removeTags(stream, tagKeys) }
      })
      return undefined
    },
  })
}
