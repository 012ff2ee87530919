import { Agent, request, type ClientRequest } from 'node:http'

import { jsonOutput } from './common.ts'

/**
 * The HTTP/1.1 counterpart of KinesisHttp2, for servers without HTTP/2: pre-encoded AWS JSON 1.1 bodies over
 * keep-alive connections, at most `connections` of them at once.
 */
export class KinesisHttp1 {
  private readonly agent: Agent
  private readonly url: URL
  private readonly authorization: string
  private readonly unfinished = new Set<ClientRequest>()

  constructor(endpoint: string, accountId = '123456789012', connections = 1) {
    this.url = new URL(endpoint)
    this.agent = new Agent({ keepAlive: true, maxSockets: connections })
    this.authorization = `AWS4-HMAC-SHA256 Credential=${accountId}/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0`
  }

  call(operation: string, body: Buffer | string): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method: 'POST',
          path: '/',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'content-length': Buffer.byteLength(body),
            'x-amz-target': `Kinesis_20131202.${operation}`,
            // Emulators check that a signed request carries a date; none checks the signature.
            'x-amz-date': '20260101T000000Z',
            authorization: this.authorization,
          },
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () => {
            this.unfinished.delete(outgoing)
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) })
          })
          response.on('error', reject)
        },
      )
      this.unfinished.add(outgoing)
      outgoing.on('error', (error) => {
        this.unfinished.delete(outgoing)
        reject(error)
      })
      outgoing.end(body)
    })
  }

  async json<T>(operation: string, input: object): Promise<T> {
    return jsonOutput(operation, await this.call(operation, JSON.stringify(input))) as T
  }

  /** Also drops the requests still waiting for a connection, which the agent would otherwise send later. */
  close(): void {
    for (const outgoing of this.unfinished) outgoing.destroy()
    this.unfinished.clear()
    this.agent.destroy()
  }
}
