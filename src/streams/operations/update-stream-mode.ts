import type { UpdateStreamModeInput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { accountUsage, checkOnDemandStreamLimit } from '../catalog/account-usage.ts'
import type { StreamsDeps } from '../deps.ts'
import { StreamARN, StreamId, StreamModeDetails } from '../members.ts'
import { requireActive, startUpdating, updateStream } from '../catalog/stream-changes.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'

/**
 * UpdateStreamMode: switches between PROVISIONED and ON_DEMAND (the stream goes UPDATING). The shards stay as
 * they are: capacity on Kafka does not depend on the mode. Asking for the current mode changes nothing.
 */
export function updateStreamModeOperation(deps: StreamsDeps): Operation<UpdateStreamModeInput, undefined> {
  return defineOperation({
    name: 'UpdateStreamMode',
    input: {
      StreamARN: { ...StreamARN, required: true },
      StreamModeDetails: { ...StreamModeDetails, required: true },
      StreamId,
    },
    async handle(input, context) {
      const mode = validated(input.StreamModeDetails?.StreamMode, 'StreamModeDetails.StreamMode')
      const key = streamKeyOf(input, context)
      const usage = mode === 'ON_DEMAND' ? await accountUsage(deps, key) : undefined
      await updateStream(deps, key, (stream, now) => {
        requireActive(stream, now)
        if (stream.mode === mode) return undefined
        if (usage !== undefined) checkOnDemandStreamLimit(key, usage)
        return { ...startUpdating(deps, stream, now), mode }
      })
      return undefined
    },
  })
}
