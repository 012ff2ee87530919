import type { MetricSink } from '../ports/metric-sink.ts'

/** What CloudWatch's operations reach: where received metrics go. */
export interface CloudWatchDeps {
  readonly metrics: MetricSink
}
