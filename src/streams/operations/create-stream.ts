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
import { topicConfigFor } from '../settings/topic-config.ts'

export const DEFAULT_RETENTION_PERIOD_HOURS = 24
export const DEFAULT_MAX_RECORD_SIZE_KIB = 1024
/** More partitions than this in one topic is beyond what a Kafka cluster handles well. */
export const MAX_SHARDS_PER_STREAM = 100_000

/**
 * CreateStream: reserves the stream in the catalog (CREATING), then creates its topic with one partition per
 * shard. If the topic cannot be created the reservation is withdrawn and the error propagates (a retriable
 * internal failure), so a failed CreateStream leaves nothing behind.
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

      const previous = await deps.catalog.get(key)
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

      if (previous !== undefined) await removeDeletedStream(deps, previous)
      if (!(await deps.catalog.create(record))) throw alreadyExists(key)
      try {
        await deps.recordLog.createTopic(topic, shardCount, topicConfigFor(record))
      } catch (error) {
        await deps.catalog.remove(key, record.version)
        throw error
      }
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
 * Removes the record of a deleted stream of the same name. Its topic was deleted by DeleteStream; deleting it
 * again (a no-op when it is gone) covers a DeleteStream whose topic deletion failed.
 */
async function removeDeletedStream(deps: StreamsDeps, previous: StreamRecord): Promise<void> {
  await deps.recordLog.deleteTopic(previous.topic)
  await deps.catalog.remove(previous, previous.version)
}
