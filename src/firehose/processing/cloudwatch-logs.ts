import { gunzipSync } from 'node:zlib'

/** Decompression: the record's GZIP data inflated; throws when it is not GZIP data. */
export function gunzip(data: Buffer): Buffer {
  return gunzipSync(data)
}

/**
 * CloudWatchLogProcessing with DataMessageExtraction: a CloudWatch Logs subscription payload
 * (`{messageType, owner, logGroup, logStream, subscriptionFilters, logEvents:[{id, timestamp, message}]}`)
 * becomes the messages of its log events, one record each; a CONTROL_MESSAGE (CloudWatch Logs checking the
 * destination is reachable) becomes none. Throws when the payload is not a subscription message.
 */
export function extractLogMessages(payload: Buffer): Buffer[] {
  const message = JSON.parse(payload.toString('utf8')) as unknown
  if (typeof message !== 'object' || message === null)
    throw new Error('not a CloudWatch Logs subscription message')
  const { messageType, logEvents } = message as { messageType?: unknown; logEvents?: unknown }
  if (messageType === 'CONTROL_MESSAGE') return []
  if (messageType !== 'DATA_MESSAGE' || !Array.isArray(logEvents)) {
    throw new Error('not a CloudWatch Logs subscription message')
  }
  return logEvents.map((event: unknown) => {
    const text =
      typeof event === 'object' && event !== null ? (event as { message?: unknown }).message : undefined
    if (typeof text !== 'string') throw new Error('a log event without a message')
    return Buffer.from(text, 'utf8')
  })
}
