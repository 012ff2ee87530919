/**
 * What a streaming operation (SubscribeToShard) returns instead of a plain output: the gateway answers with an
 * AWS event stream carrying `initial` as the `initial-response` message, then one message per event, in the
 * request's protocol. Operations build it with `eventStream(initial, events, { internalFailureException })`.
 */

/** One message of an event stream, as the operation produces it. */
export type StreamEvent =
  | {
      readonly type: 'event'
      /** The member of the operation's event union, e.g. 'SubscribeToShardEvent'. */
      readonly eventType: string
      /** A plain output object: `Uint8Array` for blobs, `Date` for timestamps, as for any operation. */
      readonly payload: object
    }
  | {
      readonly type: 'exception'
      /** One of the operation's modeled stream exceptions, e.g. 'ResourceInUseException'. */
      readonly exceptionType: string
      readonly message: string
    }

const EVENT_STREAM = Symbol('EventStreamOutput')

export interface EventStreamOutput {
  /** Lets the dispatcher tell an event stream from a plain output; set only by `eventStream()`. */
  readonly [EVENT_STREAM]: true
  /** The operation's non-streaming output members; `{}` when it has none (as for SubscribeToShard). */
  readonly initial: object
  /**
   * Pulled one event at a time, and only as fast as the client reads. An exception event ends the stream. When
   * the client goes away the gateway calls the iterator's `return()`, so a generator's `finally` runs. An error
   * thrown here reaches the client as an exception event: an AwsError with its type and message, anything else
   * as InternalFailureException.
   */
  readonly events: AsyncIterable<StreamEvent>
  /**
   * The member of the operation's event union that carries an internal failure (Kinesis:
   * 'InternalFailureException'): the SDKs turn it into a typed error, whereas an exception type they do not
   * model arrives as a bare error whose message is the raw payload.
   */
  readonly internalFailureException: string
}

export function eventStream(
  initial: object,
  events: AsyncIterable<StreamEvent>,
  options: { readonly internalFailureException: string },
): EventStreamOutput {
  return { [EVENT_STREAM]: true, initial, events, internalFailureException: options.internalFailureException }
}

export function isEventStreamOutput(output: unknown): output is EventStreamOutput {
  return typeof output === 'object' && output !== null && EVENT_STREAM in output
}
