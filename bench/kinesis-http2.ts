import { connect, type ClientHttp2Session } from 'node:http2'

import { jsonOutput } from './common.ts'

const STREAM_WINDOW = 1024 * 1024
const CONNECTION_WINDOW = 16 * 1024 * 1024

/**
 * An HTTP/2 session with windows as large as the Java SDK's Netty client opens them (1 MiB per stream): with
 * HTTP/2's default of 64 KiB, a 13 MiB GetRecords response, or a subscription's events, would wait for
 * hundreds of WINDOW_UPDATE round trips.
 */
export function connectHttp2(endpoint: string): ClientHttp2Session {
  const session = connect(endpoint, { settings: { initialWindowSize: STREAM_WINDOW } })
  session.once('connect', () => {
    session.setLocalWindowSize(CONNECTION_WINDOW)
  })
  return session
}

/** An AWS JSON 1.1 service as the lean clients address it: its target prefix and its signing name. */
interface JsonService {
  readonly targetPrefix: string
  readonly signingName: string
}

/**
 * A lean AWS JSON 1.1 client for load generation: pre-encoded bodies over one HTTP/2 session, so that the
 * measurement is the gateway's work, not a client SDK's.
 */
class AwsJsonHttp2 {
  private readonly session: ClientHttp2Session
  private readonly authorization: string

  constructor(
    endpoint: string,
    private readonly service: JsonService,
    accountId: string,
  ) {
    this.session = connectHttp2(endpoint)
    this.authorization = `AWS4-HMAC-SHA256 Credential=${accountId}/20260101/us-east-1/${service.signingName}/aws4_request, SignedHeaders=host, Signature=0`
  }

  call(operation: string, body: Buffer | string): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const request = this.session.request({
        ':method': 'POST',
        ':path': '/',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${this.service.targetPrefix}.${operation}`,
        authorization: this.authorization,
      })
      const chunks: Buffer[] = []
      let status = 0
      request.on('response', (headers) => {
        status = Number(headers[':status'])
      })
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        resolve({ status, body: Buffer.concat(chunks) })
      })
      request.on('error', reject)
      request.end(body)
    })
  }

  async json<T>(operation: string, input: object): Promise<T> {
    return jsonOutput(operation, await this.call(operation, JSON.stringify(input))) as T
  }

  close(): void {
    this.session.close()
  }
}

/** Kinesis Data Streams (`Kinesis_20131202.<operation>`). */
export class KinesisHttp2 extends AwsJsonHttp2 {
  constructor(endpoint: string, accountId = '123456789012') {
    super(endpoint, { targetPrefix: 'Kinesis_20131202', signingName: 'kinesis' }, accountId)
  }
}

/** Firehose (`Firehose_20150804.<operation>`). */
export class FirehoseHttp2 extends AwsJsonHttp2 {
  constructor(endpoint: string, accountId = '123456789012') {
    super(endpoint, { targetPrefix: 'Firehose_20150804', signingName: 'firehose' }, accountId)
  }
}
