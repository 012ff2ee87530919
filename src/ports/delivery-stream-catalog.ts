import type { DeliveryStreamDescription, Tag } from '@aws-sdk/client-firehose'

import type { DeliveryStreamRecord } from './delivery-streams.ts'

/**
 * Firehose delivery streams: what DescribeDeliveryStream shows, their tags, and where their records are in
 * Kafka. Kept in Redis; every replica of the gateway shares it. Writes are compare-and-set on `revision`.
 */
export interface DeliveryStreamCatalog {
  get(key: DeliveryStreamKey): Promise<StoredDeliveryStream | undefined>
  /**
   * The same, from this replica's copy (the put path): frozen, shared by every caller. This replica's own
   * writes show at once, another replica's within moments; until its copy is confirmed current, it reads
   * the store.
   */
  getCached(key: DeliveryStreamKey): Promise<StoredDeliveryStream | undefined>
  /** Stores a new delivery stream; false when one of that name exists in the account and region. */
  create(stream: StoredDeliveryStream): Promise<boolean>
  /** Replaces the stored one when its revision is `stream.revision - 1`; false when another write came first. */
  update(stream: StoredDeliveryStream): Promise<boolean>
  /** Removes the stored one when its revision is `expectedRevision`. */
  remove(key: DeliveryStreamKey, expectedRevision: number): Promise<boolean>
  /** Every delivery stream of one account and region, by name in ascending (code point) order. */
  listAll(scope: DeliveryStreamScope): Promise<StoredDeliveryStream[]>
  /** Every delivery stream of every account and region, in any status (to complete interrupted work). */
  listEvery(): Promise<StoredDeliveryStream[]>
  /** Every ACTIVE delivery stream of every account and region: what the delivery workers deliver. */
  listDeliveryStreamRecords(): Promise<DeliveryStreamRecord[]>
  close(): Promise<void>
}

export interface DeliveryStreamScope {
  accountId: string
  region: string
}

export interface DeliveryStreamKey extends DeliveryStreamScope {
  name: string
}

export interface StoredDeliveryStream extends DeliveryStreamKey {
  /** Starts at 1; incremented by every write (unlike the API's VersionId, which only destination changes move). */
  revision: number
  /** Unique per delivery stream ever created (a re-created name gets a new one); part of every RecordId. */
  id: string
  /**
   * The topic holding the records the workers read: the delivery stream's own (DirectPut) or its source
   * Kinesis stream's (KinesisStreamAsSource).
   */
  topic: string
  /** Partitions of the delivery stream's own topic; 0 when it reads a Kinesis stream. */
  partitions: number
  /**
   * Set while the delivery stream's own topic is not known to serve every partition: it stays CREATING until
   * this is cleared, and is rolled back (topic and record removed) when it is still set at `deadlineMillis`.
   */
  creation?: { deadlineMillis: number }
  /** When the ENABLING or DISABLING phase of server-side encryption ends (epoch millis). */
  encryptionSettlesAtMillis?: number
  /** In the order they were added. */
  tags: Tag[]
  /** The HTTP endpoint destination's access key, which descriptions never show. */
  httpEndpointAccessKey?: string
  /**
   * As DescribeDeliveryStream answers it, timestamps as Date; `DeliveryStreamStatus` is the stored status
   * (CREATING, ACTIVE, DELETING), and the encryption status may still read ENABLING or DISABLING after
   * `encryptionSettlesAtMillis` has passed.
   */
  description: DeliveryStreamDescription
}

/** Raised by adapters when the store cannot be reached; the request may be retried. */
export class DeliveryStreamCatalogUnavailableError extends Error {
  override name = 'DeliveryStreamCatalogUnavailableError'
}
