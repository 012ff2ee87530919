import type { AccountScope, StreamKey } from '../../ports/stream-catalog.ts'

export const DEFAULT_CATALOG_KEY_PREFIX = 'kinesis:'

/**
 * Where the stream catalog lives in Redis. Every key and channel starts with the prefix, and every key
 * names its account and region, so that several deployments and tenants can share one Redis.
 * Account ids, regions and stream names contain no ':', so no two keys can collide.
 */
export class CatalogKeys {
  constructor(private readonly prefix: string = DEFAULT_CATALOG_KEY_PREFIX) {}

  /** A hash: `doc` holds the StreamRecord as JSON, `version` its version for compare-and-set. */
  stream(key: StreamKey): string {
    return `${this.scope(key)}stream:${key.streamName}`
  }

  /** A sorted set of the stream names, all scored 0 so that lexicographic ranges page through them in order. */
  streamNames(scope: AccountScope): string {
    return `${this.scope(scope)}streams`
  }

  /**
   * A hash of the topics the gateway created or is creating: topic name -> TopicClaim as JSON. Kafka topic names
   * are global to the cluster, so this key is too.
   */
  topicClaims(): string {
    return `${this.prefix}topic-claims`
  }

  /** The pub/sub channel on which every successful write announces itself. */
  changes(): string {
    return `${this.prefix}catalog-changes`
  }

  private scope(scope: AccountScope): string {
    return `${this.prefix}${scope.accountId}:${scope.region}:`
  }
}
