import type { UpdateMaxRecordSizeInput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { MaxRecordSizeInKiB, StreamARN, StreamId } from '../members.ts'
import { requireActive, startUpdating, updateStream } from '../catalog/stream-changes.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'
import { applyPendingTopicConfig } from '../catalog/topic-config.ts'

/**
 * UpdateMaxRecordSize: the largest record (data and partition key) the stream accepts, 1 to 10 MiB. The
 * stream goes UPDATING and its topic's max.message.bytes follows (see topic-config.ts).
 */
export function updateMaxRecordSizeOperation(
  deps: StreamsDeps,
): Operation<UpdateMaxRecordSizeInput, undefined> {
  return defineOperation({
    name: 'UpdateMaxRecordSize',
    input: { StreamARN, MaxRecordSizeInKiB: { ...MaxRecordSizeInKiB, required: true }, StreamId },
    async handle(input, context) {
      const sizeKiB = validated(input.MaxRecordSizeInKiB, 'MaxRecordSizeInKiB')
      const stream = await updateStream(deps, streamKeyOf(input, context), (current, now) => {
        requireActive(current, now)
        return { ...startUpdating(deps, current, now), maxRecordSizeKiB: sizeKiB, topicConfigPending: true }
      })
      await applyPendingTopicConfig(deps, stream)
      return undefined
    },
  })
}
