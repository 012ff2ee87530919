// ListStreamConsumers pagination tokens: base64url JSON naming the caller's scope, the stream incarnation and the
// last consumer of the previous page. Like ListShards tokens they expire after 300 seconds.

import { InvalidArgumentException } from '../errors.ts'
import { type RequestContext } from '../../aws/index.ts'
import type { ConsumerRecord } from '../../ports/consumer-registry.ts'
import { ExpiredNextTokenException, SHARD_TOKEN_LIFETIME_MS } from '../next-tokens.ts'

export interface ConsumerPageToken {
  readonly streamName: string
  readonly incarnation: number
  /** The last consumer of the previous page, in list order (creation time, then name). */
  readonly afterCreatedAtMillis: number
  readonly afterConsumerName: string
  readonly issuedAtMillis: number
}

const KIND = 'consumers'

export function encodeConsumerPageToken(token: ConsumerPageToken, context: RequestContext): string {
  const fields = { kind: KIND, accountId: context.accountId, region: context.region, ...token }
  return Buffer.from(JSON.stringify(fields)).toString('base64url')
}

export function decodeConsumerPageToken(
  text: string,
  context: RequestContext,
  nowMillis: number,
): ConsumerPageToken {
  let fields: unknown
  try {
    fields = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw invalidToken()
  }
  if (!isTokenOf(fields, context)) throw invalidToken()
  if (nowMillis - fields.issuedAtMillis > SHARD_TOKEN_LIFETIME_MS) {
    throw ExpiredNextTokenException('The NextToken has expired; tokens are valid for 300 seconds.')
  }
  const { streamName, incarnation, afterCreatedAtMillis, afterConsumerName, issuedAtMillis } = fields
  return { streamName, incarnation, afterCreatedAtMillis, afterConsumerName, issuedAtMillis }
}

/** Whether `consumer` comes after the token's position in list order. */
export function isAfterToken(consumer: ConsumerRecord, token: ConsumerPageToken): boolean {
  if (consumer.createdAtMillis !== token.afterCreatedAtMillis) {
    return consumer.createdAtMillis > token.afterCreatedAtMillis
  }
  return Buffer.compare(Buffer.from(consumer.consumerName), Buffer.from(token.afterConsumerName)) > 0
}

function isTokenOf(
  fields: unknown,
  context: RequestContext,
): fields is ConsumerPageToken & { kind: string; accountId: string; region: string } {
  if (typeof fields !== 'object' || fields === null) return false
  const token = fields as Record<string, unknown>
  return (
    token.kind === KIND &&
    token.accountId === context.accountId &&
    token.region === context.region &&
    typeof token.streamName === 'string' &&
    typeof token.incarnation === 'number' &&
    typeof token.afterCreatedAtMillis === 'number' &&
    typeof token.afterConsumerName === 'string' &&
    typeof token.issuedAtMillis === 'number'
  )
}

function invalidToken(): Error {
  return InvalidArgumentException('The NextToken provided is invalid.')
}
