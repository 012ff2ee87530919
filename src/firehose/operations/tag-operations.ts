import type {
  ListTagsForDeliveryStreamInput,
  ListTagsForDeliveryStreamOutput,
  TagDeliveryStreamInput,
  TagDeliveryStreamOutput,
  UntagDeliveryStreamInput,
  UntagDeliveryStreamOutput,
} from '@aws-sdk/client-firehose'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { changeDeliveryStream, requireActive } from '../catalog/delivery-stream-changes.ts'
import { deliveryStreamKey, requireDeliveryStream } from '../catalog/delivery-stream-lookup.ts'
import { MAX_TAGS, withoutTags, withTags } from '../catalog/delivery-stream-tags.ts'
import type { FirehoseDeps } from '../deps.ts'
import {
  ListTagsForDeliveryStreamInput as ListTagsShape,
  TagDeliveryStreamInput as TagShape,
  UntagDeliveryStreamInput as UntagShape,
} from '../shapes.ts'

/** TagDeliveryStream: adds tags or replaces their values; at most 50 per delivery stream. */
export function tagDeliveryStreamOperation(
  deps: FirehoseDeps,
): Operation<TagDeliveryStreamInput, TagDeliveryStreamOutput> {
  return defineOperation({
    name: 'TagDeliveryStream',
    input: TagShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      const added = validated(input.Tags, 'Tags')
      await changeDeliveryStream(deps, key, (stream) => {
        requireActive(stream)
        return { ...stream, tags: withTags(key.name, stream.tags, added) }
      })
      return {}
    },
  })
}

/** UntagDeliveryStream: removes the tags of the keys given; keys without a tag are ignored. */
export function untagDeliveryStreamOperation(
  deps: FirehoseDeps,
): Operation<UntagDeliveryStreamInput, UntagDeliveryStreamOutput> {
  return defineOperation({
    name: 'UntagDeliveryStream',
    input: UntagShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      const keys = validated(input.TagKeys, 'TagKeys')
      await changeDeliveryStream(deps, key, (stream) => {
        requireActive(stream)
        const remaining = withoutTags(stream.tags, keys)
        return remaining.length === stream.tags.length ? undefined : { ...stream, tags: remaining }
      })
      return {}
    },
  })
}

/** ListTagsForDeliveryStream: tags by key in ascending order, after `ExclusiveStartTagKey`, at most `Limit`. */
export function listTagsForDeliveryStreamOperation(
  deps: FirehoseDeps,
): Operation<ListTagsForDeliveryStreamInput, ListTagsForDeliveryStreamOutput> {
  return defineOperation({
    name: 'ListTagsForDeliveryStream',
    input: ListTagsShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      const stream = await requireDeliveryStream(deps, key)
      const after = input.ExclusiveStartTagKey
      const limit = input.Limit ?? MAX_TAGS
      const tags = [...stream.tags]
        .sort((a, b) => ((a.Key ?? '') < (b.Key ?? '') ? -1 : (a.Key ?? '') > (b.Key ?? '') ? 1 : 0))
        .filter((tag) => after === undefined || (tag.Key ?? '') > after)
      return { Tags: tags.slice(0, limit), HasMoreTags: tags.length > limit }
    },
  })
}
