import type { ClientWatch } from './client-watch.ts'
import { AwsError, InternalFailure, type EventStreamOutput, type StreamEvent } from '../aws/index.ts'
import type { GatewayResponse } from './http-types.ts'
import { errorFields, type Logger } from './logger.ts'
import type { ProtocolCodec } from './protocol/codec.ts'
import {
  encodeInitialResponse,
  encodeStreamEvent,
  EVENT_STREAM_CONTENT_TYPE,
} from './protocol/event-stream-messages.ts'

/** What the request's log line reports about a streamed response; filled in as the stream goes. */
export interface StreamCallRecord {
  readonly requestId: string
  readonly target?: string
  errorType?: string
  events?: number
}

type ExceptionEvent = Extract<StreamEvent, { type: 'exception' }>

/**
 * Answers 200 with an AWS event stream: the initial response, then the operation's events one message at a
 * time. The next event is pulled only once the previous message is handed to the transport (after 'drain' when
 * the write buffer is full), so a slow reader holds the producer back through HTTP/2 flow control or TCP
 * instead of filling memory. Ends after the last event, after an exception event, or with an exception event
 * for an error thrown by the events; stops the events (their `return()`) when the client goes away first.
 * Throws only if the initial response cannot be encoded, before anything is sent.
 */
export async function sendEventStream(
  res: GatewayResponse,
  client: ClientWatch,
  codec: ProtocolCodec,
  output: EventStreamOutput,
  call: StreamCallRecord,
  logger: Logger,
): Promise<void> {
  const events = output.events[Symbol.asyncIterator]()
  let initialResponse: Uint8Array
  try {
    initialResponse = encodeInitialResponse(codec, output.initial)
  } catch (error) {
    stopEvents(events, call, logger)
    throw error
  }

  res.statusCode = 200
  res.setHeader('content-type', EVENT_STREAM_CONTENT_TYPE)
  call.events = 0
  let eventsFinished = false
  try {
    if (!(await writeMessage(res, client, initialResponse))) return
    for (;;) {
      const next = await pullEvent(events, res, client)
      if (next === CLIENT_GONE) return
      if (next.done === true) {
        eventsFinished = true
        return
      }
      const event = next.value
      if (!(await writeMessage(res, client, encodeStreamEvent(codec, event)))) return
      if (event.type === 'exception') {
        call.errorType = event.exceptionType
        return
      }
      call.events += 1
    }
  } catch (error) {
    const exception = exceptionFor(error, output.internalFailureException, call, logger)
    call.errorType = exception.exceptionType
    await writeMessage(res, client, encodeStreamEvent(codec, exception))
  } finally {
    if (!eventsFinished) stopEvents(events, call, logger)
    if (!client.isGone()) res.end()
  }
}

const CLIENT_GONE = Symbol('client gone')

/**
 * The next event, or CLIENT_GONE as soon as the client goes away while the events are still looking for it (a
 * `return()` may then stop them sooner). The 'close' listener lives for one pull only: a listener, or a promise
 * reaction, added per event to one long-lived promise would grow with the length of the stream.
 */
async function pullEvent(
  events: AsyncIterator<StreamEvent>,
  res: GatewayResponse,
  client: ClientWatch,
): Promise<IteratorResult<StreamEvent> | typeof CLIENT_GONE> {
  if (client.isGone()) return CLIENT_GONE
  let onClose: () => void = () => undefined
  const gone = new Promise<typeof CLIENT_GONE>((resolve) => {
    onClose = () => {
      if (client.isGone()) resolve(CLIENT_GONE)
    }
    res.once('close', onClose)
  })
  try {
    return await Promise.race([events.next(), gone])
  } finally {
    res.off('close', onClose)
  }
}

/** Resolves true once another message may follow (at once, or after 'drain'); false if the client went away. */
function writeMessage(res: GatewayResponse, client: ClientWatch, message: Uint8Array): Promise<boolean> {
  if (client.isGone()) return Promise.resolve(false)
  if (res.write(message)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const settle = (): void => {
      res.off('drain', settle)
      res.off('close', settle)
      // 'drain' may come without a turn of the event loop (the kernel took the data at once): let other
      // connections' I/O run before writing more, so a fast source cannot hold the loop until the socket buffers
      // are full.
      setImmediate(() => {
        resolve(!client.isGone())
      })
    }
    res.once('drain', settle)
    res.once('close', settle)
  })
}

/**
 * Not awaited: a generator busy in an `await` (waiting for records, say) runs its `finally` only once that
 * step settles, and nothing here needs to wait for it.
 */
function stopEvents(events: AsyncIterator<StreamEvent>, call: StreamCallRecord, logger: Logger): void {
  Promise.resolve()
    .then(() => events.return?.())
    .catch((error: unknown) => {
      logger.warn('stopping an event stream failed', { requestId: call.requestId, ...errorFields(error) })
    })
}

/** AwsErrors reach the client with their type and message; anything else is logged and sent without details. */
function exceptionFor(
  error: unknown,
  internalFailureException: string,
  call: StreamCallRecord,
  logger: Logger,
): ExceptionEvent {
  if (error instanceof AwsError) {
    const exceptionType = error.type === 'InternalFailure' ? internalFailureException : error.type
    return { type: 'exception', exceptionType, message: error.message }
  }
  logger.error('event stream failed', {
    requestId: call.requestId,
    target: call.target,
    ...errorFields(error),
  })
  return { type: 'exception', exceptionType: internalFailureException, message: InternalFailure().message }
}
