import { randomUUID } from 'node:crypto'
import { setTimeout as wait } from 'node:timers/promises'
import { gzipSync } from 'node:zlib'

import type { HttpEndpointDestinationConfiguration } from '@aws-sdk/client-firehose'

import type { Clock } from '../../ports/clock.ts'
import { HttpPostError, type HttpPoster } from '../../ports/http-poster.ts'
import type { FailedRecord, ProcessedRecord } from '../delivery/delivery-record.ts'

/**
 * The HTTP endpoint destination: processed records POSTed to the endpoint in Firehose's request format
 * (https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html), retried until
 * RetryOptions.DurationInSeconds has passed; what is not delivered comes back as http-endpoint-failed records
 * for the S3 backup.
 */
export interface HttpEndpointDestination {
  deliver(records: readonly ProcessedRecord[]): Promise<HttpEndpointOutcome>
}

/** `failed` is empty when every record was delivered (the worker may then commit its offsets). */
export interface HttpEndpointOutcome {
  readonly delivered: number
  readonly failed: readonly FailedRecord[]
}

/** The part of the destination's configuration (or description) delivery uses. */
export type HttpEndpointSettings = Pick<
  HttpEndpointDestinationConfiguration,
  'EndpointConfiguration' | 'RequestConfiguration' | 'RetryOptions'
>

export interface HttpEndpointDeps {
  readonly http: HttpPoster
  readonly clock: Clock
  /** Waits between attempts; a timer by default. */
  readonly sleep?: (millis: number) => Promise<void>
  /** In [0, 1): the jitter of the backoff. */
  readonly random?: () => number
  readonly requestId?: () => string
  /** How long one request may take before it counts as failed (AWS: 3 minutes). */
  readonly requestTimeoutMs?: number
}

export const HTTP_ENDPOINT_LIMITS = {
  recordsPerRequest: 10_000,
  bytesPerRequest: 64 * 1024 * 1024,
  defaultRetryDurationSeconds: 300,
  firstBackoffMs: 1000,
  maxBackoffMs: 120_000,
  jitter: 0.15,
  requestTimeoutMs: 180_000,
} as const

const USER_AGENT = 'Amazon Kinesis Data Firehose Agent/1.0'

export function createHttpEndpointDestination(
  settings: HttpEndpointSettings,
  deliveryStreamArn: string,
  deps: HttpEndpointDeps,
): HttpEndpointDestination {
  const url = settings.EndpointConfiguration?.Url ?? ''
  const gzip = settings.RequestConfiguration?.ContentEncoding === 'GZIP'
  const retryDurationMs =
    (settings.RetryOptions?.DurationInSeconds ?? HTTP_ENDPOINT_LIMITS.defaultRetryDurationSeconds) * 1000
  const random = deps.random ?? Math.random
  const sleep = deps.sleep ?? ((millis: number) => wait(millis))
  const newRequestId = deps.requestId ?? randomUUID
  const timeoutMs = deps.requestTimeoutMs ?? HTTP_ENDPOINT_LIMITS.requestTimeoutMs
  const fixedHeaders = headersOf(settings, deliveryStreamArn, gzip)

  async function deliverRequest(records: readonly ProcessedRecord[]): Promise<FailedRecord[]> {
    const requestId = newRequestId()
    const json = Buffer.from(
      JSON.stringify({
        requestId,
        timestamp: deps.clock.now(),
        records: records.map((record) => ({ data: record.data.toString('base64') })),
      }),
    )
    const body = gzip ? gzipSync(json) : json
    const headers = { ...fixedHeaders, 'X-Amz-Firehose-Request-Id': requestId }
    const started = deps.clock.now()
    let backoffMs: number = HTTP_ENDPOINT_LIMITS.firstBackoffMs
    let attempts = 0
    for (;;) {
      attempts++
      const failure = await attempt(deps.http, url, headers, body, requestId, timeoutMs)
      if (failure === undefined) return []
      const delay = Math.round(backoffMs * (1 + HTTP_ENDPOINT_LIMITS.jitter * (2 * random() - 1)))
      if (failure.permanent || deps.clock.now() + delay - started > retryDurationMs) {
        const attemptEndingTimestamp = deps.clock.now()
        return records.map((record, index) => ({
          record: {
            recordId: `${requestId}.${index}`,
            data: record.data,
            approximateArrivalTimestamp: record.approximateArrivalTimestamp,
          },
          errorOutputType: 'http-endpoint-failed',
          errorCode: failure.errorCode,
          errorMessage: failure.errorMessage,
          attemptsMade: attempts,
          attemptEndingTimestamp,
        }))
      }
      await sleep(delay)
      backoffMs = Math.min(backoffMs * 2, HTTP_ENDPOINT_LIMITS.maxBackoffMs)
    }
  }

  return {
    async deliver(records) {
      const failed: FailedRecord[] = []
      for (const request of requests(records)) failed.push(...(await deliverRequest(request)))
      return { delivered: records.length - failed.length, failed }
    },
  }
}

function headersOf(
  settings: HttpEndpointSettings,
  deliveryStreamArn: string,
  gzip: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'X-Amz-Firehose-Protocol-Version': '1.0',
    'X-Amz-Firehose-Source-Arn': deliveryStreamArn,
  }
  const accessKey = settings.EndpointConfiguration?.AccessKey
  if (accessKey !== undefined) headers['X-Amz-Firehose-Access-Key'] = accessKey
  const attributes = settings.RequestConfiguration?.CommonAttributes ?? []
  if (attributes.length > 0) {
    const commonAttributes: Record<string, string> = {}
    for (const attribute of attributes) {
      commonAttributes[attribute.AttributeName ?? ''] = attribute.AttributeValue ?? ''
    }
    headers['X-Amz-Firehose-Common-Attributes'] = JSON.stringify({ commonAttributes })
  }
  if (gzip) headers['Content-Encoding'] = 'gzip'
  return headers
}

interface AttemptFailure {
  readonly errorCode: string
  readonly errorMessage: string
  /** 413: the same request will never be accepted. */
  readonly permanent: boolean
}

async function attempt(
  http: HttpPoster,
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  requestId: string,
  timeoutMs: number,
): Promise<AttemptFailure | undefined> {
  let status: number
  let responseBody: Buffer
  try {
    ;({ status, body: responseBody } = await http.post(url, headers, body, timeoutMs))
  } catch (error) {
    if (!(error instanceof HttpPostError)) throw error
    return { errorCode: 'HttpEndpoint.ConnectionFailed', errorMessage: error.message, permanent: false }
  }
  const excerpt = responseBody.toString('utf8').slice(0, 1024)
  if (status !== 200) {
    return {
      errorCode: 'HttpEndpoint.DestinationException',
      errorMessage: `The HTTP endpoint answered ${status}${excerpt === '' ? '' : `: ${excerpt}`}`,
      permanent: status === 413,
    }
  }
  let answeredId: unknown
  try {
    answeredId = (JSON.parse(responseBody.toString('utf8')) as { requestId?: unknown }).requestId
  } catch {
    answeredId = undefined
  }
  if (answeredId !== requestId) {
    return {
      errorCode: 'HttpEndpoint.InvalidResponseFromDestination',
      errorMessage: `The HTTP endpoint's response does not carry the request's requestId ${requestId}: ${excerpt}`,
      permanent: false,
    }
  }
  return undefined
}

/** The records cut into requests of at most 10,000 records and 64 MiB of data. */
function requests(records: readonly ProcessedRecord[]): ProcessedRecord[][] {
  const chunks: ProcessedRecord[][] = []
  let chunk: ProcessedRecord[] = []
  let bytes = 0
  for (const record of records) {
    const size = Math.ceil(record.data.length / 3) * 4
    if (
      chunk.length > 0 &&
      (chunk.length === HTTP_ENDPOINT_LIMITS.recordsPerRequest ||
        bytes + size > HTTP_ENDPOINT_LIMITS.bytesPerRequest)
    ) {
      chunks.push(chunk)
      chunk = []
      bytes = 0
    }
    chunk.push(record)
    bytes += size
  }
  if (chunk.length > 0) chunks.push(chunk)
  return chunks
}
