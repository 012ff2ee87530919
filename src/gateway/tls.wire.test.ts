import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http2 from 'node:http2'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewaySettings } from './settings.ts'
import { defineService, EMPTY_INPUT, eventStream, type StreamEvent } from '../aws/index.ts'
import { createLogger } from './logger.ts'
import { createGatewayServer, type GatewayServer } from './server.ts'
import { decodeEventStream } from '../../test/support/event-stream-frames.ts'
import { makeSelfSignedCertificate } from '../../test/support/self-signed-certificate.ts'

/** SubscribeToShard's event stream: Kinesis names internal failures InternalFailureException. */
const kinesisEventStream = (initial: object, events: AsyncIterable<StreamEvent>) =>
  eventStream(initial, events, { internalFailureException: 'InternalFailureException' })
// eslint-disable-next-line @typescript-eslint/require-await -- an async generator, as streaming operations write them
async function* twoEvents(): AsyncGenerator<StreamEvent> {
  for (const sequence of ['1', '2']) {
    yield {
      type: 'event',
      eventType: 'SubscribeToShardEvent',
      payload: { Records: [], ContinuationSequenceNumber: sequence, MillisBehindLatest: 0 },
    }
  }
}

/** A test fake of Kinesis's SubscribeToShard streaming two events. */
const fakeKinesis = defineService({
  name: 'Kinesis_20131202',
  signingName: 'kinesis',
  protocols: ['aws-json-1.1', 'aws-cbor-1.1'],
  operations: [
    {
      name: 'SubscribeToShard',
      input: EMPTY_INPUT,
      handle: () => Promise.resolve(kinesisEventStream({}, twoEvents())),
    },
  ],
})

const directory = mkdtempSync(join(tmpdir(), 'gateway-tls-'))
const certificate = makeSelfSignedCertificate(directory)
if (certificate === undefined)
  console.warn('Skipping the TLS listener tests: the openssl tool is not available')

describe.skipIf(certificate === undefined)('TLS listener', () => {
  let gateway: GatewayServer
  let tlsPort: number
  let ca: Buffer
  const keepAliveAgent = new https.Agent({ keepAlive: true })

  beforeAll(async () => {
    if (certificate === undefined) return
    ca = readFileSync(certificate.certFile)
    const settings: GatewaySettings = {
      port: 0,
      host: '127.0.0.1',
      tls: { port: 0, ...certificate },
      defaultAccountId: '000000000000',
      defaultRegion: 'us-east-1',
    }
    gateway = createGatewayServer({
      settings,
      services: [fakeKinesis],
      healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
      logger: createLogger('silent'),
    })
    const ports = await gateway.listen()
    expect(ports.tlsPort).toBeGreaterThan(0)
    tlsPort = ports.tlsPort ?? 0
  })

  afterAll(async () => {
    // The keep-alive connection of the HTTP/1.1 test is idle: closing must not wait for the grace period.
    const started = performance.now()
    await gateway.close()
    expect(performance.now() - started).toBeLessThan(3_000)
    keepAliveAgent.destroy()
    rmSync(directory, { recursive: true, force: true })
  })

  it('negotiates HTTP/2 by ALPN', async () => {
    const session = http2.connect(`https://127.0.0.1:${tlsPort}`, { ca })
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request({ ':method': 'GET', ':path': '/health' })
        let status = 0
        let body = ''
        stream.on('response', (headers) => (status = Number(headers[':status'])))
        stream.on('data', (chunk: Buffer) => (body += chunk.toString()))
        stream.on('end', () => {
          resolve({ status, body })
        })
        stream.on('error', reject)
      })
      expect(status).toBe(200)
      expect(JSON.parse(body)).toEqual({ ok: true, checks: {} })
      expect(session.alpnProtocol).toBe('h2')
    } finally {
      session.close()
    }
  })

  it('serves HTTP/1.1 clients that do not offer h2', async () => {
    const { status, httpVersion, requestId } = await new Promise<{
      status: number
      httpVersion: string
      requestId: unknown
    }>((resolve, reject) => {
      const request = https.get(
        `https://127.0.0.1:${tlsPort}/health`,
        { ca, agent: keepAliveAgent },
        (response) => {
          response.resume()
          resolve({
            status: response.statusCode ?? 0,
            httpVersion: response.httpVersion,
            requestId: response.headers['x-amzn-requestid'],
          })
        },
      )
      request.on('error', reject)
    })
    expect(status).toBe(200)
    expect(httpVersion).toBe('1.1')
    expect(typeof requestId).toBe('string')
  })

  it('streams an event stream over HTTP/2', async () => {
    const session = http2.connect(`https://127.0.0.1:${tlsPort}`, { ca })
    try {
      const { status, body } = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
        })
        let status = 0
        const chunks: Buffer[] = []
        stream.on('response', (headers) => (status = Number(headers[':status'])))
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          resolve({ status, body: Buffer.concat(chunks) })
        })
        stream.on('error', reject)
        stream.end('{}')
      })
      expect(status).toBe(200)
      const messages = decodeEventStream(body)
      expect(messages.map((message) => message.headers[':event-type'])).toEqual([
        'initial-response',
        'SubscribeToShardEvent',
        'SubscribeToShardEvent',
      ])
      expect(JSON.parse(messages[2]?.payload.toString() ?? '')).toEqual({
        Records: [],
        ContinuationSequenceNumber: '2',
        MillisBehindLatest: 0,
      })
    } finally {
      session.close()
    }
  })
})
