import type { DeleteStreamInput } from '@aws-sdk/client-kinesis'

import { ResourceInUseException } from '../errors.ts'
import { defineOperation, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { StreamARN, StreamId, StreamName } from '../members.ts'
import { updateStream, withStatus } from '../catalog/stream-changes.ts'
import { registeredConsumerCount } from '../fan-out/stream-consumers.ts'
import { requireStream, streamKeyOf } from '../catalog/stream-lookup.ts'

/**
 * DeleteStream: marks the stream DELETING (it is gone once deletingDelayMs has passed), then deletes its topic.
 * Deleting a stream that is already DELETING succeeds and deletes the topic again, so a retry after a failed
 * topic deletion finishes the job. A stream still CREATING is deleted too, as Kinesis does: its creation ends
 * (a topic created after this deletion is deleted by the creation itself, see catalog/stream-creation.ts). A
 * stream with registered consumers is refused unless EnforceConsumerDeletion is set (they are removed with it).
 */
export function deleteStreamOperation(deps: StreamsDeps): Operation<DeleteStreamInput, undefined> {
  return defineOperation({
    name: 'DeleteStream',
    input: { StreamName, EnforceConsumerDeletion: { type: 'boolean' }, StreamARN, StreamId },
    async handle(input, context) {
      const key = streamKeyOf(input, context)
      const consumerCount = await registeredConsumerCount(deps, await requireStream(deps, key))
      const stream = await updateStream(deps, key, (current, now) => {
        if (current.status === 'DELETING') return undefined
        if (consumerCount > 0 && input.EnforceConsumerDeletion !== true) {
          throw ResourceInUseException(
            `DeleteStream can't delete ${current.streamArn} because there are consumers associated with this ` +
              `data stream. To delete ${current.streamName} anyway, set the EnforceConsumerDeletion parameter ` +
              'to true to force the deletion of all the consumers that are associated with it.',
          )
        }
        return withStatus(current, 'DELETING', { nowMillis: now, durationMs: deps.settings.deletingDelayMs })
      })
      // Consumers belong to this incarnation of the stream; a stream created again under the name starts with none.
      await deps.consumers?.removeAll(key)
      await deps.recordLog.deleteTopic(stream.topic)
      return undefined
    },
  })
}
