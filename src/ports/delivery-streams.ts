import type { DeliveryStreamDescription } from '@aws-sdk/client-firehose'

/**
 * A delivery stream as the delivery workers see it: what DescribeDeliveryStream answers, and where its
 * records are in Kafka.
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
