import type { Redis } from 'ioredis'

import {
  checkLeaseTtl,
  SubscriptionLeasesUnavailableError,
  type SubscriptionLease,
  type SubscriptionLeases,
} from '../../ports/subscription-leases.ts'
import { ConsumerKeys } from './consumer-keys.ts'
import { RELEASE_LEASE, RENEW_LEASE } from './consumer-scripts.ts'

export interface RedisSubscriptionLeasesOptions {
  /** Starts every key; default `kinesis:`. */
  keyPrefix?: string
}

/**
 * SubscriptionLeases in Redis: one string per consumer and shard holding the holder, with the lease's
 * time-to-live as the key's expiry, so that Redis frees the lease of a replica that stopped renewing it.
 */
export class RedisSubscriptionLeases implements SubscriptionLeases {
  private readonly keys: ConsumerKeys

  constructor(
    private readonly redis: Redis,
    options: RedisSubscriptionLeasesOptions = {},
  ) {
    this.keys = new ConsumerKeys(options.keyPrefix)
  }

  async acquire(
    consumerArn: string,
    shardId: string,
    holder: string,
    ttlMs: number,
  ): Promise<SubscriptionLease | undefined> {
    checkLeaseTtl(ttlMs)
    const key = this.keys.subscriptionLease(consumerArn, shardId)
    const stored = await this.unavailableOnFailure(() => this.redis.set(key, holder, 'PX', ttlMs, 'NX'))
    return stored === 'OK' ? { consumerArn, shardId, holder } : undefined
  }

  async renew(lease: SubscriptionLease, ttlMs: number): Promise<boolean> {
    checkLeaseTtl(ttlMs)
    const key = this.keys.subscriptionLease(lease.consumerArn, lease.shardId)
    const renewed = await this.unavailableOnFailure(() =>
      this.redis.eval(RENEW_LEASE, 1, key, lease.holder, ttlMs),
    )
    return renewed === 1
  }

  async release(lease: SubscriptionLease): Promise<void> {
    const key = this.keys.subscriptionLease(lease.consumerArn, lease.shardId)
    await this.unavailableOnFailure(() => this.redis.eval(RELEASE_LEASE, 1, key, lease.holder))
  }

  private async unavailableOnFailure<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new SubscriptionLeasesUnavailableError(
        `The subscription leases are unavailable (Redis: ${reason})`,
        { cause: error },
      )
    }
  }
}
