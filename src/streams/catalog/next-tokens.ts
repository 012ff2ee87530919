// Pagination tokens of ListShards and ListStreams (page tokens of the service kit), and the errors Kinesis
// answers for tokens that do not decode or have expired.

import { AwsError, decodePageToken, encodePageToken, type RequestContext } from '../../aws/index.ts'
import { InvalidArgumentException } from '../errors.ts'
import { SHARD_FILTER_TYPES, type ShardSelection } from './shard-map.ts'

/** ListShards tokens expire after 300 seconds, as in Kinesis. */
export const SHARD_TOKEN_LIFETIME_MS = 300_000

export interface ShardPageToken {
  readonly streamName: string
  /** Tells the stream apart from an earlier or later stream of the same name. */
  readonly incarnation: number
  /** The id of the last shard of the previous page. */
  readonly afterShardId: string
  readonly selection: ShardSelection
  readonly issuedAtMillis: number
}

export interface StreamPageToken {
  /** The name of the last stream of the previous page. */
  readonly afterStreamName: string
}

export function ExpiredNextTokenException(message: string): AwsError {
  return new AwsError('ExpiredNextTokenException', message, 400)
}

export function encodeShardPageToken(token: ShardPageToken, context: RequestContext): string {
  return encodePageToken('shards', token, context)
}

export function decodeShardPageToken(
  text: string,
  context: RequestContext,
  nowMillis: number,
): ShardPageToken {
  const fields = decodePageToken(text, 'shards', context) ?? invalidTokenThrown()
  const { streamName, incarnation, afterShardId, selection, issuedAtMillis } = fields
  if (
    typeof streamName !== 'string' ||
    typeof incarnation !== 'number' ||
    typeof afterShardId !== 'string' ||
    typeof issuedAtMillis !== 'number' ||
    !isShardSelection(selection)
  ) {
    throw invalidToken()
  }
  checkTokenAge(issuedAtMillis, nowMillis)
  return { streamName, incarnation, afterShardId, selection, issuedAtMillis }
}

/** Kinesis's page tokens (ListShards, ListStreamConsumers) are valid for 300 seconds. */
export function checkTokenAge(issuedAtMillis: number, nowMillis: number): void {
  if (nowMillis - issuedAtMillis > SHARD_TOKEN_LIFETIME_MS) {
    throw ExpiredNextTokenException('The NextToken has expired; tokens are valid for 300 seconds.')
  }
}

export function encodeStreamPageToken(token: StreamPageToken, context: RequestContext): string {
  return encodePageToken('streams', token, context)
}

export function decodeStreamPageToken(text: string, context: RequestContext): StreamPageToken {
  const { afterStreamName } = decodePageToken(text, 'streams', context) ?? invalidTokenThrown()
  if (typeof afterStreamName !== 'string') throw invalidToken()
  return { afterStreamName }
}

function isShardSelection(value: unknown): value is ShardSelection {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false
  const type = value.type
  if (typeof type !== 'string' || !(SHARD_FILTER_TYPES as readonly string[]).includes(type)) return false
  if (type === 'AFTER_SHARD_ID') return 'shardId' in value && typeof value.shardId === 'string'
  if (type === 'AT_TIMESTAMP' || type === 'FROM_TIMESTAMP') {
    return 'timestampMillis' in value && typeof value.timestampMillis === 'number'
  }
  return true
}

export function invalidToken(): AwsError {
  return InvalidArgumentException('The NextToken provided is invalid.')
}

function invalidTokenThrown(): never {
  throw invalidToken()
}
