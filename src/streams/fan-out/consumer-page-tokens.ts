// ListStreamConsumers pagination tokens (page tokens of the service kit): the stream incarnation and the last
// consumer of the previous page. Like ListShards tokens they expire after 300 seconds.

import { decodePageToken, encodePageToken, type RequestContext } from '../../aws/index.ts'
import type { ConsumerRecord } from '../../ports/consumer-registry.ts'
import { checkTokenAge, invalidToken } from '../catalog/next-tokens.ts'

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
  return encodePageToken(KIND, token, context)
}

export function decodeConsumerPageToken(
  text: string,
  context: RequestContext,
  nowMillis: number,
): ConsumerPageToken {
  const fields = decodePageToken(text, KIND, context)
  if (!isConsumerPageToken(fields)) throw invalidToken()
  checkTokenAge(fields.issuedAtMillis, nowMillis)
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

function isConsumerPageToken(
  token: Readonly<Record<string, unknown>> | undefined,
): token is Readonly<Record<string, unknown>> & ConsumerPageToken {
  return (
    token !== undefined &&
    typeof token.streamName === 'string' &&
    typeof token.incarnation === 'number' &&
    typeof token.afterCreatedAtMillis === 'number' &&
    typeof token.afterConsumerName === 'string' &&
    typeof token.issuedAtMillis === 'number'
  )
}
