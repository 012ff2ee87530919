import { describe, expect, it } from 'vitest'
import { awsCborCodec } from './aws-cbor.ts'
import { awsJsonCodec } from './aws-json.ts'
import { decodeCbor } from './cbor-reader.ts'
import { decodeMessage } from '../../../test/support/event-stream-frames.ts'
import { encodeInitialResponse, encodeStreamEvent } from './event-stream-messages.ts'

const event = {
  type: 'event',
  eventType: 'SubscribeToShardEvent',
  payload: {
    Records: [
      {
        SequenceNumber: '7',
        ApproximateArrivalTimestamp: new Date(1700000000123),
        Data: Buffer.from('hello'),
        PartitionKey: 'pk',
      },
    ],
    ContinuationSequenceNumber: '7',
    MillisBehindLatest: 0,
    ChildShards: undefined,
  },
} as const

describe('event stream messages', () => {
  it('opens with an initial-response event in the request content type', () => {
    const message = decodeMessage(encodeInitialResponse(awsJsonCodec(), {}))
    expect(message.headers).toEqual({
      ':message-type': 'event',
      ':event-type': 'initial-response',
      ':content-type': 'application/x-amz-json-1.1',
    })
    expect(message.payload.toString()).toBe('{}')
  })

  it('encodes events in JSON 1.1: base64 blobs, epoch seconds, absent members omitted', () => {
    const message = decodeMessage(encodeStreamEvent(awsJsonCodec(), event))
    expect(message.headers).toEqual({
      ':message-type': 'event',
      ':event-type': 'SubscribeToShardEvent',
      ':content-type': 'application/x-amz-json-1.1',
    })
    expect(JSON.parse(message.payload.toString())).toEqual({
      Records: [
        {
          SequenceNumber: '7',
          ApproximateArrivalTimestamp: 1700000000.123,
          Data: 'aGVsbG8=',
          PartitionKey: 'pk',
        },
      ],
      ContinuationSequenceNumber: '7',
      MillisBehindLatest: 0,
    })
  })

  it('encodes events in CBOR 1.1: byte strings, tag 1 epoch milliseconds', () => {
    const message = decodeMessage(encodeStreamEvent(awsCborCodec(), event))
    expect(message.headers[':content-type']).toBe('application/x-amz-cbor-1.1')
    expect(message.payload.toString('hex')).toContain('c11b0000018bcfe5687b')
    const payload = decodeCbor(message.payload) as { Records: { Data: Uint8Array }[] }
    expect(Buffer.from(payload.Records[0]?.Data ?? []).toString()).toBe('hello')
  })

  it('encodes exceptions with their type and a message payload', () => {
    const message = decodeMessage(
      encodeStreamEvent(awsJsonCodec(), {
        type: 'exception',
        exceptionType: 'ResourceInUseException',
        message: 'Another subscription is active.',
      }),
    )
    expect(message.headers).toEqual({
      ':message-type': 'exception',
      ':exception-type': 'ResourceInUseException',
      ':content-type': 'application/x-amz-json-1.1',
    })
    expect(JSON.parse(message.payload.toString())).toEqual({
      message: 'Another subscription is active.',
    })
  })
})
