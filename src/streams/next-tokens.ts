// Pagination tokens of ListShards and ListStreams: base64url JSON naming the caller's scope and where the next
// page starts. They carry no secret: a caller who edits one can only point it at another position among its
// own streams, which the scope check on use keeps it to.

import { AwsError, type RequestContext } from '../aws/index.ts'
import { InvalidArgumentException } from './errors.ts'
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
  return encode({ kind: 'shards', accountId: context.accountId, region: context.region, ...token })
}

export function decodeShardPageToken(
  text: string,
  context: RequestContext,
  nowMillis: number,
): ShardPageToken {
  const fields = decode(text, 'shards', context)
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
  if (nowMillis - issuedAtMillis > SHARD_TOKEN_LIFETIME_MS) {
    throw ExpiredNextTokenException('The NextToken has expired; tokens are valid for 300 seconds.')
  }
  return { streamName, incarnation, afterShardId, selection, issuedAtMillis }
}

export function encodeStreamPageToken(token: StreamPageToken, context: RequestContext): string {
  return encode({ kind: 'streams', accountId: context.accountId, region: context.region, ...token })
}

export function decodeStreamPageToken(text: string, context: RequestContext): StreamPageToken {
  const { afterStreamName } = decode(text, 'streams', context)
  if (typeof afterStreamName !== 'string') throw invalidToken()
  return { afterStreamName }
}

function encode(fields: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(fields)).toString('base64url')
}

function decode(text: string, kind: string, context: RequestContext): Record<string, unknown> {
  let fields: unknown
  try {
    fields = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw invalidToken()
  }
  if (
    typeof fields !== 'object' ||
    fields === null ||
    !('kind' in fields) ||
    fields.kind !== kind ||
    !('accountId' in fields) ||
    fields.accountId !== context.accountId ||
    !('region' in fields) ||
    fields.region !== context.region
  ) {
    throw invalidToken()
  }
  return fields
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

function invalidToken(): AwsError {
  return InvalidArgumentException('The NextToken provided is invalid.')
}
