import type { ClientHttp2Session } from 'node:http2'

import { jsonOutput } from './common.ts'
import { connectHttp2 } from './kinesis-http2.ts'

/**
 * A lean Firehose client for load generation, as KinesisHttp2 is for Kinesis: pre-encoded AWS JSON 1.1 bodies
 * (`Firehose_20150804.<operation>`) over one HTTP/2 session.
 */
export class FirehoseHttp2 {
  private readonly session: ClientHttp2Session

  constructor(
    endpoint: string,
    private readonly accountId = '123456789012',
  ) {
    this.session = connectHttp2(endpoint)
  }

  call(operation: string, body: Buffer | string): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const request = this.session.request({
        ':method': 'POST',
        ':path': '/',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `Firehose_20150804.${operation}`,
        authorization: `AWS4-HMAC-SHA256 Credential=${this.accountId}/20260101/us-east-1/firehose/aws4_request, SignedHeaders=host, Signature=0`,
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
