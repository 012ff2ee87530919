import type { MetricDatum } from '@aws-sdk/client-cloudwatch'
import type { MetricObservation } from '../../ports/metric-sink.ts'

/**
 * A checked datum as one statistic set: a Value is one sample; Values count Counts times each (once without
 * Counts); a StatisticValues set is taken as it is (and wins when Values came too, which CloudWatch accepts).
 */
export function observationOf(namespace: string, datum: MetricDatum): MetricObservation {
  const base = {
    namespace,
    metricName: datum.MetricName as string,
    dimensions: (datum.Dimensions ?? []).map((dimension) => ({
      name: dimension.Name as string,
      value: dimension.Value as string,
    })),
    unit: datum.Unit ?? 'None',
  }
  const set = datum.StatisticValues
  if (set !== undefined) {
    return {
      ...base,
      sampleCount: set.SampleCount as number,
      sum: set.Sum as number,
      minimum: set.Minimum as number,
      maximum: set.Maximum as number,
    }
  }
  if (datum.Value !== undefined) {
    const value = datum.Value
    return { ...base, sampleCount: 1, sum: value, minimum: value, maximum: value }
  }
  const values = datum.Values ?? []
  const counts = datum.Counts !== undefined && datum.Counts.length > 0 ? datum.Counts : undefined
  let sampleCount = 0
  let sum = 0
  let minimum = Infinity
  let maximum = -Infinity
  values.forEach((value, index) => {
    const count = counts?.[index] ?? 1
    sampleCount += count
    sum += value * count
    minimum = Math.min(minimum, value)
    maximum = Math.max(maximum, value)
  })
  return { ...base, sampleCount, sum, minimum, maximum }
}
