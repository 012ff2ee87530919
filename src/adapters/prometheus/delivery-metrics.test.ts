import { describe, expect, it } from 'vitest'

import { deliveryMetricsExposition } from './delivery-metrics.ts'

describe('deliveryMetricsExposition', () => {
  it('renders one sample per family and delivery stream', () => {
    const text = deliveryMetricsExposition([
      {
        account: '123456789012',
        region: 'us-east-1',
        deliveryStreamName: 'orders',
        recordsIn: 10,
        bytesIn: 100,
        recordsDelivered: 9,
        bytesDelivered: 90,
        recordsFailed: 1,
        objectsWritten: 2,
        deliveryRetries: 3,
        oldestUndeliveredAgeMs: 1500,
      },
    ])
    const labels = '{account="123456789012",region="us-east-1",delivery_stream="orders"}'
    expect(text).toContain(
      `# TYPE firehose_delivery_records_in_total counter\nfirehose_delivery_records_in_total${labels} 10\n`,
    )
    expect(text).toContain(`firehose_delivery_records_delivered_total${labels} 9\n`)
    expect(text).toContain(`firehose_delivery_records_failed_total${labels} 1\n`)
    expect(text).toContain(`# TYPE firehose_delivery_oldest_undelivered_age_seconds gauge\n`)
    expect(text).toContain(`firehose_delivery_oldest_undelivered_age_seconds${labels} 1.5\n`)
    expect(deliveryMetricsExposition([])).toBe('')
  })
})
