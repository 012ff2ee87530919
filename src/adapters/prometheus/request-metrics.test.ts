import { describe, expect, it } from 'vitest'
import { RequestMetrics } from './request-metrics.ts'

describe('RequestMetrics', () => {
  it('counts requests by service, operation, status and error type, and their latencies in a histogram', () => {
    const metrics = new RequestMetrics()
    const put = { service: 'GraniteServiceVersion20100801', operation: 'PutMetricData' }
    metrics.observe({ ...put, status: 200, errorType: undefined, latencyMs: 0.4 })
    metrics.observe({ ...put, status: 200, errorType: undefined, latencyMs: 30 })
    metrics.observe({ ...put, status: 400, errorType: 'InvalidParameterValueException', latencyMs: 2 })
    metrics.observe({
      service: undefined,
      operation: undefined,
      status: 400,
      errorType: 'UnknownOperationException',
      latencyMs: 20_000,
    })
    const putLabels = 'service="GraniteServiceVersion20100801",operation="PutMetricData"'
    const bucket = (labels: string, le: string, count: number) =>
      `gateway_request_duration_seconds_bucket{${labels},le="${le}"} ${String(count)}\n`
    const buckets = (labels: string, counts: number[]) =>
      [
        '0.001',
        '0.0025',
        '0.005',
        '0.01',
        '0.025',
        '0.05',
        '0.1',
        '0.25',
        '0.5',
        '1',
        '2.5',
        '5',
        '10',
        '+Inf',
      ]
        .map((le, index) => bucket(labels, le, counts[index] ?? 0))
        .join('')
    const none = 'service="",operation=""'
    expect(metrics.exposition()).toBe(
      '# HELP gateway_requests_total AWS requests answered by the gateway.\n' +
        '# TYPE gateway_requests_total counter\n' +
        `gateway_requests_total{${putLabels},status="200",error_type=""} 2\n` +
        `gateway_requests_total{${putLabels},status="400",error_type="InvalidParameterValueException"} 1\n` +
        `gateway_requests_total{${none},status="400",error_type="UnknownOperationException"} 1\n` +
        '# HELP gateway_request_duration_seconds Time from request to response end (an event stream: its duration).\n' +
        '# TYPE gateway_request_duration_seconds histogram\n' +
        buckets(putLabels, [1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3]) +
        `gateway_request_duration_seconds_sum{${putLabels}} ${String(0.0004 + 0.03 + 0.002)}\n` +
        `gateway_request_duration_seconds_count{${putLabels}} 3\n` +
        buckets(none, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) +
        `gateway_request_duration_seconds_sum{${none}} 20\n` +
        `gateway_request_duration_seconds_count{${none}} 1\n`,
    )
  })
})
