// Where a SubscribeToShard starts reading: the Kafka offset of its StartingPosition, found as GetShardIterator
// finds an iterator's (TRIM_HORIZON and LATEST from the partition's offsets, AT_TIMESTAMP from Kafka's
// offsets-for-times, sequence numbers decoded without a lookup).

import { InvalidArgumentException } from '../errors.ts'
import { offsetAfterSequenceNumber, offsetAtSequenceNumber } from '../../mapping/sequence-numbers.ts'
import type { StreamsDeps } from '../deps.ts'
import {
  decodeStartingSequenceNumber,
  offsetAtTimestamp,
  trimHorizonOrLatest,
  type ShardInStream,
} from '../records/shard-positions.ts'

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

export type ShardToRead = ShardInStream

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
      const decoded = decodeStartingSequenceNumber(sequenceNumber, target, 'SubscribeToShard')
      const offset =
        type === 'AT_SEQUENCE_NUMBER' ? offsetAtSequenceNumber(decoded) : offsetAfterSequenceNumber(decoded)
      return Number(offset)
    }
    case 'AT_TIMESTAMP': {
      if (timestamp === undefined) {
        throw InvalidArgumentException('StartingPosition of type AT_TIMESTAMP needs a Timestamp.')
      }
      return offsetAtTimestamp(deps, target, timestamp)
    }
    case 'TRIM_HORIZON':
    case 'LATEST': {
      return trimHorizonOrLatest(deps, target, type)
    }
    default:
      throw InvalidArgumentException(`Unknown StartingPosition type ${type}.`)
  }
}
