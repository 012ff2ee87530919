import type { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'

import { MockRedisSubscriber } from '../../../test/support/redis/mock-redis-subscriber.ts'
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

function setUp(): {
  connection: MockRedisSubscriber
  feed: CatalogChangeFeed
  heard: (CatalogChange | 'gap')[]
} {
  const connection = new MockRedisSubscriber(CHANNEL)
  const heard: (CatalogChange | 'gap')[] = []
  const feed = new CatalogChangeFeed(connection as unknown as Redis, CHANNEL, {
    onChange: (change) => heard.push(change),
    onGap: () => heard.push('gap'),
  })
  return { connection, feed, heard }
}

async function startLive(connection: MockRedisSubscriber, feed: CatalogChangeFeed): Promise<void> {
  const started = feed.ensureSubscribed()
  connection.becomeReady()
  connection.confirmSubscription()
  await started
  expect(feed.isLive()).toBe(true)
}
