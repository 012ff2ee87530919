import type { DeliveryStreamDescription } from '@aws-sdk/client-firehose'

/**
 * A delivery stream as the delivery workers see it: what DescribeDeliveryStream answers, and where its
 * records are in Kafka (DeliveryStreamCatalog.listDeliveryStreamRecords lists every ACTIVE one).
 *
 * The topic of a DirectPut delivery stream (`firehose.{accountId}.{region}.{deliveryStreamName}`, FIREHOSE_TOPIC_PARTITIONS
 * partitions, created with the delivery stream and deleted with it) holds its records in this format:
 * - one Kafka record per Firehose record (PutRecord, or each entry of PutRecordBatch);
 * - value: the record's data exactly as put (empty data is an empty value, never null);
 * - key: null; no headers. A request's records go to one partition, successive requests to successive
 *   partitions, so records of one request keep their order, and there is no order across partitions;
 * - timestamp: the broker's append time (the topic has `message.timestamp.type=LogAppendTime`), which is the
 *   record's arrival time (approximateArrivalTimestamp);
 * - retention 24 hours, as Firehose keeps undelivered data.
 * A record is in the topic, acknowledged by every in-sync replica, before its put is answered.
 */
export interface DeliveryStreamRecord {
  readonly account: string
  readonly region: string
  /**
   * The topic the workers read: the delivery stream's own (DirectPut) or its source Kinesis stream's
   * (KinesisStreamAsSource, read from `description.Source.KinesisStreamSourceDescription.DeliveryStartTimestamp`).
   */
  readonly topic: string
  readonly description: DeliveryStreamDescription
  /**
   * The HTTP endpoint destination's access key (sent as X-Amz-Firehose-Access-Key), which the description
   * never shows; absent when none is configured.
   */
  readonly httpEndpointAccessKey?: string
  /**
   * KinesisStreamAsSource: the source stream's creation time (epoch ms), which its sequence numbers carry; the
   * workers give the records they hand to a Lambda transform their Kinesis sequence numbers with it.
   */
  readonly sourceStreamCreatedAtMs?: number
}

/** What a delivery stream's workers in this process have done, for /metrics. */
export interface DeliveryStreamMetrics {
  readonly account: string
  readonly region: string
  readonly deliveryStreamName: string
  /** Records and bytes read from the delivery stream's topic. */
  readonly recordsIn: number
  readonly bytesIn: number
  /** Records and bytes (before compression) stored at the destination. */
  readonly recordsDelivered: number
  readonly bytesDelivered: number
  /** Records written to the error output. */
  readonly recordsFailed: number
  /** Objects written to S3 (deliveries, error output and backup). */
  readonly objectsWritten: number
  /** Deliveries that failed and were retried. */
  readonly deliveryRetries: number
  /** How long the oldest record read and not yet delivered has waited since it arrived; 0 when none waits. */
  readonly oldestUndeliveredAgeMs: number
}
