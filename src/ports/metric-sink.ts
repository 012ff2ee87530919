/** A name/value pair that is part of a metric's identity (a CloudWatch dimension). */
export interface MetricDimension {
  readonly name: string
  readonly value: string
}

/**
 * Data points of one metric, reduced to a statistic set: a single value is a set of one sample, a list of values
 * with their counts is summed up, a statistic set is taken as it is.
 */
export interface MetricObservation {
  readonly namespace: string
  readonly metricName: string
  readonly dimensions: readonly MetricDimension[]
  /** A CloudWatch StandardUnit; `None` when the datum named none. */
  readonly unit: string
  readonly sampleCount: number
  readonly sum: number
  readonly minimum: number
  readonly maximum: number
}

/** Where metrics received from clients go (the Prometheus registry behind `/metrics`). Never fails. */
export interface MetricSink {
  record(observations: readonly MetricObservation[]): void
}
