import type { Socket } from 'node:net'

/** Every HTTP/2 connection with prior knowledge (h2c) opens with these bytes (RFC 9113, section 3.4). */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')

export type WireProtocol = 'http1' | 'http2'

/** The protocol the first bytes of a connection speak, or undefined when too few bytes arrived to tell. */
export function detectProtocol(firstBytes: Buffer): WireProtocol | undefined {
  const compared = Math.min(firstBytes.length, HTTP2_PREFACE.length)
  if (firstBytes.compare(HTTP2_PREFACE, 0, compared, 0, compared) !== 0) return 'http1'
  return compared === HTTP2_PREFACE.length ? 'http2' : undefined
}

/**
 * Reads a new connection's first bytes until its protocol is known, puts them back (unshift) and calls
 * `detected` with the socket paused and holding those bytes. A connection that stays silent for `timeoutMs` is
 * destroyed.
 */
export function sniffProtocol(
  socket: Socket,
  timeoutMs: number,
  detected: (socket: Socket, protocol: WireProtocol) => void,
): void {
  let received: Buffer | undefined
  const onData = (chunk: Buffer): void => {
    received = received === undefined ? chunk : Buffer.concat([received, chunk])
    const protocol = detectProtocol(received)
    if (protocol === undefined) return
    socket.off('data', onData)
    socket.off('timeout', onTimeout)
    socket.off('error', onError)
    socket.setTimeout(0)
    socket.pause()
    socket.unshift(received)
    detected(socket, protocol)
  }
  const onTimeout = (): void => {
    socket.destroy()
  }
  // Until a server owns the socket, a reset connection is nobody's concern.
  const onError = (): void => undefined
  socket.on('data', onData)
  socket.on('error', onError)
  socket.once('timeout', onTimeout)
  socket.setTimeout(timeoutMs)
}
