/**
 * Stream metadata that Kafka cannot hold: status, shard map with hash ranges and lineage, settings, tags.
 * Kept in Redis; every replica of the gateway shares it. Updates are compare-and-set on `version`.
 */
export interface StreamCatalog {
  /** The current record, read from the store. */
  get(key: StreamKey): Promise<StreamRecord | undefined>
  /**
   * The record from this replica's cache, loaded on first use and refreshed when any replica changes it.
   * The data path (PutRecords, GetRecords) reads only this, so a warm gateway asks the store nothing.
   * The record is shared by every caller and frozen; copy it before changing it.
   */
  getCached(key: StreamKey): Promise<StreamRecord | undefined>
  /** Stores a new stream; false when one with that name exists in the account and region. */
  create(record: StreamRecord): Promise<boolean>
  /** Replaces the record when its stored version is `record.version - 1`; false when another write came first. */
  update(record: StreamRecord): Promise<boolean>
  /** Removes the record when its stored version is `expectedVersion`. */
  remove(key: StreamKey, expectedVersion: number): Promise<boolean>
  /** Stream names of one account and region in ascending order, after `exclusiveStartName`, at most `limit`. */
  listNames(scope: AccountScope, exclusiveStartName: string | undefined, limit: number): Promise<string[]>
  /** Every stream of one account and region (for account-wide limits such as the open shard count). */
  listAll(scope: AccountScope): Promise<StreamRecord[]>
  /**
   * Marks `claim.topic` as a topic the gateway creates for a stream (replacing an earlier mark of that topic).
   * Written before the topic is created and kept until it is deleted: a topic without a mark was not created by
   * the gateway, and is never deleted as an orphan.
   */
  claimTopic(claim: TopicClaim): Promise<void>
  topicClaim(topic: string): Promise<TopicClaim | undefined>
  /** Every topic mark, of every account and region. */
  topicClaims(): Promise<TopicClaim[]>
  /** Replaces (or with undefined, removes) the mark of `expected.topic` if it is still exactly `expected`. */
  replaceTopicClaim(expected: TopicClaim, next: TopicClaim | undefined): Promise<boolean>
  close(): Promise<void>
}

/** The mark of a Kafka topic the gateway created (or is about to create) for a stream. */
export interface TopicClaim extends StreamKey {
  topic: string
  claimedAtMillis: number
  /** Set by whoever is deleting the topic as an orphan, before it deletes it. */
  deletingSinceMillis?: number
}

export interface AccountScope {
  accountId: string
  region: string
}

export interface StreamKey extends AccountScope {
  streamName: string
}

export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING'
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND'

export interface StreamRecord {
  accountId: string
  region: string
  streamName: string
  streamArn: string
  /** The Kafka topic holding the records. */
  topic: string
  /** Distinguishes a re-created stream of the same name (part of every sequence number); unique per stream. */
  incarnation: number
  createdAtMillis: number
  status: StreamStatus
  /** When the current CREATING / UPDATING / DELETING phase ends (epoch millis); undefined while ACTIVE. */
  statusUntilMillis?: number
  /**
   * Set while the stream's topic is not known to serve every partition: the stream stays CREATING until it is
   * cleared, and is rolled back (topic and record removed) when it is still set at `deadlineMillis`.
   */
  creation?: { deadlineMillis: number }
  /** Set by a change that the topic configuration must follow, until the topic has been given it. */
  topicConfigPending?: true
  mode: StreamMode
  retentionPeriodHours: number
  encryption: StreamEncryption
  shardLevelMetrics: string[]
  maxRecordSizeKiB: number
  /** Every shard ever created, ordered by index; closed shards stay for lineage until retention drops them. */
  shards: ShardRecord[]
  tags: Record<string, string>
  resourcePolicy?: string
  /** Starts at 1; incremented by every update. */
  version: number
}

export type StreamEncryption = { type: 'NONE' } | { type: 'KMS'; keyId: string }

export interface ShardRecord {
  /** The Kafka partition, and the number in `shardId-000000000007`. */
  index: number
  parentIndex?: number
  adjacentParentIndex?: number
  /** Decimal strings, as the API shows them. */
  startingHashKey: string
  endingHashKey: string
  createdAtMillis: number
  /**
   * Set when a reshard made this shard a parent: new records go to its children from then on, but it is not
   * sealed yet (no endingOffset) because writes routed with an older shard map may still land in it. Cleared
   * when the shard is sealed (see src/streams/resharding.ts).
   */
  closingSinceMillis?: number
  /** Set when the shard is closed: the offset after its last record (its last record is endingOffset - 1). */
  endingOffset?: number
  closedAtMillis?: number
}

export class CatalogUnavailableError extends Error {
  override name = 'CatalogUnavailableError'
}
