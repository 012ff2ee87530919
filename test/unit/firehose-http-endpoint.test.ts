import { gunzipSync } from 'node:zlib'

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { fetchHttpPoster } from '../../src/adapters/http/fetch-http-poster.ts'
import type { ProcessedRecord } from '../../src/firehose/delivery/delivery-record.ts'
import {
  createHttpEndpointDestination,
  type HttpEndpointSettings,
} from '../../src/firehose/http-endpoint/http-endpoint-destination.ts'
import { FakeClock } from '../support/fake-clock.ts'
import { HttpEndpointServer } from '../support/firehose/http-endpoint-server.ts'

/** The HTTP endpoint destination against a real local HTTP server. */

const STREAM_ARN = 'arn:aws:firehose:us-east-1:000000000000:deliverystream/to-http'
const ARRIVAL = Date.UTC(2026, 0, 15, 11)

function records(...texts: string[]): ProcessedRecord[] {
  return texts.map((text) => ({ data: Buffer.from(text), approximateArrivalTimestamp: ARRIVAL }))
}

describe('HTTP endpoint destination', () => {
  const server = new HttpEndpointServer()
  let url = ''
  let clock: FakeClock
  let sleeps: number[]

  beforeAll(async () => {
    url = await server.start()
  })
  afterAll(() => server.stop())
  beforeEach(() => {
    server.requests.length = 0
    server.answer = (request) => ({
      status: 200,
      body: { requestId: request.body.requestId, timestamp: Date.now() },
    })
    clock = new FakeClock()
    sleeps = []
  })

  function destination(settings: Partial<HttpEndpointSettings> = {}, random = () => 0.5) {
    return createHttpEndpointDestination({ EndpointConfiguration: { Url: url }, ...settings }, STREAM_ARN, {
      http: fetchHttpPoster,
      clock,
      random,
      sleep: (millis) => {
        sleeps.push(millis)
        clock.advance(millis)
        return Promise.resolve()
      },
    })
  }

  it("sends Firehose's request: protocol headers, access key, common attributes, base64 records", async () => {
    const outcome = await destination({
      EndpointConfiguration: { Url: url, Name: 'collector', AccessKey: 'secret-key' },
      RequestConfiguration: {
        CommonAttributes: [
          { AttributeName: 'env', AttributeValue: 'test' },
          { AttributeName: 'team', AttributeValue: 'data' },
        ],
      },
    }).deliver(records('first', '{"second":2}'))

    expect(outcome).toEqual({ delivered: 2, failed: [] })
    expect(server.requests).toHaveLength(1)
    const [request] = server.requests
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-amz-firehose-protocol-version': '1.0',
      'x-amz-firehose-request-id': request?.body.requestId,
      'x-amz-firehose-source-arn': STREAM_ARN,
      'x-amz-firehose-access-key': 'secret-key',
      'x-amz-firehose-common-attributes': '{"commonAttributes":{"env":"test","team":"data"}}',
    })
    expect(request?.headers['content-encoding']).toBeUndefined()
    expect(request?.body).toEqual({
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      timestamp: clock.now(),
      records: [
        { data: Buffer.from('first').toString('base64') },
        { data: Buffer.from('{"second":2}').toString('base64') },
      ],
    })
  })

  it('sends the body gzip with Content-Encoding gzip when ContentEncoding is GZIP', async () => {
    const outcome = await destination({ RequestConfiguration: { ContentEncoding: 'GZIP' } }).deliver(
      records('zipped'),
    )
    expect(outcome.failed).toEqual([])
    const [request] = server.requests
    expect(request?.headers['content-encoding']).toBe('gzip')
    expect(
      (JSON.parse(gunzipSync(request?.raw ?? Buffer.alloc(0)).toString()) as { records: unknown }).records,
    ).toEqual([{ data: Buffer.from('zipped').toString('base64') }])
  })

  it('retries an endpoint that fails, with the same request id and backoff of 1 s doubling, until it recovers', async () => {
    let calls = 0
    server.answer = (request) => {
      calls++
      return calls <= 3
        ? { status: calls === 1 ? 500 : 503, body: 'busy' }
        : { status: 200, body: { requestId: request.body.requestId, timestamp: Date.now() } }
    }

    const outcome = await destination().deliver(records('a', 'b'))

    expect(outcome).toEqual({ delivered: 2, failed: [] })
    expect(server.requests).toHaveLength(4)
    expect(new Set(server.requests.map((request) => request.headers['x-amz-firehose-request-id'])).size).toBe(
      1,
    )
    expect(new Set(server.requests.map((request) => request.body.requestId)).size).toBe(1)
    expect(sleeps).toEqual([1000, 2000, 4000])
  })

  it('jitters each wait by at most 15 %', async () => {
    server.answer = () => ({ status: 500 })
    await destination({ RetryOptions: { DurationInSeconds: 4 } }, () => 0).deliver(records('a'))
    await destination({ RetryOptions: { DurationInSeconds: 4 } }, () => 0.999999).deliver(records('a'))
    expect(sleeps).toEqual([850, 1700, 1150, 2300])
  })

  it('gives up once RetryOptions.DurationInSeconds would pass, returning the records as http-endpoint-failed', async () => {
    server.answer = () => ({ status: 503, body: { errorMessage: 'down for maintenance' } })

    const outcome = await destination({ RetryOptions: { DurationInSeconds: 10 } }).deliver(records('a', 'b'))

    expect(sleeps).toEqual([1000, 2000, 4000])
    expect(server.requests).toHaveLength(4)
    expect(outcome.delivered).toBe(0)
    const requestId = server.requests[0]?.body.requestId
    expect(outcome.failed).toEqual(
      ['a', 'b'].map((data, index) => ({
        record: {
          recordId: `${requestId ?? ''}.${index}`,
          data: Buffer.from(data),
          approximateArrivalTimestamp: ARRIVAL,
        },
        errorOutputType: 'http-endpoint-failed',
        errorCode: 'HttpEndpoint.DestinationException',
        errorMessage: 'The HTTP endpoint answered 503: {"errorMessage":"down for maintenance"}',
        attemptsMade: 4,
        attemptEndingTimestamp: clock.now(),
      })),
    )
  })

  it('does not retry 413, and does not retry at all with DurationInSeconds 0', async () => {
    server.answer = () => ({ status: 413, body: 'too large' })
    const tooLarge = await destination().deliver(records('a'))
    expect(server.requests).toHaveLength(1)
    expect(tooLarge.failed.map((failed) => [failed.errorCode, failed.attemptsMade])).toEqual([
      ['HttpEndpoint.DestinationException', 1],
    ])

    server.requests.length = 0
    server.answer = () => ({ status: 500 })
    const noRetries = await destination({ RetryOptions: { DurationInSeconds: 0 } }).deliver(records('a'))
    expect(server.requests).toHaveLength(1)
    expect(noRetries.failed).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('takes a 200 whose requestId does not match, or that is not JSON, for a failure', async () => {
    server.answer = () => ({ status: 200, body: { requestId: 'someone-else', timestamp: 1 } })
    const mismatch = await destination({ RetryOptions: { DurationInSeconds: 2 } }).deliver(records('a'))
    expect(server.requests).toHaveLength(2)
    expect(mismatch.failed.map((failed) => failed.errorCode)).toEqual([
      'HttpEndpoint.InvalidResponseFromDestination',
    ])

    server.answer = () => ({ status: 200, body: 'OK' })
    const notJson = await destination({ RetryOptions: { DurationInSeconds: 0 } }).deliver(records('a'))
    expect(notJson.failed.map((failed) => failed.errorCode)).toEqual([
      'HttpEndpoint.InvalidResponseFromDestination',
    ])
  })

  it('fails with ConnectionFailed when nothing listens', async () => {
    const closed = createHttpEndpointDestination(
      { EndpointConfiguration: { Url: 'http://127.0.0.1:1/' } },
      STREAM_ARN,
      {
        http: fetchHttpPoster,
        clock,
        sleep: (millis) => {
          clock.advance(millis)
          return Promise.resolve()
        },
      },
    )
    const outcome = await closed.deliver(records('a'))
    expect(outcome.failed.map((failed) => [failed.errorOutputType, failed.errorCode])).toEqual([
      ['http-endpoint-failed', 'HttpEndpoint.ConnectionFailed'],
    ])
  })

  it('sends at most 10,000 records per request', async () => {
    const many = records(...Array.from({ length: 10_001 }, (_, index) => `r${index}`))
    const outcome = await destination().deliver(many)
    expect(outcome).toEqual({ delivered: 10_001, failed: [] })
    expect(server.requests.map((request) => request.body.records.length)).toEqual([10_000, 1])
  })
})
