/**
 * The append-only log that holds stream records: one topic per stream, one partition per shard.
 * Offsets are plain numbers: Kafka offsets are 64-bit, but a partition would need 2^53 records to overflow.
 */
export interface RecordLog {
  /**
   * Creates the topic, and resolves once every partition is served. A topic of that name that exists already
   * is accepted (an earlier attempt may have created it before it was interrupted): creating is idempotent.
   */
  createTopic(topic: string, partitions: number, config: Readonly<Record<string, string>>): Promise<void>
  /** Deletes the topic if it exists; resolves once the cluster no longer lists it. */
  deleteTopic(topic: string): Promise<void>
  topicExists(topic: string): Promise<boolean>
  /** Grows the topic to `totalPartitions`; partitions can only be added. */
  addPartitions(topic: string, totalPartitions: number): Promise<void>
  setTopicConfig(topic: string, config: Readonly<Record<string, string>>): Promise<void>
  /** Appends records; resolves only once the log acknowledged every one of them (acks=all). */
  append(topic: string, records: readonly RecordToAppend[]): Promise<AppendedRecord[]>
  read(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<ReadResult>
  offsetRange(topic: string, partition: number): Promise<OffsetRange>
  /** The first offset whose timestamp is at or after `timestampMs`, or the end of the log when none is. */
  offsetForTimestamp(topic: string, partition: number, timestampMs: number): Promise<number>
  ping(): Promise<void>
  close(): Promise<void>
}

export interface RecordToAppend {
  partition: number
  /** Null for a record without a key (Firehose's records). */
  key: Buffer | null
  value: Buffer
  headers?: Readonly<Record<string, Buffer>>
}

export interface AppendedRecord {
  partition: number
  offset: number
  /** The time the log appended the record (epoch millis). */
  timestamp: number
}

export interface ReadLimits {
  maxRecords: number
  maxBytes: number
  /** How long the log may wait for records to arrive when there are none yet. */
  maxWaitMs: number
}

export interface StoredRecord {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: Readonly<Record<string, Buffer | undefined>>
}

export interface ReadResult {
  records: StoredRecord[]
  /** The offset the next record appended to the partition will get. */
  highWatermark: number
  logStartOffset: number
}

export interface OffsetRange {
  /** The oldest offset still retained. */
  earliest: number
  /** The offset the next appended record will get. */
  latest: number
}

/** Raised by adapters when the log cannot be reached or did not acknowledge; the request may be retried. */
export class RecordLogUnavailableError extends Error {
  override name = 'RecordLogUnavailableError'
}

export class TopicNotFoundError extends Error {
  override name = 'TopicNotFoundError'
}
