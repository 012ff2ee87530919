import type { DeregisterStreamConsumerInput } from '@aws-sdk/client-kinesis'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { updateConsumer } from '../fan-out/consumer-changes.ts'
import { consumerNotActive, requireConsumer } from '../fan-out/consumer-lookup.ts'
import { ConsumerARN, ConsumerName } from '../fan-out/consumer-members.ts'
import { StreamARN, StreamId } from '../members.ts'

/**
 * DeregisterStreamConsumer, by ConsumerARN or by StreamARN and ConsumerName: an ACTIVE consumer is DELETING for
 * deletingDelayMs, then gone (its open subscriptions end when they next renew their lease).
 */
export function deregisterStreamConsumerOperation(
  deps: StreamsDeps,
): Operation<DeregisterStreamConsumerInput, undefined> {
  return defineOperation<DeregisterStreamConsumerInput, undefined>({
    name: 'DeregisterStreamConsumer',
    input: { StreamARN, ConsumerName, ConsumerARN, StreamId },
    async handle(input, context) {
      const { stream, consumer } = await requireConsumer(deps, input, context)
      await updateConsumer(deps, stream, consumer.consumerArn, consumer.consumerName, (current, now) => {
        if (current.status !== 'ACTIVE') throw consumerNotActive(current)
        return {
          ...current,
          status: 'DELETING',
          statusUntilMillis: now + deps.settings.deletingDelayMs,
        }
      })
      return undefined
    },
  })
}
