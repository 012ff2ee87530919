// The consumer an operation names, by ConsumerARN or by StreamARN and ConsumerName, and the errors Kinesis
// answers when there is none.

import { InternalFailure, isAwsError, type RequestContext } from '../../aws/index.ts'
import { InvalidArgumentException, ResourceInUseException, ResourceNotFoundException } from '../errors.ts'
import { parseConsumerArn } from '../../mapping/arns.ts'
import type { ConsumerRecord, ConsumerRegistry } from '../../ports/consumer-registry.ts'
import type { StreamKey, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { requireStream, streamKeyOf } from '../catalog/stream-lookup.ts'
import { visibleConsumer } from './stream-consumers.ts'

export interface ConsumerReference {
  ConsumerARN?: string | undefined
  ConsumerName?: string | undefined
  StreamARN?: string | undefined
}

export interface FoundConsumer {
  stream: StreamRecord
  /** With the status it shows now. */
  consumer: ConsumerRecord
}

/** The registry; the fan-out operations are only offered when the gateway has one. */
export function consumerRegistryOf(deps: StreamsDeps): ConsumerRegistry {
  if (deps.consumers === undefined) throw InternalFailure('The consumer registry is not configured.')
  return deps.consumers
}

/** The consumer named by ConsumerARN, or else by StreamARN and ConsumerName; ResourceNotFoundException if gone. */
export async function requireConsumer(
  deps: StreamsDeps,
  reference: ConsumerReference,
  context: RequestContext,
): Promise<FoundConsumer> {
  const registry = consumerRegistryOf(deps)
  const { ConsumerARN: arn, ConsumerName: name, StreamARN: streamArn } = reference
  if (arn !== undefined) {
    const parts = parseConsumerArn(arn)
    if (parts === undefined) throw InvalidArgumentException(`Invalid ConsumerARN: ${arn}`)
    if (parts.accountId !== context.accountId || parts.region !== context.region) {
      throw consumerArnNotFound(arn)
    }
    const stream = await findStream(deps, parts)
    const stored = stream === undefined ? undefined : await registry.getByArn(arn)
    const consumer = stored === undefined || stream === undefined ? undefined : visible(deps, stored, stream)
    if (stream === undefined || consumer === undefined) throw consumerArnNotFound(arn)
    return { stream, consumer }
  }
  if (name === undefined || streamArn === undefined) {
    throw InvalidArgumentException(
      'ConsumerARN or both ConsumerName and StreamARN are required for this request.',
    )
  }
  const key = streamKeyOf({ StreamARN: streamArn }, context)
  const stream = await requireStream(deps, key)
  const stored = await registry.get(key, name)
  const consumer = stored === undefined ? undefined : visible(deps, stored, stream)
  if (consumer === undefined) throw consumerNotFound(key, name)
  return { stream, consumer }
}

/** Kinesis's refusal of a consumer that is CREATING or DELETING. */
export function consumerNotActive(consumer: ConsumerRecord): Error {
  return ResourceInUseException(
    `Consumer ${consumer.consumerName} with creation timestamp ${consumer.creationEpochSeconds} under stream ` +
      `${consumer.streamName} and account ${consumer.accountId} is not in ACTIVE status.`,
  )
}

export function consumerArnNotFound(consumerArn: string): Error {
  return ResourceNotFoundException(`Consumer ${consumerArn} not found.`)
}

export function consumerNotFound(key: StreamKey, consumerName: string): Error {
  return ResourceNotFoundException(
    `Consumer ${consumerName} under stream ${key.streamName} not found for account ${key.accountId}.`,
  )
}

async function findStream(deps: StreamsDeps, key: StreamKey): Promise<StreamRecord | undefined> {
  try {
    return await requireStream(deps, key)
  } catch (error) {
    if (isAwsError(error) && error.type === 'ResourceNotFoundException') return undefined
    throw error
  }
}

function visible(
  deps: StreamsDeps,
  stored: ConsumerRecord,
  stream: StreamRecord,
): ConsumerRecord | undefined {
  return visibleConsumer(stored, stream, deps.clock.now())
}
