import { describe, expect, it } from 'vitest'
import type { MetricObservation } from '../../ports/metric-sink.ts'
import { CloudWatchMetrics } from './cloudwatch-metrics.ts'

function observation(overrides: Partial<MetricObservation> = {}): MetricObservation {
  return {
    namespace: 'probe-app',
    metricName: 'RecordsProcessed',
    dimensions: [],
    unit: 'Count',
    sampleCount: 1,
    sum: 5,
    minimum: 5,
    maximum: 5,
    ...overrides,
  }
}

/** The sample lines (no comments) of an exposition. */
function samples(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))
}

describe('CloudWatchMetrics', () => {
  it('writes a summary and the latest minimum and maximum per metric, dimensions as labels', () => {
    const metrics = new CloudWatchMetrics()
    const dimensions = [
      { name: 'ShardId', value: 'shardId-000000000000' },
      { name: 'Operation', value: 'ProcessTask' },
    ]
    metrics.record([observation({ dimensions, sampleCount: 4, sum: 10.5, minimum: 0.5, maximum: 5 })])
    // The same metric, dimensions in another order: one series; the sums add up, min and max are the latest.
    metrics.record([
      observation({ dimensions: [...dimensions].reverse(), sampleCount: 1, sum: 2, minimum: 2, maximum: 2 }),
    ])
    const labels =
      '{namespace="probe-app",metric_name="RecordsProcessed",unit="Count",Operation="ProcessTask",ShardId="shardId-000000000000"}'
    expect(metrics.exposition()).toBe(
      '# HELP cloudwatch_metric Data points received through CloudWatch PutMetricData.\n' +
        '# TYPE cloudwatch_metric summary\n' +
        `cloudwatch_metric_sum${labels} 12.5\n` +
        `cloudwatch_metric_count${labels} 5\n` +
        '# HELP cloudwatch_metric_minimum Minimum of the latest CloudWatch datum.\n' +
        '# TYPE cloudwatch_metric_minimum gauge\n' +
        `cloudwatch_metric_minimum${labels} 2\n` +
        '# HELP cloudwatch_metric_maximum Maximum of the latest CloudWatch datum.\n' +
        '# TYPE cloudwatch_metric_maximum gauge\n' +
        `cloudwatch_metric_maximum${labels} 2\n` +
        '# HELP cloudwatch_series CloudWatch metric series kept for /metrics.\n' +
        '# TYPE cloudwatch_series gauge\n' +
        'cloudwatch_series 1\n' +
        '# HELP cloudwatch_series_evicted_total CloudWatch metric series dropped to stay within the series limit, ' +
        'oldest update first.\n' +
        '# TYPE cloudwatch_series_evicted_total counter\n' +
        'cloudwatch_series_evicted_total 0\n',
    )
  })

  it('keeps namespaces, units and dimension sets apart', () => {
    const metrics = new CloudWatchMetrics()
    metrics.record([
      observation(),
      observation({ namespace: 'other-app' }),
      observation({ unit: 'None' }),
      observation({ dimensions: [{ name: 'ShardId', value: 'shardId-000000000001' }] }),
    ])
    expect(metrics.size).toBe(4)
  })

  it('sanitises dimension names into label names and escapes label values', () => {
    const metrics = new CloudWatchMetrics()
    metrics.record([
      observation({
        metricName: 'KinesisDataFetcher.getRecords.Time',
        dimensions: [
          { name: 'Worker Id', value: 'host "a"\\b\nc' },
          { name: '1st', value: 'x' },
          { name: 'namespace', value: 'n' },
          { name: 'le', value: 'l' },
          { name: '__name__', value: 'u' },
          { name: 'a.b', value: 'p' },
          { name: 'a_b', value: 'q' },
        ],
      }),
    ])
    expect(samples(metrics.exposition())[0]).toBe(
      'cloudwatch_metric_sum{namespace="probe-app",metric_name="KinesisDataFetcher.getRecords.Time",unit="Count",' +
        '_1st="x",Worker_Id="host \\"a\\"\\\\b\\nc",dimension___name__="u",a_b="p",dimension_a_b="q",' +
        'dimension_le="l",dimension_namespace="n"} 5',
    )
  })

  it('keeps at most maxSeries series, dropping the one updated longest ago', () => {
    const metrics = new CloudWatchMetrics(2)
    metrics.record([observation({ metricName: 'A' }), observation({ metricName: 'B' })])
    metrics.record([observation({ metricName: 'A' })]) // B is now the oldest update
    metrics.record([observation({ metricName: 'C' })])
    const text = metrics.exposition()
    const names = samples(text)
      .filter((line) => line.startsWith('cloudwatch_metric_count'))
      .map((line) => /metric_name="(\w+)"/.exec(line)?.[1])
    expect(names).toEqual(['A', 'C'])
    expect(text).toContain('\ncloudwatch_series 2\n')
    expect(text).toContain('\ncloudwatch_series_evicted_total 1\n')
  })

  it('writes no series before any metric arrives', () => {
    expect(samples(new CloudWatchMetrics().exposition())).toEqual([
      'cloudwatch_series 0',
      'cloudwatch_series_evicted_total 0',
    ])
  })

  it('refuses a limit below one series', () => {
    expect(() => new CloudWatchMetrics(0)).toThrow(RangeError)
  })
})
