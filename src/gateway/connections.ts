import type { ServerHttp2Session } from 'node:http2'
import type { Socket } from 'node:net'
import type { GatewayRequest, GatewayResponse } from './http-types.ts'

/**
 * Knows every open connection and which ones are busy, so that closing the gateway can be graceful: idle
 * connections are closed at once, busy HTTP/1.1 connections after their current response, HTTP/2 sessions with
 * a GOAWAY that lets open streams finish. Whatever remains at the end of the grace period is destroyed.
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

  accepted(socket: Socket): void {
    this.sockets.add(socket)
    socket.once('close', () => this.sockets.delete(socket))
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
      session.close()
      return
    }
    this.http2.add(session)
    session.once('close', () => this.http2.delete(session))
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
    for (const session of this.http2) session.close()
  }

  destroyAll(): void {
    for (const session of this.http2) session.destroy()
    for (const socket of this.sockets) socket.destroy()
  }
}
