// Where a SubscribeToShard starts reading: the Kafka offset of its StartingPosition, found as GetShardIterator
// finds an iterator's (TRIM_HORIZON and LATEST from the partition's offsets, AT_TIMESTAMP from Kafka's
// offsets-for-times, sequence numbers decoded without a lookup).

import { InvalidArgumentException } from '../../gateway/index.ts'
import {
  decodeSequenceNumber,
  offsetAfterSequenceNumber,
  offsetAtSequenceNumber,
} from '../../mapping/sequence-numbers.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import type { ShardRecord, StreamKey, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { callRecordLog } from '../records/record-log-errors.ts'
import { shardNotFound } from '../records/stream-access.ts'

export const STARTING_POSITION_TYPES = [
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
] as const

export interface StartingPosition {
  Type: string
  SequenceNumber?: string | undefined
  Timestamp?: Date | undefined
}

export interface ShardToRead {
  key: StreamKey
  stream: StreamRecord
  shard: ShardRecord
}

export async function startingOffsetOf(
  deps: StreamsDeps,
  position: StartingPosition,
  target: ShardToRead,
): Promise<number> {
  const { Type: type, SequenceNumber: sequenceNumber, Timestamp: timestamp } = position
  switch (type) {
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER': {
      if (sequenceNumber === undefined) {
        throw InvalidArgumentException(`StartingPosition of type ${type} needs a SequenceNumber.`)
      }
      const decoded = decodeFor(sequenceNumber, target)
      const offset =
        type === 'AT_SEQUENCE_NUMBER' ? offsetAtSequenceNumber(decoded) : offsetAfterSequenceNumber(decoded)
      return Number(offset)
    }
    case 'AT_TIMESTAMP': {
      if (timestamp === undefined) {
        throw InvalidArgumentException('StartingPosition of type AT_TIMESTAMP needs a Timestamp.')
      }
      // Kafka reads negative timestamps as "latest" and "earliest"; anything before 1970 is before every record.
      const timestampMs = Math.max(0, timestamp.getTime())
      const offset = await readLog(deps, target, (topic, partition) =>
        deps.recordLog.offsetForTimestamp(topic, partition, timestampMs),
      )
      return Math.min(offset, target.shard.endingOffset ?? offset)
    }
    case 'TRIM_HORIZON':
    case 'LATEST': {
      if (type === 'LATEST' && target.shard.endingOffset !== undefined) return target.shard.endingOffset
      const range = await readLog(deps, target, (topic, partition) =>
        deps.recordLog.offsetRange(topic, partition),
      )
      return type === 'LATEST' ? range.latest : range.earliest
    }
    default:
      throw InvalidArgumentException(`Unknown StartingPosition type ${type}.`)
  }
}

/** A SequenceNumber must be one of this gateway's, of this shard, of this incarnation of the stream. */
function decodeFor(sequenceNumber: string, { key, stream, shard }: ShardToRead) {
  const decoded = decodeSequenceNumber(sequenceNumber)
  const usage =
    `StartingSequenceNumber ${sequenceNumber} used in SubscribeToShard on shard ${shardIdOf(shard.index)} ` +
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

function readLog<T>(
  deps: StreamsDeps,
  { key, stream, shard }: ShardToRead,
  call: (topic: string, partition: number) => Promise<T>,
): Promise<T> {
  return callRecordLog(
    () => call(stream.topic, shard.index),
    () => shardNotFound(key, shard.index),
  )
}
