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
   * The HTTP endpoint destination's access key (sent as X-Amz-Firehose-Access-Key), which the description
   * never shows; absent when none is configured.
   */
  readonly httpEndpointAccessKey?: string
}
