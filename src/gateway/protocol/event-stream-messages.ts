import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec'
import type { StreamEvent } from '../../aws/index.ts'
import type { ProtocolCodec } from './codec.ts'

/** The response content type of an event stream; each message's payload has the request's own content type. */
export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream'

// What @smithy/util-utf8 does on Node; that package is not installed on its own (it is part of @smithy/core).
const bytesToText = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
const textToBytes = (text: string): Uint8Array => Buffer.from(text, 'utf8')

const framing = new EventStreamCodec(bytesToText, textToBytes)

/**
 * The first message of every event stream: the operation's non-streaming output. The SDKs read the members
 * they know from it and wait for it before handing out the stream.
 */
export function encodeInitialResponse(codec: ProtocolCodec, initial: object): Uint8Array {
  return encodeMessage(codec, { ':message-type': 'event', ':event-type': 'initial-response' }, initial)
}

/**
 * An event as `:message-type: event` with its `:event-type`; an exception as `:message-type: exception` with its
 * `:exception-type` and the payload `{"message": ...}`. Payloads are encoded as the request's protocol encodes
 * outputs (JSON: base64 blobs, epoch seconds; CBOR: byte strings, tag 1 epoch milliseconds).
 */
export function encodeStreamEvent(codec: ProtocolCodec, event: StreamEvent): Uint8Array {
  if (event.type === 'event') {
    return encodeMessage(codec, { ':message-type': 'event', ':event-type': event.eventType }, event.payload)
  }
  return encodeMessage(
    codec,
    { ':message-type': 'exception', ':exception-type': event.exceptionType },
    { message: event.message },
  )
}

function encodeMessage(codec: ProtocolCodec, headers: Record<string, string>, payload: object): Uint8Array {
  const messageHeaders: MessageHeaders = {}
  for (const [name, value] of Object.entries({ ...headers, ':content-type': codec.contentType })) {
    messageHeaders[name] = { type: 'string', value }
  }
  return framing.encode({ headers: messageHeaders, body: codec.encode(payload) })
}
