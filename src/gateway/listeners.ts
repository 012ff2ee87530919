import http from 'node:http'
import http2 from 'node:http2'
import net from 'node:net'
import tls from 'node:tls'
import type { ConnectionTracker } from './connections.ts'
import type { Logger } from './logger.ts'
import { DEFAULT_IDLE_TIMEOUT_MS } from './settings.ts'
import { sniffProtocol, type WireProtocol } from './sniff.ts'

/** The one request listener both protocols call, with their own request and response objects. */
export type TransportHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void

export interface ListenerOptions {
  readonly host: string
  /** 0 picks a free port; listen() reports the actual one. */
  readonly port: number
  readonly tls: { readonly port: number; readonly cert: Buffer; readonly key: Buffer } | undefined
  /** How long close() lets busy connections finish before destroying them. */
  readonly closeGraceMs: number
}

export interface BoundPorts {
  port: number
  tlsPort?: number
}

export interface Listeners {
  listen(): Promise<BoundPorts>
  close(): Promise<void>
}

const MiB = 1024 * 1024

/**
 * HTTP/2 tuned for big requests: PutRecords bodies run to ~20 MiB, which the default 64 KiB flow-control
 * windows would deliver in many round trips. The connection window is raised per session (below).
 */
const HTTP2_OPTIONS: http2.ServerOptions = {
  settings: { initialWindowSize: 8 * MiB, maxConcurrentStreams: 1000 },
  maxSessionMemory: 64,
}
const HTTP2_CONNECTION_WINDOW = 32 * MiB

/** Longer than the idle timeouts of common clients' pools, so the server is not the side closing mid-request. */
const HTTP1_KEEP_ALIVE_MS = DEFAULT_IDLE_TIMEOUT_MS
/**
 * An HTTP/1.1 connection silent this long in the middle of a request is dropped. (Node's headersTimeout and
 * requestTimeout are not in force: they are checked only for servers that listen themselves.)
 */
const HTTP1_INACTIVITY_MS = 120_000
/** A connection that has not sent a single byte after this long is dropped. */
const FIRST_BYTES_TIMEOUT_MS = 65_000

/**
 * The gateway's listening sockets: one plaintext port for HTTP/1.1 and HTTP/2 with prior knowledge (told apart
 * by the connection's first bytes), and optionally a TLS port negotiating h2 or http/1.1 by ALPN.
 */
export function createListeners(
  handler: TransportHandler,
  options: ListenerOptions,
  connections: ConnectionTracker,
  logger: Logger,
): Listeners {
  const http1Server = http.createServer(handler)
  http1Server.keepAliveTimeout = HTTP1_KEEP_ALIVE_MS
  http1Server.timeout = HTTP1_INACTIVITY_MS
  const http2Server = http2.createServer(HTTP2_OPTIONS, handler)
  watchHttp2Sessions(http2Server, connections, logger)

  const serve = (socket: net.Socket, protocol: WireProtocol): void => {
    if (protocol === 'http2') {
      // Node's HTTP/2 server takes a TLS socket without ALPN for HTTP/1.1; this one sent the HTTP/2 preface.
      if (socket instanceof tls.TLSSocket && socket.alpnProtocol === false) socket.alpnProtocol = 'h2'
      // The session reads the bytes put back into the socket itself, so the socket stays paused.
      http2Server.emit('connection', socket)
    } else {
      connections.http1Connection(socket)
      http1Server.emit('connection', socket)
      socket.resume()
    }
  }
  const sniffThenServe = (socket: net.Socket): void => {
    connections.sniffingStarted(socket)
    sniffProtocol(socket, FIRST_BYTES_TIMEOUT_MS, (sniffed, protocol) => {
      connections.sniffingEnded(sniffed)
      serve(sniffed, protocol)
    })
  }

  const plaintext = net.createServer({ noDelay: true }, (socket) => {
    if (connections.accepted(socket)) sniffThenServe(socket)
  })

  const secure =
    options.tls === undefined
      ? undefined
      : tls.createServer(
          { cert: options.tls.cert, key: options.tls.key, ALPNProtocols: ['h2', 'http/1.1'] },
          (socket) => {
            if (socket.alpnProtocol === 'h2') {
              serve(socket, 'http2')
            } else if (socket.alpnProtocol === 'http/1.1') {
              serve(socket, 'http1')
            } else {
              // No ALPN: the AWS SDK for Java's default HTTP/2 client sends the HTTP/2 preface right after the
              // handshake. Tell the protocols apart by the first bytes, as on the plaintext port; the HTTP/2
              // server would otherwise take a TLS socket without ALPN for HTTP/1.1.
              socket.alpnProtocol = 'h2'
              sniffThenServe(socket)
            }
          },
        )
  secure?.on('connection', (socket: net.Socket) => {
    // A refused socket is destroyed before its TLS handshake.
    connections.accepted(socket)
  })
  secure?.on('tlsClientError', (error: Error) => {
    logger.debug('tls client error', { error: error.message })
  })

  return {
    async listen() {
      const port = await listenOn(plaintext, options.port, options.host)
      if (secure === undefined || options.tls === undefined) return { port }
      return { port, tlsPort: await listenOn(secure, options.tls.port, options.host) }
    },
    async close() {
      connections.beginClose()
      const grace = setTimeout(() => {
        connections.destroyAll()
      }, options.closeGraceMs)
      await Promise.all([closeServer(plaintext), secure === undefined ? undefined : closeServer(secure)])
      clearTimeout(grace)
    },
  }
}

function watchHttp2Sessions(
  server: http2.Http2Server | http2.Http2SecureServer,
  connections: ConnectionTracker,
  logger: Logger,
): void {
  server.on('session', (session: http2.ServerHttp2Session) => {
    session.setLocalWindowSize(HTTP2_CONNECTION_WINDOW)
    connections.http2Session(session)
  })
  server.on('sessionError', (error: Error) => {
    logger.debug('http2 session error', { error: error.message })
  })
}

function listenOn(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const address = server.address()
      if (address === null || typeof address === 'string') {
        reject(new Error('The server is not listening on a TCP port'))
        return
      }
      resolve(address.port)
    })
  })
}

/** Resolves once the server stopped listening and all its connections have closed. */
function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve()
      return
    }
    server.close(() => {
      resolve()
    })
  })
}
