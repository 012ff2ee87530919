import type { CreateStreamInput } from '@aws-sdk/client-kinesis'

import { InvalidArgumentException, LimitExceededException, ResourceInUseException } from '../errors.ts'
import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { streamArn } from '../../mapping/arns.ts'
import { topicCollisionKey, topicNameFor } from '../../mapping/topic-names.ts'
import type { StreamKey, StreamMode, StreamRecord } from '../../ports/stream-catalog.ts'
import {
  accountUsage,
  checkOnDemandStreamLimit,
  checkShardLimit,
  type AccountUsage,
} from '../catalog/account-usage.ts'
import type { StreamsDeps } from '../deps.ts'
import { MaxRecordSizeInKiB, StreamModeDetails, StreamName, TagMap } from '../members.ts'
import { initialShards } from '../catalog/shard-map.ts'
import { effectiveStatus } from '../catalog/stream-status.ts'
import { addTags } from '../resources/tags.ts'
import {
  continueCreation,
  creationTimeoutMs,
  isCreationOverdue,
  rollBackCreation,
} from '../catalog/stream-creation.ts'

export const DEFAULT_RETENTION_PERIOD_HOURS = 24
export const DEFAULT_MAX_RECORD_SIZE_KIB = 1024
/** More partitions than this in one topic is beyond what a Kafka cluster handles well. */
export const MAX_SHARDS_PER_STREAM = 100_000

/**
 * CreateStream: marks the topic as the gateway's, stores the stream CREATING and returns, as Kinesis does; the
 * topic (one partition per shard) is created in the background, and the stream becomes ACTIVE only once every
 * partition is served. An interrupted creation is completed, or rolled back at its deadline, by whichever
 * replica meets the stream next (see catalog/stream-creation.ts).
 */
export function createStreamOperation(deps: StreamsDeps): Operation<CreateStreamInput, undefined> {
  return defineOperation({
    name: 'CreateStream',
    input: {
      ShardCount: { type: 'integer', min: 1 },
      StreamName: { ...StreamName, required: true },
      StreamModeDetails,
      Tags: TagMap,
      MaxRecordSizeInKiB,
    },
    async handle(input, context) {
      const key = {
        accountId: context.accountId,
        region: context.region,
        streamName: validated(input.StreamName, 'StreamName'),
      }
      const mode: StreamMode = input.StreamModeDetails?.StreamMode ?? 'PROVISIONED'
      const shardCount = shardCountOf(input.ShardCount, mode, deps)

      const previous = await settledPrevious(deps, key)
      const now = deps.clock.now()
      if (previous !== undefined && effectiveStatus(previous, now) !== 'GONE') throw alreadyExists(key)
      const usage = await accountUsage(deps, key)
      checkShardLimit(deps, key, usage, shardCount)
      if (shardCount > MAX_SHARDS_PER_STREAM) {
        throw LimitExceededException(
          `A stream can have at most ${MAX_SHARDS_PER_STREAM} shards; ${shardCount} were requested.`,
        )
      }
      if (mode === 'ON_DEMAND') checkOnDemandStreamLimit(key, usage)

      const topic = topicNameFor(deps.settings.topicTemplate, key)
      refuseCollidingTopic(key, topic, usage)
      const untagged = newStreamRecord(deps, key, {
        topic,
        mode,
        shardCount,
        maxRecordSizeKiB: input.MaxRecordSizeInKiB ?? DEFAULT_MAX_RECORD_SIZE_KIB,
        now,
        previous,
      })
      const record = { ...untagged, tags: addTags(untagged, input.Tags ?? {}) }

      await clearTopicName(deps, key, topic, previous)
      await deps.catalog.claimTopic({ ...key, topic, claimedAtMillis: now })
      if (!(await deps.catalog.create(record))) throw alreadyExists(key)
      continueCreation(deps, record)
      return undefined
    },
  })
}

function alreadyExists(key: StreamKey): Error {
  return ResourceInUseException(`Stream ${key.streamName} under account ${key.accountId} already exists.`)
}

function shardCountOf(requested: number | undefined, mode: StreamMode, deps: StreamsDeps): number {
  if (requested !== undefined) return requested
  if (mode === 'ON_DEMAND') return deps.settings.onDemandShardCount
  throw InvalidArgumentException('ShardCount is required for a stream in PROVISIONED mode.')
}

/**
 * Kafka refuses a topic whose name equals an existing one once '.' is read as '_' (see topic-names.ts), so
 * two streams whose names differ only there cannot both exist in one account and region.
 */
function refuseCollidingTopic(key: StreamKey, topic: string, usage: AccountUsage): void {
  const collisionKey = topicCollisionKey(topic)
  const other = usage.streams.find(
    (stream) => stream.streamName !== key.streamName && topicCollisionKey(stream.topic) === collisionKey,
  )
  if (other === undefined) return
  throw InvalidArgumentException(
    `Stream ${key.streamName} under account ${key.accountId} cannot be created because its Kafka topic ` +
      `${topic} would collide with the topic ${other.topic} of stream ${other.streamName} ` +
      "(Kafka treats '.' and '_' in topic names alike). Choose a name that differs in more than '.' and '_'.",
  )
}

function newStreamRecord(
  deps: StreamsDeps,
  key: StreamKey,
  details: {
    topic: string
    mode: StreamMode
    shardCount: number
    maxRecordSizeKiB: number
    now: number
    previous: StreamRecord | undefined
  },
): StreamRecord {
  const { topic, mode, shardCount, maxRecordSizeKiB, now, previous } = details
  return {
    ...key,
    streamArn: streamArn(key),
    topic,
    // Sequence numbers include the incarnation. The creation time makes it unique; after a clock step back
    // it still exceeds the incarnation of the deleted stream this one replaces.
    incarnation: Math.max(now, (previous?.incarnation ?? -1) + 1),
    createdAtMillis: now,
    status: 'CREATING',
    statusUntilMillis: now + deps.settings.creatingDelayMs,
    creation: { deadlineMillis: now + creationTimeoutMs(deps) },
    mode,
    retentionPeriodHours: DEFAULT_RETENTION_PERIOD_HOURS,
    encryption: { type: 'NONE' },
    shardLevelMetrics: [],
    maxRecordSizeKiB,
    shards: initialShards(shardCount, now),
    tags: {},
    version: 1,
  }
}

/**
 * The stored stream of that name, after what is due on it: a creation past its deadline is rolled back first,
 * so that retrying CreateStream resolves a creation that could not complete.
 */
async function settledPrevious(deps: StreamsDeps, key: StreamKey): Promise<StreamRecord | undefined> {
  const stored = await deps.catalog.get(key)
  if (stored === undefined || !isCreationOverdue(stored, deps.clock.now())) return stored
  return (await rollBackCreation(deps, stored)) ? undefined : stored
}

/**
 * Makes sure no topic of that name is in the way. A deleted stream's record goes, with its topic (deleted
 * again: a no-op when it is gone, and it covers a DeleteStream whose topic deletion failed). A topic the gateway
 * marked but no stream owns (a creation that failed or was interrupted) is empty and is left for the new
 * creation to adopt, unless someone is deleting it as an orphan: then it is deleted before it is claimed again.
 * A topic without a mark was not created by the gateway and is refused.
 */
async function clearTopicName(
  deps: StreamsDeps,
  key: StreamKey,
  topic: string,
  previous: StreamRecord | undefined,
): Promise<void> {
  if (previous !== undefined) {
    await deps.recordLog.deleteTopic(previous.topic)
    await deps.catalog.remove(previous, previous.version)
    return
  }
  const claim = await deps.catalog.topicClaim(topic)
  if (claim?.deletingSinceMillis !== undefined) {
    await deps.recordLog.deleteTopic(topic)
    return
  }
  if (claim === undefined && (await deps.recordLog.topicExists(topic))) {
    throw ResourceInUseException(
      `Stream ${key.streamName} under account ${key.accountId} cannot be created because the Kafka topic ` +
        `${topic} exists and was not created by this gateway. Delete the topic or choose another stream name.`,
    )
  }
}
