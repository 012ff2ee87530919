// Reads AWS event stream responses in tests, independently of the gateway's own encoder.

import { EventStreamCodec } from '@smithy/eventstream-codec'

export interface DecodedMessage {
  /** Header names to values, e.g. `{ ':message-type': 'event', ':event-type': 'initial-response', ... }`. */
  readonly headers: Record<string, unknown>
  readonly payload: Buffer
}

const framing = new EventStreamCodec(
  (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  (text: string) => Buffer.from(text, 'utf8'),
)

/** Decodes one message (checking its prelude and message CRCs). */
export function decodeMessage(bytes: Uint8Array): DecodedMessage {
  const message = framing.decode(bytes)
  return {
    headers: Object.fromEntries(
      Object.entries(message.headers).map(([name, header]) => [name, header.value]),
    ),
    payload: Buffer.from(message.body),
  }
}

/** Splits a whole response body into its messages: each starts with its total length (4 bytes, big-endian). */
export function decodeEventStream(body: Buffer): DecodedMessage[] {
  const messages: DecodedMessage[] = []
  for (let offset = 0; offset < body.length;) {
    const length = body.readUInt32BE(offset)
    messages.push(decodeMessage(body.subarray(offset, offset + length)))
    offset += length
  }
  return messages
}
