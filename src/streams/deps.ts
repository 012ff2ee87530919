import type { KeyObject } from 'node:crypto'

import type { TopicTemplate } from '../mapping/topic-names.ts'
import type { Clock } from '../ports/clock.ts'
import type { ConsumerRegistry } from '../ports/consumer-registry.ts'
import type { RecordLog } from '../ports/record-log.ts'
import type { StreamCatalog } from '../ports/stream-catalog.ts'
import type { SubscriptionLeases } from '../ports/subscription-leases.ts'
import type { KeyRing } from '../ports/key-ring.ts'

/** What the Kinesis Data Streams operations may reach; they import no adapter. */
export interface StreamsDeps {
  catalog: StreamCatalog
  recordLog: RecordLog
  clock: Clock
  settings: StreamsSettings
  /**
   * Data keys of KMS-encrypted streams (server-side encryption). Without one, records cannot be written to or
   * read from an encrypted stream (KMSNotFoundException); unencrypted streams need none.
   */
  keyRing?: KeyRing
  /** Waits (resharding waits out its fence grace period); real timers when absent. */
  sleep?: (millis: number) => Promise<void>
  /** Registered consumers (enhanced fan-out); without it, streams have none and the fan-out operations are off. */
  consumers?: ConsumerRegistry
  /** One open SubscribeToShard per consumer and shard across replicas. */
  subscriptionLeases?: SubscriptionLeases
  /** SubscribeToShard timing; DEFAULT_FAN_OUT_SETTINGS when absent. */
  fanOut?: FanOutSettings
}

export interface StreamsSettings {
  topicTemplate: TopicTemplate
  /** Seals shard iterators; every replica must share it. */
  iteratorKey: KeyObject
  /** How long streams stay CREATING, UPDATING and DELETING (AWS takes tens of seconds; short by default). */
  creatingDelayMs: number
  updatingDelayMs: number
  deletingDelayMs: number
  /** Open shards per account and region (AWS's default shard quota). */
  shardLimit: number
  /** Shards of a new ON_DEMAND stream. */
  onDemandShardCount: number
  /**
   * How long a resharded parent stays closing before it is sealed (DEFAULT_RESHARD_FENCE_MS when absent): every
   * replica must have seen the new shard map, and every write routed with the old one been acknowledged,
   * within this time. See resharding.ts.
   */
  reshardFenceMs?: number
  /**
   * How long a new stream's topic may take to be created and served (DEFAULT_CREATION_TIMEOUT_MS when absent).
   * The stream is CREATING meanwhile; a creation that has not completed by then is rolled back.
   */
  creationTimeoutMs?: number
  /**
   * How old the mark of a topic without a stream must be before the reconciler deletes the topic as an orphan
   * (DEFAULT_ORPHAN_TOPIC_GRACE_MS when absent).
   */
  orphanTopicGraceMs?: number
}

/** How SubscribeToShard subscriptions behave in time. */
export interface FanOutSettings {
  /** How long a subscription lasts before it ends cleanly (AWS: 5 minutes). */
  subscriptionDurationMs: number
  /** The longest a subscription stays silent: an event without records is sent after this long. */
  heartbeatIntervalMs?: number
  /** How long one upstream read of a partition waits for new records before it is issued again. */
  tailWaitMs?: number
  /** How often an open subscription renews its lease; the lease lives three times as long. */
  leaseRenewIntervalMs?: number
}
