import { createRequire } from 'node:module'

/*
 * kafkajs 2.2.4 re-arms a connection's pending-request check after every response even when nothing is pending:
 * its delay is then negative, which Node runs as 1 ms, so every connection keeps a timer firing a thousand times a
 * second for as long as it is open. An idle gateway's event loop woke about 900 times a second for it, and those
 * turns shared the CPU with every request's. Requests are queued only by `push`, which schedules the check
 * itself, so with none pending there is nothing to check; the check still runs as kafkajs wrote it otherwise
 * (when the broker throttles, or too many requests are in flight).
 */

/** The part of kafkajs's connection request queue (`kafkajs/src/network/requestQueue`) the fix touches. */
export interface RequestQueueInternals {
  pending: unknown[]
  scheduleCheckPendingRequests: (this: RequestQueueInternals) => void
}

interface RequestQueueClass {
  prototype: RequestQueueInternals
}

const require = createRequire(import.meta.url)
const FIXED = Symbol('checks pending requests only when some are pending')

/** Loads kafkajs's RequestQueue class (a private module of kafkajs 2.2.4). */
export function kafkajsRequestQueue(): RequestQueueClass {
  return require('kafkajs/src/network/requestQueue') as RequestQueueClass
}

/** Makes every kafkajs connection schedule its pending-request check only while requests are pending. Idempotent. */
export function scheduleRequestChecksOnlyWhenPending(queueClass = kafkajsRequestQueue()): void {
  const prototype = queueClass.prototype
  if (Reflect.get(prototype, FIXED) === true) return
  const schedule = prototype.scheduleCheckPendingRequests
  if (typeof schedule !== 'function') {
    throw new Error('kafkajs has no RequestQueue.scheduleCheckPendingRequests; kafkajs 2.2.4 is required')
  }
  prototype.scheduleCheckPendingRequests = function scheduleWhenPending(this: RequestQueueInternals): void {
    if (this.pending.length === 0) return
    schedule.call(this)
  }
  Reflect.set(prototype, FIXED, true)
}
