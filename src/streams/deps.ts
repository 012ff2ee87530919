import type { KeyObject } from 'node:crypto'

import type { TopicTemplate } from '../mapping/topic-names.ts'
import type { Clock } from '../ports/clock.ts'
import type { RecordLog } from '../ports/record-log.ts'
import type { StreamCatalog } from '../ports/stream-catalog.ts'
import type { KeyRing } from './records/record-encryption.ts'

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
}
