import { EventEmitter } from 'node:events'

import type { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'

import { encodeCatalogChange, type CatalogChange } from './catalog-change.ts'
import { CatalogChangeFeed } from './catalog-change-feed.ts'

const CHANNEL = 'kinesis:catalog-changes'
const CHANGE: CatalogChange = {
  kind: 'updated',
  accountId: '123456789012',
  region: 'us-east-1',
  streamName: 'orders',
  version: 2,
}

describe('CatalogChangeFeed', () => {
  it('subscribes once on first use and is live when Redis confirms', async () => {
    const { connection, feed } = setUp()
    expect(connection.subscriptions).toBe(0)

    const first = feed.ensureSubscribed()
    const second = feed.ensureSubscribed()
    connection.becomeReady()
    expect(feed.isLive()).toBe(false)
    connection.confirmSubscription()
    await Promise.all([first, second])

    expect(connection.subscriptions).toBe(1)
    expect(feed.isLive()).toBe(true)
  })

  it('passes on the changes announced on its channel', async () => {
    const { connection, feed, heard } = setUp()
    await startLive(connection, feed)

    connection.emit('message', CHANNEL, encodeCatalogChange(CHANGE))
    connection.emit('message', 'another-channel', encodeCatalogChange(CHANGE))

    expect(heard).toEqual([CHANGE])
  })

  it('reports a gap for a message it cannot read', async () => {
    const { connection, feed, heard } = setUp()
    await startLive(connection, feed)

    connection.emit('message', CHANNEL, 'garbled')

    expect(heard).toEqual(['gap'])
  })

  it('reports a gap when the connection drops, and is live again once subscribed again', async () => {
    const { connection, feed, heard } = setUp()
    await startLive(connection, feed)

    connection.drop()
    expect(feed.isLive()).toBe(false)
    expect(heard).toEqual(['gap'])

    connection.becomeReady()
    expect(connection.subscriptions).toBe(2)
    expect(feed.isLive()).toBe(false)
    connection.confirmSubscription()
    await feed.ensureSubscribed()
    expect(feed.isLive()).toBe(true)
  })

  it('does not wait for a connection that is down', async () => {
    const { connection, feed } = setUp()
    await startLive(connection, feed)
    connection.drop()

    await feed.ensureSubscribed()

    expect(feed.isLive()).toBe(false)
    expect(connection.subscriptions).toBe(1)
  })

  it('stays down when the subscription fails, and tries again on the next reconnection', async () => {
    const { connection, feed } = setUp()
    const started = feed.ensureSubscribed()
    connection.failSubscription()
    await started
    expect(feed.isLive()).toBe(false)

    connection.becomeReady()
    connection.confirmSubscription()
    await feed.ensureSubscribed()
    expect(feed.isLive()).toBe(true)
  })

  it('tries again on next use when the subscription failed while the connection stayed up', async () => {
    const { connection, feed } = setUp()
    const started = feed.ensureSubscribed()
    connection.becomeReady()
    connection.failSubscription()
    await started
    expect(feed.isLive()).toBe(false)

    const retried = feed.ensureSubscribed()
    connection.confirmSubscription()
    await retried

    expect(connection.subscriptions).toBe(2)
    expect(feed.isLive()).toBe(true)
  })

  it('leaves the connection alone until first used', () => {
    const { connection } = setUp()
    connection.becomeReady()
    expect(connection.subscriptions).toBe(0)
  })

  it('unsubscribes and quits when closed, and does not subscribe again', async () => {
    const { connection, feed } = setUp()
    await startLive(connection, feed)

    await feed.close()

    expect(connection.calls).toEqual(['subscribe', 'unsubscribe', 'quit'])
    expect(feed.isLive()).toBe(false)
    connection.becomeReady()
    expect(connection.subscriptions).toBe(1)
  })

  it('just disconnects when closed while the connection is down', async () => {
    const { connection, feed } = setUp()
    await startLive(connection, feed)
    connection.drop()

    await feed.close()

    expect(connection.calls).toEqual(['subscribe', 'disconnect'])
  })
})

function setUp(): { connection: FakeConnection; feed: CatalogChangeFeed; heard: (CatalogChange | 'gap')[] } {
  const connection = new FakeConnection()
  const heard: (CatalogChange | 'gap')[] = []
  const feed = new CatalogChangeFeed(connection as unknown as Redis, CHANNEL, {
    onChange: (change) => heard.push(change),
    onGap: () => heard.push('gap'),
  })
  return { connection, feed, heard }
}

async function startLive(connection: FakeConnection, feed: CatalogChangeFeed): Promise<void> {
  const started = feed.ensureSubscribed()
  connection.becomeReady()
  connection.confirmSubscription()
  await started
  expect(feed.isLive()).toBe(true)
}

/** The part of an ioredis connection the feed uses; the test decides when SUBSCRIBE is answered. */
class FakeConnection extends EventEmitter {
  status = 'wait'
  readonly calls: string[] = []
  private answerSubscription: { confirm: () => void; fail: (error: Error) => void } | undefined

  get subscriptions(): number {
    return this.calls.filter((call) => call === 'subscribe').length
  }

  subscribe(channel: string): Promise<number> {
    expect(channel).toBe(CHANNEL)
    this.calls.push('subscribe')
    return new Promise((resolve, reject) => {
      this.answerSubscription = {
        confirm: () => {
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
  }

  failSubscription(): void {
    this.answerSubscription?.fail(new Error('Reached the max retries per request limit'))
  }

  drop(): void {
    this.status = 'reconnecting'
    this.emit('close')
  }
}
