import type {
  GetShardIteratorInput,
  GetShardIteratorOutput,
  ShardIteratorType,
} from '@aws-sdk/client-kinesis'

import { InvalidArgumentException, ResourceNotFoundException, type Operation } from '../../gateway/index.ts'
import {
  decodeSequenceNumber,
  offsetAfterSequenceNumber,
  offsetAtSequenceNumber,
} from '../../mapping/sequence-numbers.ts'
import { resolveShardId, shardIdOf } from '../../mapping/shard-ids.ts'
import { encodeShardIterator } from '../../mapping/shard-iterators.ts'
import type { ShardRecord, StreamKey, StreamRecord } from '../../ports/stream-catalog.ts'
import { defineOperation } from '../define-operation.ts'
import type { StreamsDeps } from '../deps.ts'
import { SequenceNumber, ShardId, StreamARN, StreamName } from '../members.ts'
import { callRecordLog } from '../records/record-log-errors.ts'
import { StreamRoutingCache } from '../records/routing.ts'
import { findReadableStream, shardNotFound } from '../records/stream-access.ts'
import { streamKeyOf } from '../stream-lookup.ts'

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

interface ShardInStream {
  key: StreamKey
  stream: StreamRecord
  shard: ShardRecord
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
      const decoded = decodeStartingSequenceNumber(sequenceNumber, target)
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
      // Kafka reads negative timestamps as "latest" and "earliest"; anything before 1970 is before every record.
      const timestampMs = Math.max(0, input.Timestamp.getTime())
      const offset = await readLog(deps, target, (topic, partition) =>
        deps.recordLog.offsetForTimestamp(topic, partition, timestampMs),
      )
      return BigInt(Math.min(offset, target.shard.endingOffset ?? offset))
    }
    case 'TRIM_HORIZON':
    case 'LATEST': {
      if (sequenceNumber !== undefined) throw iteratorTypeMismatch(type, 'also a StartingSequenceNumber')
      if (type === 'LATEST' && target.shard.endingOffset !== undefined) {
        return BigInt(target.shard.endingOffset)
      }
      const range = await readLog(deps, target, (topic, partition) =>
        deps.recordLog.offsetRange(topic, partition),
      )
      return BigInt(type === 'LATEST' ? range.latest : range.earliest)
    }
    default:
      throw InvalidArgumentException(`Unknown ShardIteratorType ${String(type)}.`)
  }
}

function readLog<T>(
  deps: StreamsDeps,
  { key, stream, shard }: ShardInStream,
  call: (topic: string, partition: number) => Promise<T>,
): Promise<T> {
  return callRecordLog(
    () => call(stream.topic, shard.index),
    () => shardNotFound(key, shard.index),
  )
}

/** A StartingSequenceNumber must be one of this gateway's, of this shard, of this incarnation of the stream. */
function decodeStartingSequenceNumber(sequenceNumber: string, { key, stream, shard }: ShardInStream) {
  const decoded = decodeSequenceNumber(sequenceNumber)
  const usage =
    `StartingSequenceNumber ${sequenceNumber} used in GetShardIterator on shard ${shardIdOf(shard.index)} ` +
    `in stream ${key.streamName} under account ${key.accountId} is invalid`
  if (!decoded.ok) throw InvalidArgumentException(`${usage}.`)
  if (decoded.shardIndex !== shard.index) {
    throw InvalidArgumentException(
      `Invalid StartingSequenceNumber. It encodes ${shardIdOf(decoded.shardIndex)}, ` +
        `while it was used in a call to a shard with ${shardIdOf(shard.index)}`,
    )
  }
  if (decoded.incarnation !== stream.incarnation) {
    throw InvalidArgumentException(`${usage} because it did not come from this stream.`)
  }
  return decoded
}

function iteratorTypeMismatch(type: string, what: string): Error {
  return InvalidArgumentException(
    'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
      '(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
      `Request specified ${type} and ${what}.`,
  )
}
