import http from 'node:http'
import http2 from 'node:http2'
import {
  DeleteStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordCommand,
  type KinesisClientConfig,
} from '@aws-sdk/client-kinesis'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { decode as decodeReferenceCbor } from 'cbor2'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { GatewaySettings } from './settings.ts'
import { createLogger } from './logger.ts'
import type { HealthReport } from './operational-routes.ts'
import { encodeCbor } from './protocol/cbor-writer.ts'
import { AwsError, defineService, EMPTY_INPUT, type RequestContext } from '../aws/index.ts'
import { structure } from '../../test/support/shapes.ts'
import { createGatewayServer, type GatewayServer, type GatewayServerOptions } from './server.ts'

/** A service error as a Kinesis operation would throw it. */
const ResourceNotFoundException = (message: string): AwsError =>
  new AwsError('ResourceNotFoundException', message, 400)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const TEST_SETTINGS: GatewaySettings = {
  port: 0,
  host: '127.0.0.1',
  tls: undefined,
  defaultAccountId: '000000000000',
  defaultRegion: 'us-east-1',
}

/** A test fake standing in for the Kinesis service: fixed answers, and a record of what it was called with. */
function createFakeKinesisService() {
  const calls: { operation: string; input: Record<string, unknown>; context: RequestContext }[] = []
  const record = (operation: string, input: object, context: RequestContext): void => {
    calls.push({ operation, input: input as Record<string, unknown>, context })
  }
  let releaseSlowCall: () => void = () => undefined
  const service = defineService({
    name: 'Kinesis_20131202',
    signingName: 'kinesis',
    protocols: ['aws-json-1.1', 'aws-cbor-1.1'],
    operations: [
      {
        name: 'DescribeLimits',
        input: EMPTY_INPUT,
        handle(input, context) {
          record('DescribeLimits', input, context)
          return Promise.resolve({
            ShardLimit: 500,
            OpenShardCount: 3,
            OnDemandStreamCount: 1,
            OnDemandStreamCountLimit: 50,
          })
        },
      },
      {
        name: 'PutRecord',
        input: structure({ StreamName: 'string', Data: 'blob', PartitionKey: 'string' }),
        handle(input, context) {
          record('PutRecord', input, context)
          return Promise.resolve({ ShardId: 'shardId-000000000000', SequenceNumber: '1' })
        },
      },
      {
        name: 'GetRecords',
        input: structure({ ShardIterator: 'string', Limit: 'integer' }),
        handle(input, context) {
          record('GetRecords', input, context)
          if ((input as { Limit?: number }).Limit === LARGE_PAGE_LIMIT) return Promise.resolve(largePage())
          return Promise.resolve({
            Records: [
              {
                SequenceNumber: '1',
                ApproximateArrivalTimestamp: new Date(1700000000123),
                Data: Buffer.from('hello'),
                PartitionKey: 'pk',
              },
            ],
            NextShardIterator: 'next',
            MillisBehindLatest: 0,
          })
        },
      },
      {
        name: 'DeleteStream',
        input: structure({ StreamName: 'string' }),
        handle() {
          return Promise.reject(
            ResourceNotFoundException('Stream missing under account 000000000000 not found.'),
          )
        },
      },
      {
        name: 'ListShards',
        input: EMPTY_INPUT,
        handle() {
          return Promise.reject(new Error('an unexpected failure with internal details'))
        },
      },
      {
        name: 'DescribeStreamSummary',
        input: EMPTY_INPUT,
        handle() {
          return new Promise((resolve) => {
            releaseSlowCall = () => {
              resolve({ StreamDescriptionSummary: {} })
            }
          })
        },
      },
    ],
  })
  return {
    service,
    calls,
    releaseSlowCall: () => {
      releaseSlowCall()
    },
  }
}

interface TestGateway {
  gateway: GatewayServer
  port: number
  url: string
  fake: ReturnType<typeof createFakeKinesisService>
  logs: () => Record<string, unknown>[]
  setHealth: (report: HealthReport) => void
}

async function startGateway(options: Partial<GatewayServerOptions> = {}): Promise<TestGateway> {
  const lines: string[] = []
  const fake = createFakeKinesisService()
  let health: HealthReport = { ok: true, checks: { kafka: 'ok' } }
  const gateway = createGatewayServer({
    settings: TEST_SETTINGS,
    services: [fake.service],
    healthCheck: () => Promise.resolve(health),
    logger: createLogger('info', (line) => lines.push(line)),
    ...options,
  })
  const { port } = await gateway.listen()
  return {
    gateway,
    port,
    url: `http://127.0.0.1:${port}`,
    fake,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    setHealth: (report) => {
      health = report
    },
  }
}

function kinesisClient(url: string, extra: Partial<KinesisClientConfig> = {}): KinesisClient {
  return new KinesisClient({
    endpoint: url,
    region: 'eu-west-1',
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
    ...extra,
  })
}

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

async function http1Request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawResponse> {
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: init.body }),
  })
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: Buffer.from(await response.arrayBuffer()),
  }
}

function http2Request(
  url: string,
  headers: http2.OutgoingHttpHeaders,
  body?: Buffer | string,
  connectOptions: http2.SecureClientSessionOptions = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, connectOptions)
    session.on('error', reject)
    const stream = session.request(headers)
    const chunks: Buffer[] = []
    let status = 0
    let responseHeaders: RawResponse['headers'] = {}
    stream.on('response', (received) => {
      status = Number(received[':status'])
      responseHeaders = received
    })
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => {
      session.close()
      resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks) })
    })
    stream.on('error', reject)
    stream.end(body)
  })
}

function jsonOf(response: RawResponse): unknown {
  return JSON.parse(response.body.toString())
}

/** A GetRecords Limit the fake answers with a page of about 4 MB of JSON, more than one response chunk. */
const LARGE_PAGE_LIMIT = 9999

function largePage(): { Records: { SequenceNumber: string; Data: Buffer; PartitionKey: string }[] } {
  return {
    Records: Array.from({ length: 3 }, (_, index) => ({
      SequenceNumber: String(index + 1),
      Data: Buffer.alloc(1024 * 1024, index + 1),
      PartitionKey: `pk-${String(index)}`,
    })),
  }
}

describe('gateway on the wire', () => {
  let t: TestGateway

  beforeAll(async () => {
    t = await startGateway()
  })

  afterAll(async () => {
    await t.gateway.close()
  })

  describe('with the AWS SDK for JavaScript', () => {
    it('serves a call over its default HTTP/2 handler, with account and region from the credential', async () => {
      const client = kinesisClient(t.url)
      try {
        const output = await client.send(new DescribeLimitsCommand({}))
        expect(output).toMatchObject({ ShardLimit: 500, OpenShardCount: 3, OnDemandStreamCountLimit: 50 })
        expect(output.$metadata.httpStatusCode).toBe(200)
        expect(output.$metadata.requestId).toMatch(UUID)
        expect(output.$metadata.extendedRequestId).toBeTruthy()

        const call = t.fake.calls.at(-1)
        expect(call?.context).toEqual({
          requestId: output.$metadata.requestId,
          accountId: '123456789012',
          region: 'eu-west-1',
          accessKeyId: '123456789012',
        })
        const line = t.logs().find((entry) => entry.requestId === output.$metadata.requestId)
        expect(line).toMatchObject({
          msg: 'request',
          httpVersion: '2.0',
          method: 'POST',
          target: 'Kinesis_20131202.DescribeLimits',
          status: 200,
        })
        expect(typeof line?.latencyMs).toBe('number')
      } finally {
        client.destroy()
      }
    })

    it('serves a call over HTTP/1.1 with NodeHttpHandler', async () => {
      const client = kinesisClient(t.url, { requestHandler: new NodeHttpHandler() })
      try {
        const output = await client.send(new DescribeLimitsCommand({}))
        expect(output.ShardLimit).toBe(500)
        const line = t.logs().find((entry) => entry.requestId === output.$metadata.requestId)
        expect(line).toMatchObject({ httpVersion: '1.1', status: 200 })
      } finally {
        client.destroy()
      }
    })

    it('answers an operation the service does not implement with UnknownOperationException', async () => {
      const client = kinesisClient(t.url)
      try {
        const error = await client.send(new ListStreamsCommand({})).then(
          () => undefined,
          (rejection: unknown) =>
            rejection as { name: string; $metadata: { requestId?: string; httpStatusCode?: number } },
        )
        expect(error?.name).toBe('UnknownOperationException')
        expect(error?.$metadata.requestId).toMatch(UUID)
        expect(error?.$metadata.httpStatusCode).toBe(400)
      } finally {
        client.destroy()
      }
    })

    it('carries blobs and timestamps both ways, over HTTP/2 and HTTP/1.1', async () => {
      for (const client of [
        kinesisClient(t.url),
        kinesisClient(t.url, { requestHandler: new NodeHttpHandler() }),
      ]) {
        try {
          const data = Buffer.alloc(1024 * 1024, 'k')
          await client.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'pk', Data: data }))
          const put = t.fake.calls.at(-1)
          expect(put?.operation).toBe('PutRecord')
          expect(Buffer.compare(put?.input.Data as Uint8Array, data)).toBe(0)

          const output = await client.send(new GetRecordsCommand({ ShardIterator: 'it', Limit: 10 }))
          const received = output.Records?.[0]
          expect(received?.Data && Buffer.from(received.Data).toString()).toBe('hello')
          expect(received?.ApproximateArrivalTimestamp).toEqual(new Date(1700000000123))
          expect(output.NextShardIterator).toBe('next')
        } finally {
          client.destroy()
        }
      }
    })

    it('answers a GetRecords page of several MiB, sent in chunks, over HTTP/2 and HTTP/1.1', async () => {
      for (const client of [
        kinesisClient(t.url),
        kinesisClient(t.url, { requestHandler: new NodeHttpHandler() }),
      ]) {
        try {
          const output = await client.send(
            new GetRecordsCommand({ ShardIterator: 'it', Limit: LARGE_PAGE_LIMIT }),
          )
          const expected = largePage().Records
          expect(output.Records).toHaveLength(expected.length)
          output.Records?.forEach((received, index) => {
            expect(Buffer.from(received.Data ?? []).equals(expected[index]?.Data ?? Buffer.alloc(0))).toBe(
              true,
            )
          })
        } finally {
          client.destroy()
        }
      }
    })

    it('accepts a 10 MiB record (about 14 MB of JSON) over HTTP/2', async () => {
      const client = kinesisClient(t.url)
      try {
        const data = Buffer.alloc(10 * 1024 * 1024, 7)
        await client.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'pk', Data: data }))
        expect((t.fake.calls.at(-1)?.input.Data as Uint8Array).length).toBe(data.length)
      } finally {
        client.destroy()
      }
    })

    it('surfaces service errors with their type and message', async () => {
      const client = kinesisClient(t.url)
      try {
        const error = (await client
          .send(new DeleteStreamCommand({ StreamName: 'missing' }))
          .catch((e: unknown) => e)) as {
          name: string
          message: string
          $fault: string
        }
        expect(error.name).toBe('ResourceNotFoundException')
        expect(error.message).toBe('Stream missing under account 000000000000 not found.')
        expect(error.$fault).toBe('client')
      } finally {
        client.destroy()
      }
    })

    it('turns an unexpected failure into InternalFailure without details', async () => {
      const client = kinesisClient(t.url)
      try {
        const error = (await client.send(new ListShardsCommand({})).catch((e: unknown) => e)) as {
          name: string
          message: string
          $metadata: { httpStatusCode: number; requestId: string }
        }
        expect(error.name).toBe('InternalFailure')
        expect(error.$metadata.httpStatusCode).toBe(500)
        expect(error.message).not.toContain('internal details')
        const logged = t.logs().find((entry) => entry.msg === 'operation failed')
        expect(logged).toMatchObject({
          requestId: error.$metadata.requestId,
          error: 'an unexpected failure with internal details',
        })
      } finally {
        client.destroy()
      }
    })
  })

  describe('raw AWS JSON requests', () => {
    const jsonHeaders = (target: string): Record<string, string> => ({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
    })

    it('answers malformed JSON with SerializationException', async () => {
      const response = await http1Request(t.url, {
        headers: jsonHeaders('Kinesis_20131202.DescribeLimits'),
        body: '{',
      })
      expect(response.status).toBe(400)
      expect(jsonOf(response)).toEqual({ __type: 'SerializationException' })
      expect(response.headers['x-amzn-errortype']).toBe(
        'SerializationException:http://internal.amazon.com/coral/com.amazon.coral.service/',
      )
      expect(response.headers['content-type']).toBe('application/x-amz-json-1.1')
      expect(response.headers['x-amzn-requestid']).toMatch(UUID)
    })

    it('answers members of the wrong type with SerializationException and its message', async () => {
      const response = await http1Request(t.url, {
        headers: jsonHeaders('Kinesis_20131202.PutRecord'),
        body: '{"StreamName":"s","PartitionKey":"pk","Data":"not base64!!"}',
      })
      expect(response.status).toBe(400)
      // AWS names this member `Message`, unlike other errors' `message`.
      expect(jsonOf(response)).toEqual({
        __type: 'SerializationException',
        Message: "'not base64!!' can not be converted to a Blob: Invalid Base64 character: ' '",
      })
    })

    it('keeps `message` for the other errors', async () => {
      const response = await http1Request(t.url, {
        headers: jsonHeaders('Kinesis_20131202.DeleteStream'),
        body: '{"StreamName":"missing"}',
      })
      expect(jsonOf(response)).toEqual({
        __type: 'ResourceNotFoundException',
        message: 'Stream missing under account 000000000000 not found.',
      })
    })

    it('refuses a fraction for an integer member, as AWS does, without calling the operation', async () => {
      const calls = t.fake.calls.length
      for (const body of ['{"ShardIterator":"it","Limit":1.5}', '{"Limit":2.5,"ShardIterator":"it"}']) {
        const response = await http1Request(t.url, {
          headers: jsonHeaders('Kinesis_20131202.GetRecords'),
          body,
        })
        expect(response.status).toBe(400)
        expect(jsonOf(response)).toEqual({
          __type: 'SerializationException',
          Message:
            'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Integer',
        })
      }
      expect(t.fake.calls.length).toBe(calls)
    })

    it.each([
      ['an unknown operation', 'Kinesis_20131202.NoSuchOperation'],
      ['an unknown service', 'DynamoDB_20120810.ListTables'],
      ['a target without an operation', 'Kinesis_20131202'],
    ])('answers %s with UnknownOperationException', async (_case, target) => {
      const response = await http1Request(t.url, { headers: jsonHeaders(target), body: '{}' })
      expect(response.status).toBe(400)
      expect(jsonOf(response)).toEqual({ __type: 'UnknownOperationException' })
      expect(response.headers['x-amzn-requestid']).toMatch(UUID)
    })

    it('answers a missing X-Amz-Target with UnknownOperationException', async () => {
      const response = await http1Request(t.url, {
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: '{}',
      })
      expect(response.status).toBe(400)
      expect(jsonOf(response)).toEqual({ __type: 'UnknownOperationException' })
    })

    it('answers an empty body without a known target with UnknownOperationException, not SerializationException', async () => {
      for (const headers of [
        { 'content-type': 'application/x-amz-json-1.1' },
        jsonHeaders('Kinesis_20131202.Nope'),
      ]) {
        const response = await http1Request(t.url, { headers })
        expect(response.status).toBe(400)
        expect(response.headers['content-type']).toBe('application/x-amz-json-1.1')
        expect(jsonOf(response)).toEqual({ __type: 'UnknownOperationException' })
      }
      // With an operation that exists, the empty body is what is wrong.
      const known = await http1Request(t.url, { headers: jsonHeaders('Kinesis_20131202.DescribeLimits') })
      expect(known.status).toBe(400)
      expect(jsonOf(known)).toEqual({ __type: 'SerializationException' })
    })

    it('answers a POST with neither content type nor body in AWS CBOR, as AWS does', async () => {
      const bare = await http1Request(t.url, {})
      expect(bare.status).toBe(400)
      expect(bare.headers['content-type']).toBe('application/x-amz-cbor-1.1')
      expect(bare.headers['x-amzn-errortype']).toMatch(/^UnknownOperationException:/)
      expect(decodeReferenceCbor(bare.body)).toEqual({ __type: 'UnknownOperationException' })

      const known = await http1Request(t.url, {
        headers: { 'x-amz-target': 'Kinesis_20131202.DescribeLimits' },
      })
      expect(known.status).toBe(400)
      expect(decodeReferenceCbor(known.body)).toEqual({ __type: 'SerializationException' })
    })

    it('treats application/json as JSON 1.1', async () => {
      const response = await http1Request(t.url, {
        headers: { 'content-type': 'application/json', 'x-amz-target': 'Kinesis_20131202.DescribeLimits' },
        body: '{}',
      })
      expect(response.status).toBe(200)
      expect(response.headers['content-type']).toBe('application/json')
      expect(jsonOf(response)).toMatchObject({ ShardLimit: 500 })
    })

    it('answers an unsupported content type as AWS does: 404 with a target, 403 without', async () => {
      const withTarget = await http1Request(t.url, {
        headers: { 'content-type': 'text/plain', 'x-amz-target': 'Kinesis_20131202.DescribeLimits' },
        body: '{}',
      })
      expect(withTarget.status).toBe(404)
      expect(withTarget.body.toString()).toBe('<UnknownOperationException/>\n')
      expect(withTarget.headers['x-amzn-requestid']).toMatch(UUID)

      for (const target of [undefined, 'Kinesis_20131202', 'Kinesis_20131202.']) {
        const withoutTarget = await http1Request(t.url, {
          body: '{}',
          headers: {
            'content-type': 'text/plain',
            ...(target === undefined ? {} : { 'x-amz-target': target }),
          },
        })
        expect(withoutTarget.status).toBe(403)
        expect(withoutTarget.body.toString()).toContain('<AccessDeniedException>')
      }
    })

    it('reuses HTTP/1.1 connections (keep-alive)', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      const post = (): Promise<boolean> =>
        new Promise((resolve, reject) => {
          const request = http.request(
            `${t.url}/`,
            { method: 'POST', agent, headers: jsonHeaders('Kinesis_20131202.DescribeLimits') },
            (response) => {
              response.resume()
              response.on('end', () => {
                resolve(request.reusedSocket)
              })
            },
          )
          request.on('error', reject)
          request.end('{}')
        })
      try {
        expect(await post()).toBe(false)
        expect(await post()).toBe(true)
      } finally {
        agent.destroy()
      }
    })
  })

  describe('raw AWS CBOR requests', () => {
    const cborHeaders = (target: string): http2.OutgoingHttpHeaders => ({
      ':method': 'POST',
      ':path': '/',
      'content-type': 'application/x-amz-cbor-1.1',
      'x-amz-target': target,
    })

    it('answers in CBOR with byte strings and tag 1 epoch milliseconds', async () => {
      const response = await http2Request(
        t.url,
        cborHeaders('Kinesis_20131202.GetRecords'),
        encodeCbor({ ShardIterator: 'it', Limit: 5 }),
      )
      expect(response.status).toBe(200)
      expect(response.headers['content-type']).toBe('application/x-amz-cbor-1.1')
      expect(response.body.toString('hex')).toContain('c11b0000018bcfe5687b')
      const output = decodeReferenceCbor<{ Records: { Data: Uint8Array }[] }>(response.body)
      expect(Buffer.from(output.Records[0]?.Data ?? []).toString()).toBe('hello')
      expect(t.fake.calls.at(-1)?.input).toEqual({ ShardIterator: 'it', Limit: 5 })
    })

    it('refuses a float for an integer member', async () => {
      const response = await http2Request(
        t.url,
        cborHeaders('Kinesis_20131202.GetRecords'),
        encodeCbor({ ShardIterator: 'it', Limit: 2.5 }),
      )
      expect(response.status).toBe(400)
      expect(decodeReferenceCbor(response.body)).toEqual({
        __type: 'SerializationException',
        Message:
          'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Integer',
      })
    })

    it('answers errors in CBOR', async () => {
      const response = await http2Request(t.url, cborHeaders('Kinesis_20131202.Nope'), encodeCbor({}))
      expect(response.status).toBe(400)
      expect(response.headers['x-amzn-errortype']).toMatch(/^UnknownOperationException:/)
      expect(response.headers['x-amzn-requestid']).toMatch(UUID)
      expect(decodeReferenceCbor(response.body)).toEqual({ __type: 'UnknownOperationException' })

      const malformed = await http2Request(
        t.url,
        cborHeaders('Kinesis_20131202.GetRecords'),
        Buffer.from('bf', 'hex'),
      )
      expect(malformed.status).toBe(400)
      expect(decodeReferenceCbor(malformed.body)).toEqual({ __type: 'SerializationException' })
    })
  })

  describe('CORS, for the AWS SDK in browsers', () => {
    it('answers a preflight as AWS does, over HTTP/1.1 and HTTP/2', async () => {
      const request = {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target,x-amz-date,authorization',
      }
      const overHttp1 = await http1Request(t.url, { method: 'OPTIONS', headers: request })
      const overHttp2 = await http2Request(t.url, { ':method': 'OPTIONS', ':path': '/', ...request })
      for (const response of [overHttp1, overHttp2]) {
        expect(response.status).toBe(200)
        expect(response.headers['access-control-allow-origin']).toBe('*')
        expect(response.headers['access-control-allow-methods']).toBe('POST')
        expect(response.headers['access-control-allow-headers']).toBe(
          'content-type,x-amz-target,x-amz-date,authorization',
        )
        expect(response.headers['access-control-max-age']).toBe('172800')
        expect(response.headers['x-amzn-requestid']).toMatch(UUID)
        expect(response.headers['x-amz-id-2']).toBeUndefined()
        expect(response.body.length).toBe(0)
      }
    })

    it('answers an OPTIONS without Origin as any other non-AWS request', async () => {
      const response = await http1Request(t.url, { method: 'OPTIONS' })
      expect(response.status).toBe(403)
      expect(response.headers['access-control-allow-origin']).toBeUndefined()
    })

    it('lets a page read the answer and its request id: allowed origin and exposed headers', async () => {
      const headers = {
        origin: 'https://app.example',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.DescribeLimits',
      }
      const ok = await http1Request(t.url, { headers, body: '{}' })
      const failed = await http1Request(t.url, {
        headers: { ...headers, 'x-amz-target': 'Kinesis_20131202.Nope' },
        body: '{}',
      })
      for (const response of [ok, failed]) {
        expect(response.headers['access-control-allow-origin']).toBe('*')
        const exposed = String(response.headers['access-control-expose-headers']).split(',')
        expect(exposed).toEqual(
          expect.arrayContaining(['x-amzn-RequestId', 'x-amzn-ErrorType', 'x-amz-id-2']),
        )
      }
      expect(ok.status).toBe(200)
      expect(failed.status).toBe(400)
      const { origin: _origin, ...withoutOrigin } = headers
      const plain = await http1Request(t.url, { headers: withoutOrigin, body: '{}' })
      expect(plain.headers['access-control-allow-origin']).toBeUndefined()
    })
  })

  describe('operational routes', () => {
    afterEach(() => {
      t.setHealth({ ok: true, checks: { kafka: 'ok' } })
    })

    it('answers GET /health over HTTP/1.1', async () => {
      const response = await http1Request(`${t.url}/health`, { method: 'GET' })
      expect(response.status).toBe(200)
      expect(jsonOf(response)).toEqual({ ok: true, checks: { kafka: 'ok' } })
      expect(response.headers['x-amzn-requestid']).toMatch(UUID)
      expect(response.headers['x-powered-by']).toBeUndefined()
    })

    it('answers GET /health over HTTP/2', async () => {
      const response = await http2Request(t.url, { ':method': 'GET', ':path': '/health' })
      expect(response.status).toBe(200)
      expect(jsonOf(response)).toEqual({ ok: true, checks: { kafka: 'ok' } })
      expect(response.headers['x-amzn-requestid']).toMatch(UUID)
    })

    it('answers 503 when unhealthy, on both protocols', async () => {
      t.setHealth({ ok: false, checks: { kafka: 'unreachable' } })
      const overHttp1 = await http1Request(`${t.url}/health`, { method: 'GET' })
      const overHttp2 = await http2Request(t.url, { ':method': 'GET', ':path': '/health' })
      for (const response of [overHttp1, overHttp2]) {
        expect(response.status).toBe(503)
        expect(jsonOf(response)).toEqual({ ok: false, checks: { kafka: 'unreachable' } })
      }
    })

    it('answers HEAD /health without a body over HTTP/2', async () => {
      const response = await http2Request(t.url, { ':method': 'HEAD', ':path': '/health' })
      expect(response.status).toBe(200)
      expect(response.body.length).toBe(0)
    })

    it('answers other non-AWS requests as AWS does, with a request id', async () => {
      const overHttp1 = await http1Request(`${t.url}/nothing-here`, { method: 'GET' })
      const overHttp2 = await http2Request(t.url, { ':method': 'GET', ':path': '/nothing-here' })
      for (const response of [overHttp1, overHttp2]) {
        expect(response.status).toBe(403)
        expect(response.body.toString()).toContain(
          'Unable to determine service/operation name to be authorized',
        )
        expect(response.headers['x-amzn-requestid']).toMatch(UUID)
      }
    })
  })
})

describe('operational routes given to the gateway', () => {
  it('a route serving sub-paths gets the path and query, on both protocols; other routes match exactly', async () => {
    const seen: { path: string; query: string }[] = []
    const t = await startGateway({
      routes: [
        {
          path: '/things',
          subpaths: true,
          handle: ({ path, query }) => {
            seen.push({ path, query: query.toString() })
            return Promise.resolve({ status: 200, body: { path, name: query.get('name') } })
          },
        },
        { path: '/exact', handle: () => Promise.resolve({ status: 200, body: {} }) },
      ],
    })
    try {
      const overHttp1 = await http1Request(`${t.url}/things/a%20b?name=x`, { method: 'GET' })
      const overHttp2 = await http2Request(t.url, { ':method': 'GET', ':path': '/things/a%20b?name=x' })
      for (const response of [overHttp1, overHttp2]) {
        expect(response.status).toBe(200)
        expect(jsonOf(response)).toEqual({ path: '/things/a%20b', name: 'x' })
      }
      expect((await http1Request(`${t.url}/things`, { method: 'GET' })).status).toBe(200)
      for (const path of ['/thingsmore', '/exact/below', '/Exact']) {
        expect((await http1Request(`${t.url}${path}`, { method: 'GET' })).status).toBe(403)
        expect((await http2Request(t.url, { ':method': 'GET', ':path': path })).status).toBe(403)
      }
      expect((await http2Request(t.url, { ':method': 'GET', ':path': '/exact' })).status).toBe(200)
      expect(seen).toHaveLength(3)
    } finally {
      await t.gateway.close()
    }
  })
})

describe('gateway limits and lifecycle', () => {
  it('answers 413 to a body over the limit', async () => {
    const t = await startGateway({ maxRequestBytes: 1024 })
    try {
      const headers = {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecord',
      }
      const overHttp1 = await http1Request(t.url, { headers, body: Buffer.alloc(4096, 32) })
      expect(overHttp1.status).toBe(413)
      const overHttp2 = await http2Request(
        t.url,
        { ':method': 'POST', ':path': '/', ...headers },
        Buffer.alloc(4096, 32),
      )
      expect(overHttp2.status).toBe(413)
      expect(overHttp2.headers['x-amzn-requestid']).toMatch(UUID)
    } finally {
      await t.gateway.close()
    }
  })

  it('survives clients that vanish in the middle of a request body', async () => {
    const t = await startGateway()
    try {
      const headers = {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecord',
      }
      const session = http2.connect(t.url)
      const stream = session.request({ ':method': 'POST', ':path': '/', ...headers })
      stream.on('error', () => undefined)
      session.on('error', () => undefined)
      // A complete document followed by whitespace: only the missing end of the body tells that it is cut short.
      const document = '{"StreamName":"s","PartitionKey":"pk","Data":"AAAA"}'
      stream.write(Buffer.concat([Buffer.from(document), Buffer.alloc(64 * 1024, 32)]))
      await new Promise((resolve) => setTimeout(resolve, 20))
      session.destroy()

      await new Promise<void>((resolve) => {
        const request = http.request(t.url, {
          method: 'POST',
          headers: { ...headers, 'content-length': '100000' },
        })
        request.on('error', () => {
          resolve()
        })
        request.write(Buffer.concat([Buffer.from(document), Buffer.alloc(1000, 32)]), () => {
          setTimeout(() => {
            request.destroy()
            resolve()
          }, 20)
        })
      })
      await new Promise((resolve) => setTimeout(resolve, 50))

      // And one that goes away while its operation runs: the late answer goes nowhere, harmlessly.
      const waiting = http2.connect(t.url)
      waiting.on('error', () => undefined)
      const slow = waiting.request({
        ':method': 'POST',
        ':path': '/',
        ...headers,
        'x-amz-target': 'Kinesis_20131202.DescribeStreamSummary',
      })
      slow.on('error', () => undefined)
      slow.end('{}')
      await new Promise((resolve) => setTimeout(resolve, 50))
      waiting.destroy()
      await new Promise((resolve) => setTimeout(resolve, 20))
      t.fake.releaseSlowCall()
      await new Promise((resolve) => setTimeout(resolve, 20))

      const response = await http2Request(t.url, { ':method': 'GET', ':path': '/health' })
      expect(response.status).toBe(200)
      expect(t.fake.calls).toEqual([])
      const aborted = t.logs().filter((entry) => entry.aborted === true)
      expect(aborted.map((entry) => entry.httpVersion).sort()).toEqual(['1.1', '2.0', '2.0'])
      expect(aborted.every((entry) => entry.status === undefined)).toBe(true)
    } finally {
      await t.gateway.close()
    }
  })

  it('closes idle connections at once and lets a request in flight finish', async () => {
    const t = await startGateway({ closeGraceMs: 30_000 })
    const idleHttp2 = kinesisClient(t.url)
    const idleHttp1 = kinesisClient(t.url, {
      requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
    })
    const busy = kinesisClient(t.url)
    try {
      await idleHttp2.send(new DescribeLimitsCommand({}))
      await idleHttp1.send(new DescribeLimitsCommand({}))
      const slowCall = busy.send(new DescribeStreamSummaryCommand({ StreamName: 's' }))
      await new Promise((resolve) => setTimeout(resolve, 50))

      const started = performance.now()
      const closed = t.gateway.close()
      await new Promise((resolve) => setTimeout(resolve, 50))
      t.fake.releaseSlowCall()
      const output = await slowCall
      expect(output.$metadata.httpStatusCode).toBe(200)
      await closed
      expect(performance.now() - started).toBeLessThan(5_000)
    } finally {
      idleHttp2.destroy()
      idleHttp1.destroy()
      busy.destroy()
    }
  })
})
