import type { ServerHttp2Session, ServerHttp2Stream } from 'node:http2'
import type { Socket } from 'node:net'
import type { GatewayRequest, GatewayResponse } from './http-types.ts'
import type { Logger } from './logger.ts'

export interface ConnectionLimits {
  /** Open connections at most; further ones are destroyed as they are accepted. */
  readonly maxConnections: number
  /** How long an HTTP/2 session may have no stream open before it is closed. */
  readonly http2IdleTimeoutMs: number
}

/** How long an HTTP/2 peer has to answer the PING sent when its open streams have been silent for the idle timeout. */
const PING_TIMEOUT_MS = 10_000

/**
 * Knows every open connection and which ones are busy, so that closing the gateway can be graceful: idle
 * connections are closed at once, busy HTTP/1.1 connections after their current response, HTTP/2 sessions with
 * a GOAWAY that lets open streams finish. Whatever remains at the end of the grace period is destroyed. It also
 * caps the number of open connections and closes HTTP/2 sessions left idle.
 */
export class ConnectionTracker {
  /** Every accepted TCP connection, until it closes. */
  private readonly sockets = new Set<Socket>()
  /** Plaintext connections whose protocol is not known yet (fewer bytes than the HTTP/2 preface arrived). */
  private readonly sniffing = new Set<Socket>()
  /** HTTP/1.1 connections and their requests in flight. */
  private readonly http1 = new Map<Socket, number>()
  private readonly http2 = new Set<ServerHttp2Session>()
  private closing = false
  /** Connections refused since the limit was last reached; undefined while connections are accepted. */
  private refused: number | undefined

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
  ) {}

  /** Tracks a new TCP connection; false (and the socket destroyed) when the connection limit is reached. */
  accepted(socket: Socket): boolean {
    const open = this.sockets.size
    if (open >= this.limits.maxConnections) {
      socket.destroy()
      if (this.refused === undefined) {
        // One line per episode, however many connections a flood brings.
        this.logger.warn('connection limit reached: refusing new connections', {
          maxConnections: this.limits.maxConnections,
        })
        this.refused = 0
      }
      this.refused++
      return false
    }
    // The episode ends once connections are well below the limit again, so a count hovering at it logs once.
    if (this.refused !== undefined && open < this.limits.maxConnections * 0.9) {
      this.logger.info('accepting connections again', { refused: this.refused })
      this.refused = undefined
    }
    this.sockets.add(socket)
    socket.once('close', () => this.sockets.delete(socket))
    return true
  }

  sniffingStarted(socket: Socket): void {
    this.sniffing.add(socket)
    socket.once('close', () => this.sniffing.delete(socket))
  }

  sniffingEnded(socket: Socket): void {
    this.sniffing.delete(socket)
  }

  /** An HTTP/1.1 connection (for HTTPS, the TLS socket). HTTP/2 connections are tracked by their session. */
  http1Connection(socket: Socket): void {
    this.http1.set(socket, 0)
    socket.once('close', () => this.http1.delete(socket))
  }

  http2Session(session: ServerHttp2Session): void {
    if (this.closing) {
      closeHttp2Session(session)
      return
    }
    this.http2.add(session)
    session.once('close', () => this.http2.delete(session))
    watchIdleHttp2Session(session, this.limits.http2IdleTimeoutMs)
  }

  /** Counts an HTTP/1.1 request in flight; asks the client to close the connection if the gateway is closing. */
  requestStarted(req: GatewayRequest, res: GatewayResponse): void {
    if (req.httpVersionMajor !== 1) return
    const socket = req.socket
    const inFlight = this.http1.get(socket)
    if (inFlight === undefined) return
    this.http1.set(socket, inFlight + 1)
    if (this.closing) res.setHeader('connection', 'close')
    res.once('close', () => {
      const remaining = (this.http1.get(socket) ?? 1) - 1
      this.http1.set(socket, remaining)
      if (this.closing && remaining === 0) socket.end()
    })
  }

  /** Stops keep-alive: closes what is idle now and lets busy connections finish their current work. */
  beginClose(): void {
    this.closing = true
    for (const socket of this.sniffing) socket.destroy()
    for (const [socket, inFlight] of this.http1) if (inFlight === 0) socket.destroy()
    for (const session of this.http2) closeHttp2Session(session)
  }

  destroyAll(): void {
    for (const session of this.http2) session.destroy()
    for (const socket of this.sockets) socket.destroy()
  }
}

/** GOAWAY; Node closes the socket once the open streams have ended (at once when there are none). */
function closeHttp2Session(session: ServerHttp2Session): void {
  if (!session.closed) session.close()
}

/**
 * Closes an HTTP/2 session once it has had no stream open for `idleMs`. A session whose open streams have all
 * been silent that long must answer a PING, or it is destroyed: this also ends sessions that Node's HTTP/2
 * implementation stopped serving after a protocol error (it sends GOAWAY but neither reads nor closes the socket
 * any more, and tells no one).
 */
function watchIdleHttp2Session(session: ServerHttp2Session, idleMs: number): void {
  let openStreams = 0
  let idleTimer: NodeJS.Timeout | undefined
  const closeIdle = (): void => {
    idleTimer = undefined
    closeHttp2Session(session)
  }
  const onStreamClose = (): void => {
    openStreams--
    if (openStreams === 0 && !session.closed) idleTimer = setTimeout(closeIdle, idleMs)
  }
  session.on('stream', (stream: ServerHttp2Stream) => {
    openStreams++
    if (idleTimer !== undefined) {
      clearTimeout(idleTimer)
      idleTimer = undefined
    }
    stream.once('close', onStreamClose)
  })
  // Silent streams: Node's session timeout fires after idleMs without any stream activity.
  session.setTimeout(idleMs, () => {
    if (openStreams === 0 || session.closed || session.destroyed) return
    const unanswered = setTimeout(() => {
      session.destroy()
    }, PING_TIMEOUT_MS)
    const sent = session.ping((error) => {
      clearTimeout(unanswered)
      if (error !== null) session.destroy()
    })
    if (!sent) {
      clearTimeout(unanswered)
      session.destroy()
    }
  })
  session.once('close', () => {
    if (idleTimer !== undefined) clearTimeout(idleTimer)
  })
  idleTimer = setTimeout(closeIdle, idleMs)
}
