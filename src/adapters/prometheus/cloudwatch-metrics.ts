import type { MetricObservation, MetricSink } from '../../ports/metric-sink.ts'
import { familyHeader, labelName, labelSet, sampleValue } from './text-format.ts'

/** Series kept at most by default: about 1 KB each, so some 10 MB. */
export const DEFAULT_MAX_SERIES = 10_000

/** The labels every series has before its dimensions. */
const FIXED_LABELS = ['namespace', 'metric_name', 'unit'] as const
const DIMENSION_PREFIX = 'dimension_'

interface Series {
  /** `{namespace="…",metric_name="…",unit="…",<dimensions>}`, written once. */
  readonly labels: string
  sampleCount: number
  sum: number
  minimum: number
  maximum: number
}

/**
 * The metrics clients send through CloudWatch PutMetricData, for `/metrics`. One series per CloudWatch metric
 * (namespace, metric name, unit and dimension set): `cloudwatch_metric` is a summary of every data point
 * received (`_sum`, `_count`), `cloudwatch_metric_minimum` and `_maximum` the gauges of the latest datum. At most
 * `maxSeries` series are kept: a new one beyond that evicts the one updated longest ago.
 */
export class CloudWatchMetrics implements MetricSink {
  /** In the order of their last update (a Map keeps insertion order; an update moves a series to the end). */
  private readonly series = new Map<string, Series>()
  private evicted = 0

  constructor(private readonly maxSeries = DEFAULT_MAX_SERIES) {
    if (!Number.isInteger(maxSeries) || maxSeries < 1)
      throw new RangeError('maxSeries must be a positive integer')
  }

  record(observations: readonly MetricObservation[]): void {
    for (const observation of observations) this.recordOne(observation)
  }

  /** How many series are kept. */
  get size(): number {
    return this.series.size
  }

  exposition(): string {
    const summaries: string[] = []
    const minimums: string[] = []
    const maximums: string[] = []
    for (const series of this.series.values()) {
      summaries.push(
        `cloudwatch_metric_sum${series.labels} ${sampleValue(series.sum)}\n`,
        `cloudwatch_metric_count${series.labels} ${sampleValue(series.sampleCount)}\n`,
      )
      minimums.push(`cloudwatch_metric_minimum${series.labels} ${sampleValue(series.minimum)}\n`)
      maximums.push(`cloudwatch_metric_maximum${series.labels} ${sampleValue(series.maximum)}\n`)
    }
    return (
      familyHeader('cloudwatch_metric', 'summary', 'Data points received through CloudWatch PutMetricData.') +
      summaries.join('') +
      familyHeader('cloudwatch_metric_minimum', 'gauge', 'Minimum of the latest CloudWatch datum.') +
      minimums.join('') +
      familyHeader('cloudwatch_metric_maximum', 'gauge', 'Maximum of the latest CloudWatch datum.') +
      maximums.join('') +
      familyHeader('cloudwatch_series', 'gauge', 'CloudWatch metric series kept for /metrics.') +
      `cloudwatch_series ${String(this.series.size)}\n` +
      familyHeader(
        'cloudwatch_series_evicted_total',
        'counter',
        'CloudWatch metric series dropped to stay within the series limit, oldest update first.',
      ) +
      `cloudwatch_series_evicted_total ${String(this.evicted)}\n`
    )
  }

  private recordOne(observation: MetricObservation): void {
    // CloudWatch dimensions are a set: their order does not make another metric.
    const dimensions = [...observation.dimensions].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )
    const key = JSON.stringify([
      observation.namespace,
      observation.metricName,
      observation.unit,
      dimensions.map((dimension) => [dimension.name, dimension.value]),
    ])
    const existing = this.series.get(key)
    if (existing === undefined) {
      if (this.series.size >= this.maxSeries) this.evictOldest()
      this.series.set(key, {
        labels: seriesLabels(observation, dimensions),
        sampleCount: observation.sampleCount,
        sum: observation.sum,
        minimum: observation.minimum,
        maximum: observation.maximum,
      })
      return
    }
    existing.sampleCount += observation.sampleCount
    existing.sum += observation.sum
    existing.minimum = observation.minimum
    existing.maximum = observation.maximum
    this.series.delete(key)
    this.series.set(key, existing)
  }

  private evictOldest(): void {
    const oldest = this.series.keys().next()
    if (oldest.done === true) return
    this.series.delete(oldest.value)
    this.evicted++
  }
}

function seriesLabels(
  observation: MetricObservation,
  dimensions: readonly { readonly name: string; readonly value: string }[],
): string {
  const taken = new Set<string>(FIXED_LABELS)
  const labels: [string, string][] = [
    ['namespace', observation.namespace],
    ['metric_name', observation.metricName],
    ['unit', observation.unit],
  ]
  for (const dimension of dimensions) {
    const base = labelName(dimension.name, DIMENSION_PREFIX, taken)
    let name = base
    // Two dimension names that read the same once sanitised (`a.b`, `a_b`) stay two labels.
    for (let suffix = 2; taken.has(name); suffix++) name = `${base}_${String(suffix)}`
    taken.add(name)
    labels.push([name, dimension.value])
  }
  return labelSet(labels)
}
