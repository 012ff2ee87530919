import type {
  GetShardIteratorInput,
  GetShardIteratorOutput,
  ShardIteratorType,
} from '@aws-sdk/client-kinesis'

import { InvalidArgumentException, ResourceNotFoundException } from '../errors.ts'
import { defineOperation, type Operation } from '../../aws/index.ts'
import { offsetAfterSequenceNumber, offsetAtSequenceNumber } from '../../mapping/sequence-numbers.ts'
import { resolveShardId } from '../../mapping/shard-ids.ts'
import { encodeShardIterator } from '../../mapping/shard-iterators.ts'
import type { StreamsDeps } from '../deps.ts'
import { SequenceNumber, ShardId, StreamARN, StreamId, StreamName } from '../members.ts'
import { StreamRoutingCache } from '../records/routing.ts'
import {
  decodeStartingSequenceNumber,
  offsetAtTimestamp,
  trimHorizonOrLatest,
  type ShardInStream,
} from '../records/shard-positions.ts'
import { findReadableStream, shardNotFound } from '../records/stream-access.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'

/** What the input table guarantees. */
type GetShardIteratorRequest = Omit<GetShardIteratorInput, 'ShardId' | 'ShardIteratorType'> & {
  ShardId: string
  ShardIteratorType: ShardIteratorType
}

/** In the order Kinesis lists them in its enum violation message. */
const SHARD_ITERATOR_TYPES = [
  'AFTER_SEQUENCE_NUMBER',
  'LATEST',
  'AT_TIMESTAMP',
  'AT_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
]

/**
 * Hands out a sealed iterator holding the stream, its incarnation, the shard and the Kafka offset to read
 * next. Asks Kafka for the position where it depends on the log (TRIM_HORIZON, LATEST, AT_TIMESTAMP); the
 * stream comes from the cached catalog.
 */
export function getShardIterator(
  deps: StreamsDeps,
): Operation<GetShardIteratorRequest, GetShardIteratorOutput> {
  const routes = new StreamRoutingCache()
  return defineOperation<GetShardIteratorRequest, GetShardIteratorOutput>({
    name: 'GetShardIterator',
    input: {
      ShardId: { ...ShardId, required: true },
      ShardIteratorType: { type: 'string', required: true, enum: SHARD_ITERATOR_TYPES },
      StartingSequenceNumber: SequenceNumber,
      Timestamp: { type: 'timestamp' },
      StreamName,
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const key = streamKeyOf(input, context)
      const shardIndex = resolveShardId(input.ShardId)
      if (shardIndex === undefined) {
        throw ResourceNotFoundException(
          `Could not find shard ${input.ShardId} in stream ${key.streamName} under account ${key.accountId}.`,
        )
      }
      const stream = await findReadableStream(deps, key)
      const shard = stream === undefined ? undefined : routes.of(stream).shard(shardIndex)
      if (stream === undefined || shard === undefined) throw shardNotFound(key, shardIndex)
      const offset = await startingOffset(deps, input, { key, stream, shard })
      const ShardIterator = encodeShardIterator(
        {
          accountId: key.accountId,
          region: key.region,
          streamName: key.streamName,
          incarnation: stream.incarnation,
          shardIndex,
          offset,
          issuedAtMillis: deps.clock.now(),
        },
        deps.settings.iteratorKey,
      )
      return { ShardIterator }
    },
  })
}

async function startingOffset(
  deps: StreamsDeps,
  input: GetShardIteratorRequest,
  target: ShardInStream,
): Promise<bigint> {
  const type = input.ShardIteratorType
  const sequenceNumber = input.StartingSequenceNumber
  switch (type) {
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER': {
      if (sequenceNumber === undefined) throw iteratorTypeMismatch(type, 'no StartingSequenceNumber')
      const decoded = decodeStartingSequenceNumber(sequenceNumber, target, 'GetShardIterator')
      return type === 'AT_SEQUENCE_NUMBER'
        ? offsetAtSequenceNumber(decoded)
        : offsetAfterSequenceNumber(decoded)
    }
    case 'AT_TIMESTAMP': {
      if (input.Timestamp === undefined) {
        throw InvalidArgumentException(
          'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. ' +
            'Current request has no timestamp parameter.',
        )
      }
      const timestampInMillis = input.Timestamp.getTime()
      const now = deps.clock.now()
      if (timestampInMillis > now) {
        throw InvalidArgumentException(
          'The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. ' +
            `timestampInMillis: ${String(timestampInMillis)}, currentTimestampInMillis: ${String(now)}`,
        )
      }
      return BigInt(await offsetAtTimestamp(deps, target, input.Timestamp))
    }
    case 'TRIM_HORIZON':
    case 'LATEST': {
      if (sequenceNumber !== undefined) throw iteratorTypeMismatch(type, 'also a StartingSequenceNumber')
      return BigInt(await trimHorizonOrLatest(deps, target, type))
    }
    default:
      throw InvalidArgumentException(`Unknown ShardIteratorType ${String(type)}.`)
  }
}

function iteratorTypeMismatch(type: string, what: string): Error {
  return InvalidArgumentException(
    'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
      '(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
      `Request specified ${type} and ${what}.`,
  )
}
