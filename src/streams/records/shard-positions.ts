import { InvalidArgumentException } from '../errors.ts'
import { decodeSequenceNumber, type DecodedSequenceNumber } from '../../mapping/sequence-numbers.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import type { ShardRecord, StreamKey, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { callRecordLog } from './record-log-errors.ts'
import { shardNotFound } from './stream-access.ts'

// Where reading a shard starts, shared by GetShardIterator and SubscribeToShard.

export interface ShardInStream {
  key: StreamKey
  stream: StreamRecord
  shard: ShardRecord
}

/** A starting sequence number must be one of this gateway's, of this shard, of this incarnation of the stream. */
export function decodeStartingSequenceNumber(
  sequenceNumber: string,
  { key, stream, shard }: ShardInStream,
  operation: 'GetShardIterator' | 'SubscribeToShard',
): DecodedSequenceNumber {
  const decoded = decodeSequenceNumber(sequenceNumber)
  const usage =
    `StartingSequenceNumber ${sequenceNumber} used in ${operation} on shard ${shardIdOf(shard.index)} ` +
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

/** The first offset at or after `timestamp`, never past the end of a closed shard. */
export async function offsetAtTimestamp(
  deps: StreamsDeps,
  target: ShardInStream,
  timestamp: Date,
): Promise<number> {
  // Kafka reads negative timestamps as "latest" and "earliest"; anything before 1970 is before every record.
  const timestampMs = Math.max(0, timestamp.getTime())
  const offset = await readShardLog(target, () =>
    deps.recordLog.offsetForTimestamp(target.stream.topic, target.shard.index, timestampMs),
  )
  return Math.min(offset, target.shard.endingOffset ?? offset)
}

/** TRIM_HORIZON: the oldest record retained; LATEST: just after the newest (a closed shard's end). */
export async function trimHorizonOrLatest(
  deps: StreamsDeps,
  target: ShardInStream,
  type: 'TRIM_HORIZON' | 'LATEST',
): Promise<number> {
  if (type === 'LATEST' && target.shard.endingOffset !== undefined) return target.shard.endingOffset
  const range = await readShardLog(target, () =>
    deps.recordLog.offsetRange(target.stream.topic, target.shard.index),
  )
  return type === 'LATEST' ? range.latest : range.earliest
}

function readShardLog<T>({ key, shard }: ShardInStream, call: () => Promise<T>): Promise<T> {
  return callRecordLog(call, () => shardNotFound(key, shard.index))
}
