/*
 * Node's own Buffer methods behind toString(encoding, start, end) and write(text, offset, encoding), called
 * directly: on the data path the lookup of the encoding by name cost as much as the copy itself (a PutRecords
 * body is 500 slices, a response 1,000 writes). Every Node version has them; the public methods stand in
 * should one ever lack them.
 */

interface BufferTextMethods {
  latin1Slice(start: number, end: number): string
  utf8Slice(start: number, end: number): string
  base64Slice(start: number, end: number): string
  latin1Write(text: string, offset: number, length: number): number
  base64Write(text: string, offset: number, length: number): number
}

function hasTextMethods(buffer: Buffer): buffer is Buffer & BufferTextMethods {
  return (
    'latin1Slice' in buffer &&
    'utf8Slice' in buffer &&
    'base64Slice' in buffer &&
    'latin1Write' in buffer &&
    'base64Write' in buffer
  )
}

const direct = hasTextMethods(Buffer.alloc(0))

export function latin1Text(buffer: Buffer, start: number, end: number): string {
  return direct
    ? (buffer as Buffer & BufferTextMethods).latin1Slice(start, end)
    : buffer.toString('latin1', start, end)
}

export function utf8Text(buffer: Buffer, start: number, end: number): string {
  return direct
    ? (buffer as Buffer & BufferTextMethods).utf8Slice(start, end)
    : buffer.toString('utf8', start, end)
}

export function base64Text(buffer: Buffer): string {
  return direct
    ? (buffer as Buffer & BufferTextMethods).base64Slice(0, buffer.length)
    : buffer.toString('base64')
}

/** Writes `text` (one byte per character) at `offset`; returns the number of bytes written. */
export function writeLatin1(buffer: Buffer, text: string, offset: number): number {
  return direct
    ? (buffer as Buffer & BufferTextMethods).latin1Write(text, offset, buffer.length - offset)
    : buffer.write(text, offset, 'latin1')
}

/**
 * Decodes base64 `text` into `buffer` from `offset`, at most `length` bytes; returns the number of bytes written.
 * Like Buffer.from(text, 'base64') it skips characters outside the alphabet and stops at padding.
 */
export function writeBase64(buffer: Buffer, text: string, offset: number, length: number): number {
  return direct
    ? (buffer as Buffer & BufferTextMethods).base64Write(text, offset, length)
    : buffer.write(text, offset, length, 'base64')
}
