import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

export interface ReceivedRequest {
  headers: IncomingHttpHeaders
  /** The body as sent (gzip when Content-Encoding says so). */
  raw: Buffer
  /** The JSON body, inflated when it was sent gzip. */
  body: { requestId: string; timestamp: number; records: { data: string }[] }
}

/** How the endpoint answers one request: a status, and a body (by default the protocol's answer). */
export type Answer = (request: ReceivedRequest) => { status: number; body?: unknown }

/** An HTTP endpoint destination on a real local server: records every request, answers as it is told. */
export class HttpEndpointServer {
  readonly requests: ReceivedRequest[] = []
  answer: Answer = (request) => ({
    status: 200,
    body: { requestId: request.body.requestId, timestamp: Date.now() },
  })
  private server: Server | undefined

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        const raw = Buffer.concat(chunks)
        const json = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw
        const received = {
          headers: request.headers,
          raw,
          body: JSON.parse(json.toString('utf8')) as ReceivedRequest['body'],
        }
        this.requests.push(received)
        const { status, body } = this.answer(received)
        response.writeHead(status, { 'Content-Type': 'application/json' })
        response.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.server = server
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`
  }

  async stop(): Promise<void> {
    const server = this.server
    if (server === undefined) return
    server.closeAllConnections()
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve()
      }),
    )
  }
}
