import type { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'

import { MockRedisSubscriber } from '../../../test/support/redis/mock-redis-subscriber.ts'
import type { StoredDeliveryStream } from '../../ports/delivery-stream-catalog.ts'
import { decodeCatalogChange } from './catalog-change.ts'
import { RedisDeliveryStreamCatalog } from './redis-delivery-stream-catalog.ts'

const HASH = 'kinesis:firehose:delivery-streams'
const CHANNEL = 'kinesis:firehose:delivery-stream-changes'
const KEY = { accountId: '123456789012', region: 'us-east-1', name: 'clicks' }

describe('RedisDeliveryStreamCatalog.getCached', () => {
  it('reads Redis once, then answers from memory while its subscription is live', async () => {
    const server = new MockRedisServer()
    const { catalog, subscriber } = server.openReplica()
    await catalog.create(deliveryStream(1))
    server.commands.length = 0

    const first = catalog.getCached(KEY)
    subscriber.becomeReady()
    subscriber.confirmSubscription()
    expect((await first)?.revision).toBe(1)
    for (let put = 0; put < 100; put++) expect((await catalog.getCached(KEY))?.revision).toBe(1)

    expect(server.commands).toEqual(['hget'])
  })

  it('hands out frozen copies: every caller shares them', async () => {
    const server = new MockRedisServer()
    const { catalog } = await server.openLiveReplica()
    await catalog.create(deliveryStream(1))

    const shared = await catalog.getCached(KEY)

    expect(Object.isFrozen(shared)).toBe(true)
    expect(Object.isFrozen(shared?.description)).toBe(true)
    expect(shared?.description.CreateTimestamp).toBeInstanceOf(Date)
    expect(Object.isFrozen(await catalog.get(KEY))).toBe(false)
  })

  it("sees another replica's update and removal through their notices", async () => {
    const server = new MockRedisServer()
    const reader = await server.openLiveReplica()
    const writer = await server.openLiveReplica()
    await writer.catalog.create(deliveryStream(1))
    expect((await reader.catalog.getCached(KEY))?.description.DeliveryStreamStatus).toBe('ACTIVE')

    expect(await writer.catalog.update(deliveryStream(2, 'DELETING'))).toBe(true)
    expect((await reader.catalog.getCached(KEY))?.description.DeliveryStreamStatus).toBe('DELETING')

    expect(await writer.catalog.remove(KEY, 2)).toBe(true)
    expect(await reader.catalog.getCached(KEY)).toBeUndefined()
  })

  it('keeps its copy when a notice names another delivery stream', async () => {
    const server = new MockRedisServer()
    const reader = await server.openLiveReplica()
    const writer = await server.openLiveReplica()
    await writer.catalog.create(deliveryStream(1))
    await reader.catalog.getCached(KEY)
    server.commands.length = 0

    await writer.catalog.create({ ...deliveryStream(1), name: 'other' })
    await writer.catalog.create({ ...deliveryStream(1), region: 'eu-west-1' })
    await reader.catalog.getCached(KEY)

    expect(server.commands).toEqual(['eval', 'eval'])
  })

  it("shows this replica's own writes at once", async () => {
    const server = new MockRedisServer()
    const { catalog, subscriber } = await server.openLiveReplica()
    await catalog.create(deliveryStream(1))
    await catalog.getCached(KEY)
    // Notices reach nobody: only the writer's own invalidation can make the change visible.
    subscriber.deafen()

    await catalog.update(deliveryStream(2, 'DELETING'))
    expect((await catalog.getCached(KEY))?.revision).toBe(2)
    await catalog.remove(KEY, 2)
    expect(await catalog.getCached(KEY)).toBeUndefined()
  })

  it('keeps nothing after a write that lost its compare-and-set', async () => {
    const server = new MockRedisServer()
    const { catalog } = await server.openLiveReplica()
    await catalog.create(deliveryStream(1))
    await catalog.getCached(KEY)

    expect(await catalog.update(deliveryStream(5))).toBe(false)
    expect(await catalog.remove(KEY, 7)).toBe(false)

    expect(server.notices).toHaveLength(1)
    expect((await catalog.getCached(KEY))?.revision).toBe(1)
  })

  it('forgets its copy when the subscription drops, and reads Redis every time until it is back', async () => {
    const server = new MockRedisServer()
    const { catalog, subscriber } = await server.openLiveReplica()
    await catalog.create(deliveryStream(1))
    await catalog.getCached(KEY)

    subscriber.drop()
    // Written while notices could not arrive: the replica must not answer from what it held.
    server.store(deliveryStream(2, 'DELETING'))
    server.commands.length = 0

    expect((await catalog.getCached(KEY))?.revision).toBe(2)
    expect((await catalog.getCached(KEY))?.revision).toBe(2)
    expect(server.commands).toEqual(['hget', 'hget'])

    subscriber.becomeReady()
    subscriber.confirmSubscription()
    await catalog.getCached(KEY)
    await catalog.getCached(KEY)
    expect(server.commands).toEqual(['hget', 'hget', 'hget'])
  })

  it('publishes each notice from the write script itself, naming the delivery stream and revision', async () => {
    const server = new MockRedisServer()
    const { catalog } = await server.openLiveReplica()

    await catalog.create(deliveryStream(1))
    await catalog.update(deliveryStream(2))
    await catalog.remove(KEY, 2)

    expect(server.notices.map((message) => decodeCatalogChange(message))).toEqual([
      { kind: 'created', accountId: KEY.accountId, region: KEY.region, streamName: 'clicks', version: 1 },
      { kind: 'updated', accountId: KEY.accountId, region: KEY.region, streamName: 'clicks', version: 2 },
      { kind: 'removed', accountId: KEY.accountId, region: KEY.region, streamName: 'clicks', version: 2 },
    ])
    expect(server.commands).not.toContain('publish')
  })

  it('closes its subscription on close', async () => {
    const server = new MockRedisServer()
    const { catalog, subscriber } = await server.openLiveReplica()

    await catalog.close()

    expect(subscriber.calls).toEqual(['subscribe', 'unsubscribe', 'quit'])
  })
})

function deliveryStream(revision: number, status: 'ACTIVE' | 'DELETING' = 'ACTIVE'): StoredDeliveryStream {
  return {
    ...KEY,
    revision,
    id: 'c0ffee00-0000-4000-8000-000000000001',
    topic: 'firehose.123456789012.us-east-1.clicks',
    partitions: 4,
    tags: [],
    description: {
      DeliveryStreamName: KEY.name,
      DeliveryStreamARN: `arn:aws:firehose:us-east-1:123456789012:deliverystream/${KEY.name}`,
      DeliveryStreamStatus: status,
      DeliveryStreamType: 'DirectPut',
      VersionId: '1',
      CreateTimestamp: new Date(Date.UTC(2026, 0, 1)),
      Destinations: [{ DestinationId: 'destinationId-000000000001' }],
      HasMoreDestinations: false,
    },
  }
}

/**
 * The Redis server the mocks of one test share: the delivery streams hash, the commands the catalogs sent
 * (by name), and the notices the write scripts published, delivered to every subscribed mock connection.
 */
class MockRedisServer {
  readonly commands: string[] = []
  readonly notices: string[] = []
  private readonly hash = new Map<string, string>()
  private readonly subscribers: MockRedisSubscriber[] = []

  openReplica(): { catalog: RedisDeliveryStreamCatalog; subscriber: MockRedisSubscriber } {
    const subscriber = new MockRedisSubscriber(CHANNEL)
    this.subscribers.push(subscriber)
    const catalog = new RedisDeliveryStreamCatalog(this.mockCommandConnection(), {
      createSubscriber: () => subscriber as unknown as Redis,
    })
    return { catalog, subscriber }
  }

  /** A replica whose subscription Redis has confirmed. */
  async openLiveReplica(): Promise<{ catalog: RedisDeliveryStreamCatalog; subscriber: MockRedisSubscriber }> {
    const replica = this.openReplica()
    const probe = replica.catalog.getCached({ ...KEY, name: 'probe' })
    replica.subscriber.becomeReady()
    replica.subscriber.confirmSubscription()
    await probe
    await replica.catalog.getCached({ ...KEY, name: 'probe' })
    this.commands.length = 0
    return replica
  }

  /** A write no catalog announces, as if its notice had been published while a subscription was down. */
  store(stream: StoredDeliveryStream): void {
    this.hash.set(fieldOf(stream), JSON.stringify(stream))
  }

  private mockCommandConnection(): Redis {
    const connection = {
      hget: (key: string, field: string): Promise<string | null> => {
        this.commands.push('hget')
        expect(key).toBe(HASH)
        return Promise.resolve(this.hash.get(field) ?? null)
      },
      eval: (script: string, _keys: number, key: string, ...args: string[]): Promise<number> => {
        this.commands.push('eval')
        expect(key).toBe(HASH)
        return Promise.resolve(script.includes('HSETNX') ? this.create(args) : this.swap(args))
      },
    }
    return connection as unknown as Redis
  }

  /** The CREATE script: ARGV field, JSON, channel, notice. */
  private create([field, json, channel, notice]: string[]): number {
    if (field === undefined || json === undefined || this.hash.has(field)) return 0
    this.hash.set(field, json)
    this.publish(channel, notice)
    return 1
  }

  /** The SWAP script: ARGV field, expected revision, channel, notice, next JSON (absent to remove). */
  private swap([field, expected, channel, notice, next]: string[]): number {
    const current = field === undefined ? undefined : this.hash.get(field)
    if (field === undefined || current === undefined) return 0
    if ((JSON.parse(current) as StoredDeliveryStream).revision !== Number(expected)) return 0
    if (next === undefined) this.hash.delete(field)
    else this.hash.set(field, next)
    this.publish(channel, notice)
    return 1
  }

  private publish(channel: string | undefined, notice: string | undefined): void {
    expect(channel).toBe(CHANNEL)
    if (notice === undefined) throw new Error('a write script without its notice')
    this.notices.push(notice)
    for (const subscriber of this.subscribers) subscriber.deliver(notice)
  }
}

function fieldOf(key: { accountId: string; region: string; name: string }): string {
  return `${key.accountId}/${key.region}/${key.name}`
}
