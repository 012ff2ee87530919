declare module 'snappyjs' {
  /** Snappy's raw block format (no framing); returns the same kind of bytes it is given. */
  export function compress(input: Buffer): Buffer
  export function uncompress(input: Buffer, maxLength?: number): Buffer
}
