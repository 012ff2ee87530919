import { setTimeout as sleep } from 'node:timers/promises'

import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest'

import { MemorySubscriptionLeases } from '../support/memory/memory-subscription-leases.ts'
import { createRedisClient } from '../../src/adapters/redis/redis-client.ts'
import { RedisSubscriptionLeases } from '../../src/adapters/redis/redis-subscription-leases.ts'
import {
  SubscriptionLeasesUnavailableError,
  type SubscriptionLeases,
} from '../../src/ports/subscription-leases.ts'
import { uniqueName } from './fixture/names.ts'
import { deleteKeysWithPrefix, unreachableRedisUrl } from './fixture/redis.ts'

/**
 * The store the lease tables of one test share; every table it opens plays another replica of the gateway.
 * `passTime` lets time run: the real clock for Redis, a fake one for the memory fake.
 */
interface SharedLeaseStore {
  openReplica(): SubscriptionLeases
  passTime(millis: number): Promise<void>
}

const CONSUMER = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/analytics:1700000000'
const OTHER_CONSUMER = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/billing:1700000000'
const SHARD = 'shardId-000000000000'
const OTHER_SHARD = 'shardId-000000000001'
/** Longer than any test. */
const LONG_TTL = 60_000
/** Short enough to wait out, long enough for a few round trips to Redis. */
const SHORT_TTL = 500

/** The behaviour every SubscriptionLeases shares; `openStore` is called once per test. */
export function describeSubscriptionLeasesContract(name: string, openStore: () => SharedLeaseStore): void {
  describe(`${name} honours the SubscriptionLeases contract`, () => {
    it('grants a lease to one holder and refuses everyone else while it is held', async () => {
      const leases = openStore().openReplica()

      const lease = await leases.acquire(CONSUMER, SHARD, 'first', LONG_TTL)

      expect(lease).toEqual({ consumerArn: CONSUMER, shardId: SHARD, holder: 'first' })
      expect(await leases.acquire(CONSUMER, SHARD, 'second', LONG_TTL)).toBeUndefined()
      expect(await leases.acquire(CONSUMER, SHARD, 'first', LONG_TTL)).toBeUndefined()
      expect(await leases.acquire(CONSUMER, OTHER_SHARD, 'second', LONG_TTL)).toBeDefined()
      expect(await leases.acquire(OTHER_CONSUMER, SHARD, 'second', LONG_TTL)).toBeDefined()
    })

    it('grants a lease to exactly one of many replicas asking at once', async () => {
      const store = openStore()
      const replicas = Array.from({ length: 5 }, () => store.openReplica())

      const attempts = await Promise.all(
        replicas.flatMap((replica, replicaIndex) =>
          Array.from({ length: 4 }, (_, attempt) =>
            replica.acquire(CONSUMER, SHARD, `holder-${replicaIndex}-${attempt}`, LONG_TTL),
          ),
        ),
      )

      expect(attempts.filter((lease) => lease !== undefined)).toHaveLength(1)
    })

    it('shows a lease taken on one replica to the others', async () => {
      const store = openStore()
      const [first, second] = [store.openReplica(), store.openReplica()]
      const lease = await first.acquire(CONSUMER, SHARD, 'on-first', LONG_TTL)
      if (lease === undefined) throw new Error('the first replica should get the lease')

      expect(await second.acquire(CONSUMER, SHARD, 'on-second', LONG_TTL)).toBeUndefined()

      await first.release(lease)
      expect(await second.acquire(CONSUMER, SHARD, 'on-second', LONG_TTL)).toBeDefined()
    })

    it('keeps a lease that is renewed before it expires', async () => {
      const store = openStore()
      const [holder, other] = [store.openReplica(), store.openReplica()]
      const lease = await holder.acquire(CONSUMER, SHARD, 'renewing', SHORT_TTL)
      if (lease === undefined) throw new Error('the lease should be free')

      for (let renewal = 0; renewal < 4; renewal++) {
        await store.passTime(SHORT_TTL / 4)
        expect(await holder.renew(lease, SHORT_TTL)).toBe(true)
      }

      expect(await other.acquire(CONSUMER, SHARD, 'other', LONG_TTL)).toBeUndefined()
    })

    it('frees a lease that expires, and cannot renew it afterwards', async () => {
      const store = openStore()
      const [holder, other] = [store.openReplica(), store.openReplica()]
      const lease = await holder.acquire(CONSUMER, SHARD, 'crashed', SHORT_TTL)
      if (lease === undefined) throw new Error('the lease should be free')

      await store.passTime(SHORT_TTL + 100)

      expect(await holder.renew(lease, LONG_TTL)).toBe(false)
      const successor = await other.acquire(CONSUMER, SHARD, 'successor', LONG_TTL)
      expect(successor).toEqual({ consumerArn: CONSUMER, shardId: SHARD, holder: 'successor' })
      expect(await holder.renew(lease, LONG_TTL)).toBe(false)

      await holder.release(lease)
      expect(await other.acquire(CONSUMER, SHARD, 'third', LONG_TTL)).toBeUndefined()
      if (successor !== undefined) expect(await other.renew(successor, LONG_TTL)).toBe(true)
    })

    it('frees a released lease, which cannot be renewed afterwards', async () => {
      const store = openStore()
      const [holder, other] = [store.openReplica(), store.openReplica()]
      const lease = await holder.acquire(CONSUMER, SHARD, 'done', LONG_TTL)
      if (lease === undefined) throw new Error('the lease should be free')

      await holder.release(lease)

      expect(await holder.renew(lease, LONG_TTL)).toBe(false)
      const successor = await other.acquire(CONSUMER, SHARD, 'successor', LONG_TTL)
      expect(successor).toBeDefined()
      await holder.release(lease)
      expect(await other.acquire(CONSUMER, SHARD, 'third', LONG_TTL)).toBeUndefined()
    })

    it('refuses a time-to-live that is not a positive whole number of milliseconds', async () => {
      const leases = openStore().openReplica()
      const lease = await leases.acquire(CONSUMER, SHARD, 'holder', LONG_TTL)
      if (lease === undefined) throw new Error('the lease should be free')

      for (const ttlMs of [0, -1, 1.5, Number.NaN]) {
        await expect(leases.acquire(CONSUMER, OTHER_SHARD, 'holder', ttlMs)).rejects.toThrow(RangeError)
        await expect(leases.renew(lease, ttlMs)).rejects.toThrow(RangeError)
      }
    })
  })
}

describeSubscriptionLeasesContract('MemorySubscriptionLeases', () => {
  let now = 1_700_000_000_000
  const leases = new MemorySubscriptionLeases({ now: () => now })
  return {
    openReplica: () => leases,
    passTime: (millis) => {
      now += millis
      return Promise.resolve()
    },
  }
})

describe('on the shared Redis', () => {
  const redisUrl = inject('stack').redisUrl
  const admin = createRedisClient(redisUrl, 'subscription-leases-test-admin')

  afterAll(async () => {
    await admin.quit()
  })

  describeSubscriptionLeasesContract('RedisSubscriptionLeases', () => {
    const keyPrefix = `${uniqueName('leases-test')}:`
    onTestFinished(() => deleteKeysWithPrefix(admin, keyPrefix))
    return {
      openReplica: () => openRedisReplica(redisUrl, keyPrefix),
      passTime: async (millis) => {
        await sleep(millis)
      },
    }
  })

  it('keeps a lease as one expiring key under the configured prefix', async () => {
    const keyPrefix = `${uniqueName('leases-layout')}:`
    onTestFinished(() => deleteKeysWithPrefix(admin, keyPrefix))
    const leases = openRedisReplica(redisUrl, keyPrefix)
    await leases.acquire(CONSUMER, SHARD, 'holder', LONG_TTL)

    const key = `${keyPrefix}subscription-lease:${SHARD}:${CONSUMER}`
    expect(await admin.keys(`${keyPrefix}*`)).toEqual([key])
    expect(await admin.get(key)).toBe('holder')
    expect(await admin.pttl(key)).toBeGreaterThan(LONG_TTL - 5_000)
  })
})

describe('RedisSubscriptionLeases while Redis is down', () => {
  it('fails every call fast with SubscriptionLeasesUnavailableError', async () => {
    const leases = openRedisReplica(await unreachableRedisUrl(), 'kinesis:')
    const lease = { consumerArn: CONSUMER, shardId: SHARD, holder: 'holder' }

    const startedAt = Date.now()
    const outcomes = await Promise.allSettled([
      leases.acquire(CONSUMER, SHARD, 'holder', LONG_TTL),
      leases.renew(lease, LONG_TTL),
      leases.release(lease),
    ])

    expect(Date.now() - startedAt).toBeLessThan(3_000)
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected')
      if (outcome.status === 'rejected')
        expect(outcome.reason).toBeInstanceOf(SubscriptionLeasesUnavailableError)
    }
  })
})

function openRedisReplica(redisUrl: string, keyPrefix: string): RedisSubscriptionLeases {
  const client = createRedisClient(redisUrl, 'subscription-leases-test')
  // Connection failures reach the test through the leases' calls; ioredis would also print each one.
  client.on('error', () => undefined)
  onTestFinished(() => {
    client.disconnect()
  })
  return new RedisSubscriptionLeases(client, { keyPrefix })
}
