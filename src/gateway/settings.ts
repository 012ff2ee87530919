import { readFileSync } from 'node:fs'

/** What the gateway needs to listen and to place callers; the composition root derives it from its configuration. */
export interface GatewaySettings {
  /** Plaintext port serving HTTP/1.1 and HTTP/2 with prior knowledge (h2c); 0 picks a free one. */
  readonly port: number
  readonly host: string
  /** A TLS port (HTTP/2 and HTTP/1.1 by ALPN) with a PEM certificate and key read from these files. */
  readonly tls?: { readonly port: number; readonly certFile: string; readonly keyFile: string } | undefined
  /** The account of requests whose access key id is not 12 digits. */
  readonly defaultAccountId: string
  /** The region of requests without a SigV4 credential scope. */
  readonly defaultRegion: string
  /**
   * How long an HTTP/2 connection may go without a request in flight before the gateway closes it (GOAWAY, then
   * the socket). Default: HTTP/1.1's keep-alive, DEFAULT_IDLE_TIMEOUT_MS.
   */
  readonly http2IdleTimeoutMs?: number | undefined
  /** How long a request's body may take to arrive in full; then 408 and the request's connection (HTTP/2: stream) closed. */
  readonly requestBodyTimeoutMs?: number | undefined
  /** Open connections at most, on all ports together; connections beyond it are closed as they arrive. */
  readonly maxConnections?: number | undefined
}

/** HTTP/1.1 keep-alive and the default HTTP/2 idle timeout: longer than common clients' pool idle timeouts. */
export const DEFAULT_IDLE_TIMEOUT_MS = 65_000
export const DEFAULT_REQUEST_BODY_TIMEOUT_MS = 60_000
export const DEFAULT_MAX_CONNECTIONS = 10_000

export function readTlsFiles(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }
}
