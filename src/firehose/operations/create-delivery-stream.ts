import { randomUUID } from 'node:crypto'

import type {
  CreateDeliveryStreamInput,
  CreateDeliveryStreamOutput,
  DeliveryStreamDescription,
  DeliveryStreamEncryptionConfiguration,
  DeliveryStreamEncryptionConfigurationInput,
  DeliveryStreamType,
  SourceDescription,
} from '@aws-sdk/client-firehose'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { parseStreamArn } from '../../mapping/arns.ts'
import { deliveryStreamArn } from '../../mapping/delivery-stream-arns.ts'
import { collidesWithStreamTopics, deliveryStreamTopicName } from '../../mapping/delivery-stream-topics.ts'
import { topicCollisionKey } from '../../mapping/topic-names.ts'
import type { DeliveryStreamKey, StoredDeliveryStream } from '../../ports/delivery-stream-catalog.ts'
import { continuePendingWork, creationTimeoutMs } from '../catalog/delivery-stream-lifecycle.ts'
import { deliveryStreamKey } from '../catalog/delivery-stream-lookup.ts'
import type { FirehoseDeps } from '../deps.ts'
import { destinationOfCreate } from '../destinations/destination-changes.ts'
import { checkDestinationRules } from '../destinations/destination-rules.ts'
import { InvalidArgumentException, LimitExceededException, ResourceInUseException } from '../errors.ts'
import { CreateDeliveryStreamInput as CreateDeliveryStreamShape } from '../shapes.ts'
import { uniqueTags } from '../catalog/delivery-stream-tags.ts'

/** AWS's default quota of delivery streams per account and region. */
export const MAX_DELIVERY_STREAMS_PER_REGION = 5_000

/**
 * CreateDeliveryStream: stores the delivery stream CREATING and returns its ARN, as AWS does. A DirectPut
 * delivery stream's topic is created in the background and it becomes ACTIVE once the topic serves every
 * partition (catalog/delivery-stream-lifecycle.ts); a KinesisStreamAsSource one reads its source stream's
 * topic, from the creation time on.
 */
export function createDeliveryStreamOperation(
  deps: FirehoseDeps,
): Operation<CreateDeliveryStreamInput, CreateDeliveryStreamOutput> {
  return defineOperation({
    name: 'CreateDeliveryStream',
    input: CreateDeliveryStreamShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      const type = input.DeliveryStreamType ?? 'DirectPut'
      checkSource(input, type)
      const encryption = encryptionAtCreation(input.DeliveryStreamEncryptionConfigurationInput, type)
      const { destination, httpEndpointAccessKey } = destinationOfCreate(input)
      checkDestinationRules(destination)
      const tags = uniqueTags(input.Tags ?? [])

      const existing = await deps.catalog.get(key)
      if (existing !== undefined) {
        continuePendingWork(deps, existing)
        throw alreadyExists(key)
      }
      const siblings = await deps.catalog.listAll(key)
      if (siblings.length >= MAX_DELIVERY_STREAMS_PER_REGION) {
        throw LimitExceededException(
          `You have already consumed your firehose quota of ${MAX_DELIVERY_STREAMS_PER_REGION} hoses. Firehose names: ${siblings
            .slice(0, 3)
            .map((sibling) => sibling.name)
            .join(', ')}...`,
        )
      }
      const now = deps.clock.now()
      const { topic, partitions, source } =
        type === 'KinesisStreamAsSource'
          ? await kinesisSource(deps, input, now)
          : await ownTopic(deps, key, siblings, input)

      const arn = deliveryStreamArn(key)
      const description: DeliveryStreamDescription = {
        DeliveryStreamName: key.name,
        DeliveryStreamARN: arn,
        DeliveryStreamStatus: 'CREATING',
        ...(encryption === undefined ? {} : { DeliveryStreamEncryptionConfiguration: encryption }),
        DeliveryStreamType: type,
        VersionId: '1',
        CreateTimestamp: new Date(now),
        ...(source === undefined ? {} : { Source: source }),
        Destinations: [destination],
        HasMoreDestinations: false,
      }
      const stream: StoredDeliveryStream = {
        ...key,
        revision: 1,
        id: randomUUID(),
        topic,
        partitions,
        creation: { deadlineMillis: now + creationTimeoutMs(deps) },
        tags,
        ...(httpEndpointAccessKey === undefined ? {} : { httpEndpointAccessKey }),
        description,
      }
      if (!(await deps.catalog.create(stream))) throw alreadyExists(key)
      continuePendingWork(deps, stream)
      return { DeliveryStreamARN: arn }
    },
  })
}

function alreadyExists(key: DeliveryStreamKey): Error {
  return ResourceInUseException(`Firehose ${key.name} under accountId ${key.accountId} already exists`)
}

function checkSource(input: CreateDeliveryStreamInput, type: DeliveryStreamType): void {
  if (type === 'MSKAsSource' || type === 'DatabaseAsSource') {
    throw InvalidArgumentException(
      `DeliveryStreamType ${type} is not supported here; the supported types are DirectPut and KinesisStreamAsSource.`,
    )
  }
  if (input.MSKSourceConfiguration !== undefined || input.DatabaseSourceConfiguration !== undefined) {
    throw InvalidArgumentException(
      `Only a KinesisStreamSourceConfiguration can be given with DeliveryStreamType ${type}.`,
    )
  }
  if (type === 'KinesisStreamAsSource') {
    if (input.KinesisStreamSourceConfiguration === undefined) {
      throw InvalidArgumentException(
        'KinesisStreamSourceConfiguration is required for KinesisStreamAsSource delivery stream type.',
      )
    }
    if (input.DirectPutSourceConfiguration !== undefined) {
      throw InvalidArgumentException(
        'DirectPutSourceConfiguration is not permitted for KinesisStreamAsSource delivery stream type.',
      )
    }
  } else if (input.KinesisStreamSourceConfiguration !== undefined) {
    throw InvalidArgumentException(
      'KinesisStreamSourceConfiguration is only permitted for KinesisStreamAsSource delivery stream type.',
    )
  }
}

/** Server-side encryption requested at creation; none (DISABLED) when not requested. */
export function encryptionAtCreation(
  requested: DeliveryStreamEncryptionConfigurationInput | undefined,
  type: DeliveryStreamType,
): DeliveryStreamEncryptionConfiguration | undefined {
  if (requested === undefined) return type === 'DirectPut' ? { Status: 'DISABLED' } : undefined
  if (type !== 'DirectPut') {
    throw InvalidArgumentException(
      'Server-side encryption is not supported for KinesisStreamAsSource delivery stream type; encrypt the source stream instead.',
    )
  }
  return { ...checkedKey(requested), Status: 'ENABLED' }
}

/** A customer managed key needs its ARN; an AWS owned key takes none. */
export function checkedKey(
  requested: DeliveryStreamEncryptionConfigurationInput,
): DeliveryStreamEncryptionConfigurationInput {
  if (requested.KeyType === 'CUSTOMER_MANAGED_CMK' && requested.KeyARN === undefined) {
    throw InvalidArgumentException('KeyARN is required when KeyType is CUSTOMER_MANAGED_CMK.')
  }
  if (requested.KeyType === 'AWS_OWNED_CMK' && requested.KeyARN !== undefined) {
    throw InvalidArgumentException('KeyARN must not be specified when KeyType is AWS_OWNED_CMK.')
  }
  return requested.KeyARN === undefined
    ? { KeyType: requested.KeyType }
    : { KeyARN: requested.KeyARN, KeyType: requested.KeyType }
}

interface Placement {
  topic: string
  partitions: number
  source?: SourceDescription
}

/** A DirectPut delivery stream's own topic, refused when it would collide with another topic. */
async function ownTopic(
  deps: FirehoseDeps,
  key: DeliveryStreamKey,
  siblings: readonly StoredDeliveryStream[],
  input: CreateDeliveryStreamInput,
): Promise<Placement> {
  const topic = deliveryStreamTopicName(key)
  const collisionKey = topicCollisionKey(topic)
  const sibling = siblings.find(
    (other) => other.partitions > 0 && topicCollisionKey(other.topic) === collisionKey,
  )
  if (sibling !== undefined) {
    throw InvalidArgumentException(
      `Firehose ${key.name} cannot be created because its Kafka topic ${topic} would collide with the topic of ` +
        `Firehose ${sibling.name} (Kafka treats '.' and '_' in topic names alike). Choose a name that differs in more than '.' and '_'.`,
    )
  }
  if (collidesWithStreamTopics(deps.settings.streamTopicTemplate, topic)) {
    throw InvalidArgumentException(
      `Firehose ${key.name} cannot be created because its Kafka topic ${topic} could be the topic of a Kinesis stream under the topic template ${deps.settings.streamTopicTemplate.text}.`,
    )
  }
  // The record is created before the topic and removed after it, so an existing topic is not one of ours.
  if (await deps.recordLog.topicExists(topic)) {
    throw InvalidArgumentException(
      `Firehose ${key.name} cannot be created because its Kafka topic ${topic} exists already and was not created for it.`,
    )
  }
  const throughput = input.DirectPutSourceConfiguration?.ThroughputHintInMBs
  return {
    topic,
    partitions: deps.settings.topicPartitions,
    ...(throughput === undefined
      ? {}
      : { source: { DirectPutSourceDescription: { ThroughputHintInMBs: throughput } } }),
  }
}

/** A KinesisStreamAsSource delivery stream reads its source stream's topic, from its creation time on. */
async function kinesisSource(
  deps: FirehoseDeps,
  input: CreateDeliveryStreamInput,
  nowMillis: number,
): Promise<Placement> {
  const { KinesisStreamARN: arn, RoleARN } = validated(
    input.KinesisStreamSourceConfiguration,
    'KinesisStreamSourceConfiguration',
  )
  const parts = parseStreamArn(validated(arn, 'KinesisStreamARN'))
  const stream =
    parts === undefined
      ? undefined
      : await deps.streams.get({
          accountId: parts.accountId,
          region: parts.region,
          streamName: parts.streamName,
        })
  if (stream === undefined || stream.status === 'DELETING') {
    throw InvalidArgumentException(`Stream ${String(arn)} does not exist.`)
  }
  return {
    topic: stream.topic,
    partitions: 0,
    source: {
      KinesisStreamSourceDescription: {
        KinesisStreamARN: arn,
        RoleARN,
        DeliveryStartTimestamp: new Date(nowMillis),
      },
    },
  }
}
