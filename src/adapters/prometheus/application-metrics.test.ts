import { describe, expect, it } from 'vitest'

import { applicationMetricsExposition } from './application-metrics.ts'

describe('applicationMetricsExposition', () => {
  it('renders one sample per application in each family, and one per output', () => {
    const text = applicationMetricsExposition([
      {
        account: '123456789012',
        region: 'us-east-1',
        applicationName: 'prices',
        owning: 1,
        recordsIn: 10,
        bytesIn: 1000,
        inputRows: 9,
        errorRows: 1,
        outputs: [
          { outputId: '1.1', destination: 'arn:aws:kinesis:us-east-1:123456789012:stream/out', records: 4 },
        ],
        recordsBehindLatest: 5,
        millisBehindLatest: 250,
      },
    ])
    const labels = 'account="123456789012",region="us-east-1",application="prices"'
    expect(text).toContain('# TYPE kinesisanalytics_input_records_total counter\n')
    expect(text).toContain(`kinesisanalytics_application_running{${labels}} 1\n`)
    expect(text).toContain(`kinesisanalytics_input_rows_total{${labels}} 9\n`)
    expect(text).toContain(`kinesisanalytics_error_rows_total{${labels}} 1\n`)
    expect(text).toContain(`kinesisanalytics_millis_behind_latest{${labels}} 250\n`)
    expect(text).toContain(
      `kinesisanalytics_output_records_total{${labels},output_id="1.1",destination="arn:aws:kinesis:us-east-1:123456789012:stream/out"} 4\n`,
    )
  })

  it('renders nothing without applications', () => {
    expect(applicationMetricsExposition([])).toBe('')
  })
})
