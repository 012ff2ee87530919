import type { RegisterStreamConsumerInput, RegisterStreamConsumerOutput } from '@aws-sdk/client-kinesis'

import { LimitExceededException, ResourceInUseException } from '../errors.ts'
import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { consumerArn } from '../../mapping/arns.ts'
import type { ConsumerRecord } from '../../ports/consumer-registry.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { consumerRegistryOf } from '../fan-out/consumer-lookup.ts'
import { ConsumerName } from '../fan-out/consumer-members.ts'
import { consumerOf } from '../fan-out/consumer-shapes.ts'
import { StreamARN, StreamId, TagMap } from '../members.ts'
import { MAX_CONSUMERS_PER_STREAM, visibleConsumer } from '../fan-out/stream-consumers.ts'
import { requireStream, streamKeyOf } from '../catalog/stream-lookup.ts'
import { effectiveStatus } from '../catalog/stream-status.ts'
import { addTags } from '../resources/tags.ts'

/**
 * RegisterStreamConsumer: the consumer is CREATING for creatingDelayMs, then ACTIVE. A stream takes at most 20
 * consumers; a name may be registered again once its earlier consumer is gone (deregistered, or registered on an
 * earlier stream of the same name).
 */
export function registerStreamConsumerOperation(
  deps: StreamsDeps,
): Operation<RegisterStreamConsumerInput, RegisterStreamConsumerOutput> {
  return defineOperation<RegisterStreamConsumerInput, RegisterStreamConsumerOutput>({
    name: 'RegisterStreamConsumer',
    input: {
      StreamARN: { ...StreamARN, required: true },
      ConsumerName: { ...ConsumerName, required: true },
      Tags: TagMap,
      StreamId,
    },
    async handle(input, context) {
      const registry = consumerRegistryOf(deps)
      const name = validated(input.ConsumerName, 'ConsumerName')
      const key = streamKeyOf({ StreamARN: validated(input.StreamARN, 'StreamARN') }, context)
      const stream = await requireStream(deps, key)
      const now = deps.clock.now()
      requireRegistrable(stream, now)

      const stored = await registry.list(stream)
      const earlier = stored.find((record) => record.consumerName === name)
      if (earlier !== undefined && visibleConsumer(earlier, stream, now) !== undefined) {
        throw consumerExists(stream, name)
      }
      const live = stored.filter((record) => visibleConsumer(record, stream, now) !== undefined)
      if (live.length >= MAX_CONSUMERS_PER_STREAM) {
        throw LimitExceededException(
          `Consumer limit of ${MAX_CONSUMERS_PER_STREAM} reached for stream ${stream.streamName} under ` +
            `account ${stream.accountId}.`,
        )
      }
      const tags = input.Tags === undefined ? undefined : addTags({ ...stream, tags: {} }, input.Tags)
      // A gone consumer of that name still has its record: it makes way for the new one.
      if (earlier !== undefined) await registry.remove(key, name, earlier.version)

      // A consumer registered again within the same second as its predecessor still gets an ARN of its own.
      const creationEpochSeconds = Math.max(Math.floor(now / 1000), (earlier?.creationEpochSeconds ?? -1) + 1)
      const record: ConsumerRecord = {
        accountId: stream.accountId,
        region: stream.region,
        streamName: stream.streamName,
        streamArn: stream.streamArn,
        streamIncarnation: stream.incarnation,
        consumerName: name,
        consumerArn: consumerArn(stream.streamArn, name, creationEpochSeconds),
        creationEpochSeconds,
        createdAtMillis: now,
        status: 'CREATING',
        statusUntilMillis: now + deps.settings.creatingDelayMs,
        version: 1,
      }
      if (tags !== undefined) record.tags = tags
      if (!(await registry.register(record))) throw consumerExists(stream, name)
      return { Consumer: consumerOf(visibleConsumer(record, stream, now) ?? record) }
    },
  })
}

/** Consumers are registered on streams that exist and are not being created or deleted. */
function requireRegistrable(stream: StreamRecord, nowMillis: number): void {
  const status = effectiveStatus(stream, nowMillis)
  if (status === 'ACTIVE' || status === 'UPDATING') return
  throw ResourceInUseException(
    `Stream ${stream.streamName} under account ${stream.accountId} not ACTIVE, instead in state ${status}`,
  )
}

function consumerExists(stream: StreamRecord, consumerName: string): Error {
  return ResourceInUseException(
    `Consumer ${consumerName} under stream ${stream.streamName} already exists for account ${stream.accountId}.`,
  )
}
