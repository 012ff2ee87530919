import type { SubscribeToShardInput } from '@aws-sdk/client-kinesis'

import {
  defineOperation,
  eventStream,
  validated,
  type EventStreamOutput,
  type Operation,
} from '../../aws/index.ts'
import { ResourceInUseException, ResourceNotFoundException } from '../errors.ts'
import { parseConsumerArn } from '../../mapping/arns.ts'
import { resolveShardId, shardIdOf } from '../../mapping/shard-ids.ts'
import type { StreamsDeps } from '../deps.ts'
import { consumerArnNotFound, consumerNotActive, consumerRegistryOf } from '../fan-out/consumer-lookup.ts'
import { ConsumerARN } from '../fan-out/consumer-members.ts'
import { fanOutSettingsOf } from '../fan-out/fan-out-settings.ts'
import { leaseTtlMs, subscriptionEvents } from '../fan-out/shard-subscription.ts'
import { DEFAULT_SHARD_TAIL_LIMITS, ShardTails } from '../fan-out/shard-tail.ts'
import { STARTING_POSITION_TYPES, startingOffsetOf } from '../fan-out/starting-position.ts'
import { SequenceNumber, ShardId, StreamId } from '../members.ts'
import { StreamRoutingCache } from '../records/routing.ts'
import { findReadableStream, shardNotFound } from '../records/stream-access.ts'
import { visibleConsumer } from '../fan-out/stream-consumers.ts'

/** What the input table guarantees. */
type SubscribeToShardRequest = Omit<SubscribeToShardInput, 'StartingPosition'> & {
  StartingPosition?:
    | { Type?: string | undefined; SequenceNumber?: string | undefined; Timestamp?: Date | undefined }
    | undefined
}

/**
 * SubscribeToShard: checks the consumer (ACTIVE), the shard and the starting position, takes the consumer's lease
 * on the shard (one open subscription per consumer and shard across replicas), then streams the shard's records
 * as they arrive (see fan-out/shard-subscription.ts). `tails` is the process's upstream readers: every
 * subscription of a partition in this process shares one.
 */
export function subscribeToShardOperation(
  deps: StreamsDeps,
  tails?: ShardTails,
): Operation<SubscribeToShardRequest, EventStreamOutput> {
  const settings = fanOutSettingsOf(deps.fanOut)
  const shardTails =
    tails ?? new ShardTails(deps.recordLog, { ...DEFAULT_SHARD_TAIL_LIMITS, waitMs: settings.tailWaitMs })
  const routes = new StreamRoutingCache()
  return defineOperation<SubscribeToShardRequest, EventStreamOutput>({
    name: 'SubscribeToShard',
    input: {
      ConsumerARN: { ...ConsumerARN, required: true },
      ShardId: { ...ShardId, required: true },
      StartingPosition: {
        type: 'structure',
        required: true,
        members: {
          Type: { type: 'string', required: true, enum: [...STARTING_POSITION_TYPES] },
          SequenceNumber,
          Timestamp: { type: 'timestamp' },
        },
      },
      StreamId,
    },
    async handle(input, context) {
      const consumerArn = validated(input.ConsumerARN, 'ConsumerARN')
      const shardIdText = validated(input.ShardId, 'ShardId')
      const position = validated(input.StartingPosition, 'StartingPosition')
      const parts = parseConsumerArn(consumerArn)
      if (parts === undefined || parts.accountId !== context.accountId || parts.region !== context.region) {
        throw consumerArnNotFound(consumerArn)
      }
      const key = { accountId: parts.accountId, region: parts.region, streamName: parts.streamName }
      const stream = await findReadableStream(deps, key)
      const stored = stream === undefined ? undefined : await consumerRegistryOf(deps).getByArn(consumerArn)
      const consumer =
        stored === undefined || stream === undefined
          ? undefined
          : visibleConsumer(stored, stream, deps.clock.now())
      if (stream === undefined || consumer === undefined) throw consumerArnNotFound(consumerArn)
      if (consumer.status !== 'ACTIVE') throw consumerNotActive(consumer)

      const shardIndex = resolveShardId(shardIdText)
      if (shardIndex === undefined) {
        throw ResourceNotFoundException(
          `Could not find shard ${shardIdText} in stream ${key.streamName} under account ${key.accountId}.`,
        )
      }
      const shard = routes.of(stream).shard(shardIndex)
      if (shard === undefined) throw shardNotFound(key, shardIndex)
      const fromOffset = await startingOffsetOf(
        deps,
        { ...position, Type: validated(position.Type, 'StartingPosition.Type') },
        { key, stream, shard },
      )

      const leases = deps.subscriptionLeases
      if (leases === undefined) throw new Error('SubscribeToShard needs subscription leases')
      const lease = await leases.acquire(
        consumerArn,
        shardIdOf(shardIndex),
        context.requestId,
        leaseTtlMs(settings),
      )
      if (lease === undefined) {
        throw ResourceInUseException(`Another active subscription exists for this consumer: ${consumerArn}`)
      }
      const accepted = { key, stream, shardIndex, consumerArn, fromOffset, lease }
      return eventStream({}, subscriptionEvents(deps, shardTails, routes, settings, accepted), {
        internalFailureException: 'InternalFailureException',
      })
    },
  })
}
