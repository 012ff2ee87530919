import { describe, expect, it } from 'vitest'

import { RuntimeMetrics } from './runtime-metrics.ts'

const ARN = 'arn:aws:kinesisanalytics:eu-west-1:123456789012:application/prices'

describe('RuntimeMetrics', () => {
  it('names the application from its ARN and sums the outputs by OutputId and destination', () => {
    const metrics = new RuntimeMetrics(() => 0)
    metrics.counters(ARN).recordsIn += 3
    metrics.delivered(ARN, '1.1', 'arn:out', 2)
    metrics.delivered(ARN, '1.1', 'arn:out', 5)
    metrics.delivered(ARN, '1.2', 'arn:other', 1)
    expect(metrics.snapshot()).toEqual([
      {
        account: '123456789012',
        region: 'eu-west-1',
        applicationName: 'prices',
        owning: 0,
        recordsIn: 3,
        bytesIn: 0,
        inputRows: 0,
        errorRows: 0,
        outputs: [
          { outputId: '1.1', destination: 'arn:out', records: 7 },
          { outputId: '1.2', destination: 'arn:other', records: 1 },
        ],
        recordsBehindLatest: 0,
        millisBehindLatest: 0,
      },
    ])
  })

  it('is behind by the records not read yet and the age of the oldest last-read record of a lagging partition', () => {
    let now = 10_000
    const metrics = new RuntimeMetrics(() => now)
    const partitions = [
      { records: 0, lastArrivalMillis: 1_000 },
      { records: 40, lastArrivalMillis: 7_000 },
      { records: 2, lastArrivalMillis: 9_500 },
    ]
    metrics.watch(ARN, { owned: () => 3, behind: () => partitions })
    expect(metrics.snapshot()[0]).toMatchObject({
      owning: 1,
      recordsBehindLatest: 42,
      millisBehindLatest: 3_000,
    })

    // Caught up: nothing behind, however old the last record is.
    for (const partition of partitions) partition.records = 0
    now = 60_000
    expect(metrics.snapshot()[0]).toMatchObject({ recordsBehindLatest: 0, millisBehindLatest: 0 })
  })

  it('keeps the counters of a stopped worker and forgets a removed application', () => {
    const metrics = new RuntimeMetrics(() => 0)
    metrics.watch(ARN, { owned: () => 1, behind: () => [] })
    metrics.counters(ARN).errorRows = 4
    metrics.watch(ARN, undefined)
    expect(metrics.snapshot()[0]).toMatchObject({ owning: 0, errorRows: 4 })
    metrics.remove(ARN)
    metrics.watch(ARN, undefined)
    expect(metrics.snapshot()).toEqual([])
  })
})
