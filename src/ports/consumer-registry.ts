import type { StreamKey } from './stream-catalog.ts'

/**
 * The consumers registered on streams for enhanced fan-out (RegisterStreamConsumer, DescribeStreamConsumer,
 * ListStreamConsumers, DeregisterStreamConsumer, SubscribeToShard). Kept in Redis so that every replica of
 * the gateway shares them. Updates and removals are compare-and-set on `version`.
 *
 * Consumers belong to one incarnation of their stream. DeleteStream removes them with `removeAll`; should a
 * deletion stop half-way, records of an earlier incarnation can remain, and callers treat a record whose
 * `streamIncarnation` differs from the stream's as absent.
 */
export interface ConsumerRegistry {
  /** Stores a new consumer; false when the stream has a consumer of that name. */
  register(record: ConsumerRecord): Promise<boolean>
  /** The current record, read from the store. */
  get(stream: StreamKey, consumerName: string): Promise<ConsumerRecord | undefined>
  /**
   * The consumer an ARN names, read from the store; undefined when the ARN is malformed, or when the consumer
   * of that name has another ARN (it was deregistered and registered again).
   *
   * SubscribeToShard calls this once per subscription, which lasts up to 5 minutes, and takes a subscription
   * lease in Redis right after; a cache would save little, and a fresh read sees a deregistration at once.
   */
  getByArn(consumerArn: string): Promise<ConsumerRecord | undefined>
  /** Every consumer of the stream, by creation time, then by name in byte order. */
  list(stream: StreamKey): Promise<ConsumerRecord[]>
  /** How many consumers the stream has. */
  count(stream: StreamKey): Promise<number>
  /** Replaces the record when its stored version is `record.version - 1`; false when another write came first. */
  update(record: ConsumerRecord): Promise<boolean>
  /** Removes the consumer when its stored version is `expectedVersion`. */
  remove(stream: StreamKey, consumerName: string, expectedVersion: number): Promise<boolean>
  /** Removes every consumer of the stream (DeleteStream with EnforceConsumerDeletion); returns how many. */
  removeAll(stream: StreamKey): Promise<number>
}

export type ConsumerStatus = 'CREATING' | 'ACTIVE' | 'DELETING'

export interface ConsumerRecord {
  accountId: string
  region: string
  streamName: string
  streamArn: string
  /** The incarnation of the stream the consumer was registered on (see StreamRecord.incarnation). */
  streamIncarnation: number
  consumerName: string
  /** `<streamArn>/consumer/<consumerName>:<creationEpochSeconds>` */
  consumerArn: string
  creationEpochSeconds: number
  createdAtMillis: number
  status: ConsumerStatus
  /** When the current CREATING / DELETING phase ends (epoch millis); undefined while ACTIVE. */
  statusUntilMillis?: number
  /** Tags given at registration or by TagResource on the consumer ARN; absent when it has none. */
  tags?: Record<string, string>
  /** Starts at 1; incremented by every update. */
  version: number
}

export class ConsumerRegistryUnavailableError extends Error {
  override name = 'ConsumerRegistryUnavailableError'
}
