import type { TopicTemplate } from '../mapping/topic-names.ts'
import type { Clock } from '../ports/clock.ts'
import type { DeliveryStreamCatalog } from '../ports/delivery-stream-catalog.ts'
import type { RecordLog } from '../ports/record-log.ts'
import type { StreamCatalog } from '../ports/stream-catalog.ts'

/** What the Firehose operations may reach; they import no adapter. */
export interface FirehoseDeps {
  catalog: DeliveryStreamCatalog
  /** DirectPut records: one topic per delivery stream. */
  recordLog: RecordLog
  /** Kinesis streams, for KinesisStreamAsSource delivery streams (the source must exist). */
  streams: StreamCatalog
  clock: Clock
  settings: FirehoseSettings
  /** Waits between attempts to create a topic; real (unref'd) timers when absent. */
  sleep?: (millis: number) => Promise<void>
}

export interface FirehoseSettings {
  /** Partitions of a DirectPut delivery stream's topic (FIREHOSE_TOPIC_PARTITIONS). */
  topicPartitions: number
  /** The streams' topic template: a delivery stream whose topic could collide with a stream's is refused. */
  streamTopicTemplate: TopicTemplate
  /** How long a new delivery stream's topic may take to be served before the creation is rolled back. */
  creationTimeoutMs?: number
  /** How long StartDeliveryStreamEncryption / Stop... stay ENABLING / DISABLING (DEFAULT_ENCRYPTION_DELAY_MS). */
  encryptionDelayMs?: number
}
