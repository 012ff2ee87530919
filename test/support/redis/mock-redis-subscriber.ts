import { EventEmitter } from 'node:events'

import { expect } from 'vitest'

/**
 * A mock of the part of an ioredis connection a change feed uses, subscribed to one channel; the test decides
 * when the connection is ready, when SUBSCRIBE is answered (or fails), and when the connection drops.
 */
export class MockRedisSubscriber extends EventEmitter {
  status = 'wait'
  readonly calls: string[] = []
  private subscribed = false
  private deaf = false
  private answerSubscription: { confirm: () => void; fail: (error: Error) => void } | undefined

  constructor(private readonly channel: string) {
    super()
  }

  get subscriptions(): number {
    return this.calls.filter((call) => call === 'subscribe').length
  }

  subscribe(channel: string): Promise<number> {
    expect(channel).toBe(this.channel)
    this.calls.push('subscribe')
    return new Promise((resolve, reject) => {
      this.answerSubscription = {
        confirm: () => {
          this.subscribed = true
          resolve(1)
        },
        fail: reject,
      }
    })
  }

  unsubscribe(): Promise<number> {
    this.calls.push('unsubscribe')
    return Promise.resolve(0)
  }

  quit(): Promise<'OK'> {
    this.calls.push('quit')
    this.status = 'end'
    return Promise.resolve('OK')
  }

  disconnect(): void {
    this.calls.push('disconnect')
    this.status = 'end'
  }

  becomeReady(): void {
    this.status = 'ready'
    this.emit('ready')
  }

  confirmSubscription(): void {
    this.answerSubscription?.confirm()
    this.answerSubscription = undefined
  }

  failSubscription(): void {
    this.answerSubscription?.fail(new Error('Reached the max retries per request limit'))
  }

  /** Messages published from now on are lost (a subscription that silently stopped hearing). */
  deafen(): void {
    this.deaf = true
  }

  drop(): void {
    this.subscribed = false
    this.status = 'reconnecting'
    this.emit('close')
  }

  /** A message published on the channel, heard while subscribed. */
  deliver(message: string): void {
    if (this.subscribed && !this.deaf) this.emit('message', this.channel, message)
  }
}
