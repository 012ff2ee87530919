import type { StreamKey } from '../../ports/stream-catalog.ts'
import { DEFAULT_CATALOG_KEY_PREFIX } from './catalog-keys.ts'

/**
 * Where consumers and subscription leases live in Redis, beside the stream catalog (catalog-keys.ts) and
 * under the same prefix. Account ids, regions, stream names and shard ids contain no ':', so no two keys
 * can collide, with each other or with the catalog's.
 */
export class ConsumerKeys {
  constructor(private readonly prefix: string = DEFAULT_CATALOG_KEY_PREFIX) {}

  /** A hash of the stream's consumers: consumer name -> ConsumerRecord as JSON (its `version` included). */
  consumers(stream: StreamKey): string {
    return `${this.prefix}${stream.accountId}:${stream.region}:consumers:${stream.streamName}`
  }

  /** A string holding the holder of the subscription, expiring with the lease. */
  subscriptionLease(consumerArn: string, shardId: string): string {
    return `${this.prefix}subscription-lease:${shardId}:${consumerArn}`
  }
}
