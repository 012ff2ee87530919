import type { DeliveryStreamMetrics } from '../../ports/delivery-streams.ts'
import { itemFamilies, type ItemFamily } from './text-format.ts'

const FAMILIES: readonly ItemFamily<DeliveryStreamMetrics>[] = [
  {
    name: 'firehose_delivery_records_in_total',
    type: 'counter',
    help: 'Records the delivery workers of this process read from the delivery stream.',
    value: (metrics) => metrics.recordsIn,
  },
  {
    name: 'firehose_delivery_bytes_in_total',
    type: 'counter',
    help: 'Bytes of record data read from the delivery stream.',
    value: (metrics) => metrics.bytesIn,
  },
  {
    name: 'firehose_delivery_records_delivered_total',
    type: 'counter',
    help: 'Records stored at the destination.',
    value: (metrics) => metrics.recordsDelivered,
  },
  {
    name: 'firehose_delivery_bytes_delivered_total',
    type: 'counter',
    help: 'Bytes of record data (before compression) stored at the destination.',
    value: (metrics) => metrics.bytesDelivered,
  },
  {
    name: 'firehose_delivery_records_failed_total',
    type: 'counter',
    help: 'Records written to the error output.',
    value: (metrics) => metrics.recordsFailed,
  },
  {
    name: 'firehose_delivery_objects_written_total',
    type: 'counter',
    help: 'S3 objects written: deliveries, error output and backup.',
    value: (metrics) => metrics.objectsWritten,
  },
  {
    name: 'firehose_delivery_retries_total',
    type: 'counter',
    help: 'Failed delivery attempts that were retried.',
    value: (metrics) => metrics.deliveryRetries,
  },
  {
    name: 'firehose_delivery_oldest_undelivered_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest record read and not yet delivered; 0 when none waits.',
    value: (metrics) => metrics.oldestUndeliveredAgeMs / 1000,
  },
]

/** The Firehose delivery workers' metrics per delivery stream, in the Prometheus text format. */
export function deliveryMetricsExposition(streams: readonly DeliveryStreamMetrics[]): string {
  return itemFamilies(FAMILIES, streams, (stream) => [
    ['account', stream.account],
    ['region', stream.region],
    ['delivery_stream', stream.deliveryStreamName],
  ])
}
