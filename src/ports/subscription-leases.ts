/**
 * At most one open SubscribeToShard per consumer and shard across every replica of the gateway: a second
 * subscription is refused (ResourceInUseException) while the first holds the lease. A subscription lasts
 * up to 5 minutes and renews its lease every few seconds, so the lease of a replica that crashed expires by
 * itself within one time-to-live.
 */
export interface SubscriptionLeases {
  /**
   * Takes the lease for `ttlMs` milliseconds; undefined while anyone holds it. `holder` must be unique per
   * subscription (the request id of the SubscribeToShard call, say): renewing and releasing check it.
   */
  acquire(
    consumerArn: string,
    shardId: string,
    holder: string,
    ttlMs: number,
  ): Promise<SubscriptionLease | undefined>
  /** Extends the lease to `ttlMs` milliseconds from now; false when it has expired or was released. */
  renew(lease: SubscriptionLease, ttlMs: number): Promise<boolean>
  /** Gives the lease up, if it is still this holder's. */
  release(lease: SubscriptionLease): Promise<void>
}

export interface SubscriptionLease {
  readonly consumerArn: string
  readonly shardId: string
  readonly holder: string
}

export class SubscriptionLeasesUnavailableError extends Error {
  override name = 'SubscriptionLeasesUnavailableError'
}

/** Throws RangeError unless `ttlMs` is a whole number of milliseconds above zero. */
export function checkLeaseTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`a lease time-to-live must be a positive whole number of milliseconds: ${ttlMs}`)
  }
}
