import { afterEach, describe, expect, it } from 'vitest'

import { kafkajsRequestQueue, scheduleRequestChecksOnlyWhenPending } from './kafkajs-request-queue.ts'

/** kafkajs's own RequestQueue, as a connection builds it, with the members these tests drive. */
interface RequestQueue {
  pending: unknown[]
  throttleCheckTimeoutId: NodeJS.Timeout | null
  throttledUntil: number
  checkPendingRequests(): void
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void
  push(request: {
    entry: {
      correlationId: number
      apiName: string
      apiKey: number
      apiVersion: number
      resolve: () => void
      reject: () => void
    }
    expectResponse: boolean
    sendRequest: () => void
  }): void
  destroy(): void
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} }

function newQueue(): RequestQueue {
  const RequestQueueClass = kafkajsRequestQueue() as unknown as new (options: object) => RequestQueue
  return new RequestQueueClass({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: '127.0.0.1:1',
    logger: silentLogger,
  })
}

function request(correlationId: number, sent: number[]) {
  return {
    entry: { correlationId, apiName: 'Fetch', apiKey: 1, apiVersion: 11, resolve() {}, reject() {} },
    expectResponse: true,
    sendRequest: () => sent.push(correlationId),
  }
}

describe('kafkajs request queue fix', () => {
  const queues: RequestQueue[] = []
  afterEach(() => {
    for (const queue of queues.splice(0)) queue.destroy()
  })
  scheduleRequestChecksOnlyWhenPending()

  it('arms no timer after a response when nothing is pending', () => {
    const queue = newQueue()
    queues.push(queue)
    const sent: number[] = []
    queue.push(request(1, sent))
    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 })

    expect(sent).toEqual([1])
    expect(queue.pending).toEqual([])
    expect(queue.throttleCheckTimeoutId).toBeNull()
  })

  it('still sends a request queued while the broker throttles, once the throttle ends', async () => {
    const queue = newQueue()
    queues.push(queue)
    const sent: number[] = []
    queue.throttledUntil = Date.now() + 30
    queue.push(request(7, sent))

    expect(sent).toEqual([])
    expect(queue.throttleCheckTimeoutId).not.toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(sent).toEqual([7])
    expect(queue.throttleCheckTimeoutId).toBeNull()
  })

  it('wraps the method once however often it is applied', () => {
    const prototype = kafkajsRequestQueue().prototype
    const fixed = prototype.scheduleCheckPendingRequests
    scheduleRequestChecksOnlyWhenPending()
    expect(prototype.scheduleCheckPendingRequests).toBe(fixed)
  })
})
