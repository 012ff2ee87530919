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
}

export function readTlsFiles(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }
}
