import type { IncomingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'

/**
 * The part of a request that http.IncomingMessage (HTTP/1.1) and Http2ServerRequest (HTTP/2 compatibility API)
 * have in common. Handlers are written against this so one handler serves both protocols.
 */
export interface GatewayRequest extends Readable {
  readonly method?: string | undefined
  readonly url?: string | undefined
  readonly headers: IncomingHttpHeaders
  /** '1.1' or '2.0'. */
  readonly httpVersion: string
  readonly httpVersionMajor: number
  readonly socket: Socket
}

/** The common part of http.ServerResponse and Http2ServerResponse. */
export interface GatewayResponse {
  statusCode: number
  readonly headersSent: boolean
  /** True once end() was called. */
  readonly writableEnded: boolean
  setHeader(name: string, value: number | string | readonly string[]): unknown
  end(body?: Uint8Array | string): unknown
  /** Returns false when the chunk was buffered beyond the high-water mark: wait for 'drain' before more. */
  write(chunk: Uint8Array): boolean
  /** 'close' also fires when the client goes away before the response ended. */
  once(event: 'close' | 'drain', listener: () => void): unknown
  off(event: 'close' | 'drain', listener: () => void): unknown
}

export type RequestHandler = (req: GatewayRequest, res: GatewayResponse) => void

/** The first value of a header that may have been repeated. */
export function headerValue(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0]
}
