import type { KeyObject } from 'node:crypto'

/** Where the data keys of encrypted streams come from; the composition root provides it. */
export interface KeyRing {
  /** The AES-256 data key for a KMS KeyId (alias, key id or ARN), or undefined when the ring has none. */
  dataKey(keyId: string): KeyObject | undefined
}
