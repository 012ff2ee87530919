import { systemClock, type Clock } from '../../../src/ports/clock.ts'
import {
  checkLeaseTtl,
  type SubscriptionLease,
  type SubscriptionLeases,
} from '../../../src/ports/subscription-leases.ts'

interface HeldLease {
  holder: string
  expiresAtMillis: number
}

/** In-memory SubscriptionLeases for unit tests; a lease expires when `clock` reaches its time-to-live. */
export class MemorySubscriptionLeases implements SubscriptionLeases {
  /** Consumer and shard -> the lease, possibly expired. */
  private readonly leases = new Map<string, HeldLease>()

  constructor(private readonly clock: Clock = systemClock) {}

  acquire(
    consumerArn: string,
    shardId: string,
    holder: string,
    ttlMs: number,
  ): Promise<SubscriptionLease | undefined> {
    return settled(() => {
      checkLeaseTtl(ttlMs)
      const key = keyOf(consumerArn, shardId)
      if (this.live(key) !== undefined) return undefined
      this.leases.set(key, { holder, expiresAtMillis: this.clock.now() + ttlMs })
      return { consumerArn, shardId, holder }
    })
  }

  renew(lease: SubscriptionLease, ttlMs: number): Promise<boolean> {
    return settled(() => {
      checkLeaseTtl(ttlMs)
      const held = this.live(keyOf(lease.consumerArn, lease.shardId))
      if (held?.holder !== lease.holder) return false
      held.expiresAtMillis = this.clock.now() + ttlMs
      return true
    })
  }

  release(lease: SubscriptionLease): Promise<void> {
    return settled(() => {
      const key = keyOf(lease.consumerArn, lease.shardId)
      if (this.live(key)?.holder === lease.holder) this.leases.delete(key)
    })
  }

  /** The lease unless it has expired; an expired one is forgotten. */
  private live(key: string): HeldLease | undefined {
    const held = this.leases.get(key)
    if (held === undefined || held.expiresAtMillis > this.clock.now()) return held
    this.leases.delete(key)
    return undefined
  }
}

function keyOf(consumerArn: string, shardId: string): string {
  return `${consumerArn} ${shardId}`
}

/** The result of `compute` as a promise, rejected if it throws, as the Redis adapter's would be. */
function settled<T>(compute: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(compute())
  })
}
