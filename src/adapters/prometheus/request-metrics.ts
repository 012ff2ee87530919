import { familyHeader, labelSet, sampleValue } from './text-format.ts'

/** One AWS request as the gateway reports it (the shape of the gateway's request observer). */
export interface ObservedRequest {
  /** The service and operation it reached; undefined when it reached none (an unknown operation, …). */
  readonly service: string | undefined
  readonly operation: string | undefined
  readonly status: number
  /** The AWS error type of an error answer. */
  readonly errorType: string | undefined
  readonly latencyMs: number
}

/** Upper bounds of the latency histogram, in seconds. */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const

interface Histogram {
  readonly labels: readonly (readonly [string, string])[]
  /** Per bucket of LATENCY_BUCKETS, not cumulative; the last entry counts those above every bound. */
  readonly buckets: number[]
  count: number
  sum: number
}

/**
 * The gateway's own request metrics: `gateway_requests_total` by service, operation, status and error type, and
 * the `gateway_request_duration_seconds` histogram by service and operation. Label values come from the services'
 * names and the gateway's error types, never from what a client sent, so the series stay few.
 */
export class RequestMetrics {
  private readonly counts = new Map<string, { readonly labels: string; value: number }>()
  private readonly latencies = new Map<string, Histogram>()

  observe(request: ObservedRequest): void {
    const service = request.service ?? ''
    const operation = request.operation ?? ''
    const status = String(request.status)
    const errorType = request.errorType ?? ''
    const countKey = `${service}\n${operation}\n${status}\n${errorType}`
    const count = this.counts.get(countKey)
    if (count === undefined) {
      const labels = labelSet([
        ['service', service],
        ['operation', operation],
        ['status', status],
        ['error_type', errorType],
      ])
      this.counts.set(countKey, { labels, value: 1 })
    } else count.value++

    const latencyKey = `${service}\n${operation}`
    let histogram = this.latencies.get(latencyKey)
    if (histogram === undefined) {
      histogram = {
        labels: [
          ['service', service],
          ['operation', operation],
        ],
        buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0),
        count: 0,
        sum: 0,
      }
      this.latencies.set(latencyKey, histogram)
    }
    const seconds = request.latencyMs / 1000
    let bucket = LATENCY_BUCKETS.findIndex((bound) => seconds <= bound)
    if (bucket === -1) bucket = LATENCY_BUCKETS.length
    histogram.buckets[bucket] = (histogram.buckets[bucket] ?? 0) + 1
    histogram.count++
    histogram.sum += seconds
  }

  exposition(): string {
    const lines = [familyHeader('gateway_requests_total', 'counter', 'AWS requests answered by the gateway.')]
    for (const { labels, value } of this.counts.values())
      lines.push(`gateway_requests_total${labels} ${String(value)}\n`)
    lines.push(
      familyHeader(
        'gateway_request_duration_seconds',
        'histogram',
        'Time from request to response end (an event stream: its duration).',
      ),
    )
    for (const histogram of this.latencies.values()) {
      let cumulative = 0
      LATENCY_BUCKETS.forEach((bound, index) => {
        cumulative += histogram.buckets[index] ?? 0
        const labels = labelSet([...histogram.labels, ['le', String(bound)]])
        lines.push(`gateway_request_duration_seconds_bucket${labels} ${String(cumulative)}\n`)
      })
      const labels = labelSet(histogram.labels)
      lines.push(
        `gateway_request_duration_seconds_bucket${labelSet([...histogram.labels, ['le', '+Inf']])} ${String(histogram.count)}\n`,
        `gateway_request_duration_seconds_sum${labels} ${sampleValue(histogram.sum)}\n`,
        `gateway_request_duration_seconds_count${labels} ${String(histogram.count)}\n`,
      )
    }
    return lines.join('')
  }
}
