import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { loadConfig } from '../../src/config.ts'
import { createLogger } from '../../src/gateway/index.ts'
import { startGateway, type RunningGateway } from '../../src/main.ts'
import { testAccountId } from './fixture/gateway.ts'
import { ensureJavaClient, runPassing, type JavaClient, type JavaScenario } from './fixture/java-client.ts'
import { makeSelfSignedCertificate } from '../support/self-signed-certificate.ts'

interface RequestLogLine {
  httpVersion: string
  target: string | undefined
  status: number | undefined
}

/** Every Kinesis operation a scenario of test/java calls (the waiters poll with DescribeStream). */
const PUT_GET_OPERATIONS = [
  'CreateStream',
  'DeleteStream',
  'DescribeStream',
  'DescribeStreamSummary',
  'GetRecords',
  'GetShardIterator',
  'ListShards',
  'PutRecord',
  'PutRecords',
].map((operation) => `Kinesis_20131202.${operation}`)

/** Every Kinesis operation the fan-out scenario calls. */
const FAN_OUT_OPERATIONS = [
  'CreateStream',
  'DeleteStream',
  'DeregisterStreamConsumer',
  'DescribeStream',
  'DescribeStreamConsumer',
  'DescribeStreamSummary',
  'PutRecords',
  'RegisterStreamConsumer',
  'SubscribeToShard',
].map((operation) => `Kinesis_20131202.${operation}`)

const certificateDir = mkdtempSync(join(tmpdir(), 'java-sdk-tls-'))
const certificate = makeSelfSignedCertificate(certificateDir)
if (certificate === undefined) console.warn('Skipping the Java SDK tests over TLS: openssl is not available')

describe('the AWS SDK for Java v2 (CBOR 1.1 and JSON 1.1, HTTP/1.1 and HTTP/2)', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  const requestLog: RequestLogLine[] = []
  let java: JavaClient
  let gateway: RunningGateway
  let plaintextEndpoint: string
  let tlsEndpoint: string

  beforeAll(async () => {
    java = await ensureJavaClient((line) => {
      process.stdout.write(`[integration] ${line}\n`)
    })
    const config = {
      ...loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        STREAM_CREATING_DELAY_MS: '200',
        STREAM_UPDATING_DELAY_MS: '200',
        STREAM_DELETING_DELAY_MS: '200',
        ...(certificate === undefined
          ? {}
          : { TLS_PORT: '0', TLS_CERT_FILE: certificate.certFile, TLS_KEY_FILE: certificate.keyFile }),
      }),
      kafkaBrokers: stack.kafkaBrokers,
      redisUrl: stack.redisUrl,
      s3: stack.s3,
    }
    // The request log tells which HTTP version each request of the Java client really used.
    const logger = createLogger('info', (line) => {
      const entry = JSON.parse(line) as { msg: string } & RequestLogLine
      if (entry.msg === 'request') requestLog.push(entry)
    })
    gateway = await startGateway(config, logger)
    plaintextEndpoint = `http://127.0.0.1:${gateway.ports.port}`
    tlsEndpoint = `https://127.0.0.1:${gateway.ports.tlsPort ?? 0}`
  }, 600_000)

  afterAll(async () => {
    await gateway.stop()
    rmSync(certificateDir, { recursive: true, force: true })
  })

  /** Runs a scenario of test/java and returns the gateway's log lines of the requests it made. */
  async function passes(
    endpoint: string,
    scenario: JavaScenario,
    jvmOptions: string[] = [],
  ): Promise<RequestLogLine[]> {
    requestLog.length = 0
    await runPassing(java, endpoint, scenario, accountId, jvmOptions)
    const operations = scenario === 'fan-out' ? FAN_OUT_OPERATIONS : PUT_GET_OPERATIONS
    expect([...new Set(requestLog.map((line) => line.target ?? ''))].sort()).toEqual(operations)
    return [...requestLog]
  }

  function httpVersions(requests: RequestLogLine[]): string[] {
    return [...new Set(requests.map((request) => request.httpVersion))]
  }

  /** The HTTP versions of the scenario's two subscriptions, from TRIM_HORIZON and after the continuation. */
  function subscriptionHttpVersions(requests: RequestLogLine[]): string[] {
    return requests
      .filter((request) => request.target === 'Kinesis_20131202.SubscribeToShard')
      .map((request) => request.httpVersion)
  }

  it('KinesisClient on the Apache HTTP client speaks CBOR 1.1 over HTTP/1.1', async () => {
    const requests = await passes(plaintextEndpoint, 'sync')
    expect(httpVersions(requests)).toEqual(['1.1'])
  })

  it('KinesisClient speaks JSON 1.1 when started with -Daws.cborEnabled=false', async () => {
    const requests = await passes(plaintextEndpoint, 'sync', ['-Daws.cborEnabled=false'])
    expect(httpVersions(requests)).toEqual(['1.1'])
  })

  it('KinesisAsyncClient on Netty speaks HTTP/2 with prior knowledge (h2c) on the plaintext port', async () => {
    const requests = await passes(plaintextEndpoint, 'async-http2')
    expect(httpVersions(requests)).toEqual(['2.0'])
  })

  it('KinesisAsyncClient on Netty speaks JSON 1.1 over h2c when CBOR is disabled', async () => {
    const requests = await passes(plaintextEndpoint, 'async-http2', ['-Daws.cborEnabled=false'])
    expect(httpVersions(requests)).toEqual(['2.0'])
  })

  it.skipIf(certificate === undefined)(
    'KinesisAsyncClient on Netty speaks HTTP/2 on the TLS port when it negotiates h2 by ALPN',
    async () => {
      const requests = await passes(tlsEndpoint, 'async-http2-alpn')
      expect(httpVersions(requests)).toEqual(['2.0'])
    },
  )

  // The Netty client's default protocol negotiation (ProtocolNegotiation.ASSUME_PROTOCOL, what KinesisAsyncClient
  // uses unless told otherwise) offers no ALPN in the TLS handshake and sends the HTTP/2 preface right after it.
  it.skipIf(certificate === undefined)(
    'KinesisAsyncClient on Netty speaks HTTP/2 on the TLS port with the default protocol negotiation (no ALPN)',
    async () => {
      const requests = await passes(tlsEndpoint, 'async-http2')
      expect(httpVersions(requests)).toEqual(['2.0'])
    },
  )

  it('KinesisAsyncClient reads with enhanced fan-out (SubscribeToShard) over h2c on the plaintext port', async () => {
    const requests = await passes(plaintextEndpoint, 'fan-out')
    expect(subscriptionHttpVersions(requests)).toEqual(['2.0', '2.0'])
    expect(httpVersions(requests)).toEqual(['2.0'])
  })

  it('KinesisAsyncClient reads with enhanced fan-out over h2c when CBOR is disabled', async () => {
    const requests = await passes(plaintextEndpoint, 'fan-out', ['-Daws.cborEnabled=false'])
    expect(subscriptionHttpVersions(requests)).toEqual(['2.0', '2.0'])
    expect(httpVersions(requests)).toEqual(['2.0'])
  })

  it.skipIf(certificate === undefined)(
    'KinesisAsyncClient reads with enhanced fan-out on the TLS port with the default protocol negotiation',
    async () => {
      const requests = await passes(tlsEndpoint, 'fan-out')
      expect(subscriptionHttpVersions(requests)).toEqual(['2.0', '2.0'])
      expect(httpVersions(requests)).toEqual(['2.0'])
    },
  )
})
