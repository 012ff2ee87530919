import type { DecreaseStreamRetentionPeriodInput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { RetentionPeriodHours, StreamARN, StreamId, StreamName } from '../members.ts'
import { changeRetention } from '../settings/retention.ts'
import { applyPendingTopicConfig } from '../catalog/topic-config.ts'
import { updateStream } from '../catalog/stream-changes.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'

/** DecreaseStreamRetentionPeriod: the stream goes UPDATING and its topic's retention.ms follows. */
export function decreaseStreamRetentionPeriodOperation(
  deps: StreamsDeps,
): Operation<DecreaseStreamRetentionPeriodInput, undefined> {
  return defineOperation({
    name: 'DecreaseStreamRetentionPeriod',
    input: {
      RetentionPeriodHours: { ...RetentionPeriodHours, required: true },
      StreamName,
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const hours = validated(input.RetentionPeriodHours, 'RetentionPeriodHours')
      const stream = await updateStream(deps, streamKeyOf(input, context), (current, now) =>
        changeRetention(deps, current, hours, 'decrease', now),
      )
      await applyPendingTopicConfig(deps, stream)
      return undefined
    },
  })
}
