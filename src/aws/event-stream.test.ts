import { describe, expect, it } from 'vitest'
import { eventStream, isEventStreamOutput, type StreamEvent } from './event-stream.ts'

/** SubscribeToShard's event stream: Kinesis names internal failures InternalFailureException. */
const kinesisEventStream = (initial: object, events: AsyncIterable<StreamEvent>) =>
  eventStream(initial, events, { internalFailureException: 'InternalFailureException' })
async function* noEvents(): AsyncGenerator<StreamEvent> {
  // Ends at once.
}

describe('eventStream', () => {
  it('marks its result so the pipeline streams it', () => {
    const output = kinesisEventStream({}, noEvents())
    expect(isEventStreamOutput(output)).toBe(true)
    expect(output.initial).toEqual({})
  })

  it('leaves plain outputs alone, even ones with the same members', () => {
    for (const output of [undefined, null, {}, { initial: {}, events: noEvents() }, 'text']) {
      expect(isEventStreamOutput(output)).toBe(false)
    }
  })
})
