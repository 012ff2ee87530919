// How AWS prints the offending value in "Value '...' at 'path' failed to satisfy constraint". The service
// prints the Java object it deserialized: strings and numbers as they are, blobs as the ByteBuffer that holds
// them, lists as [a, b], maps as {key=value}.
//
// A quoted value is cut to MAX_VALUE_TEXT_LENGTH characters: AWS echoes what it was sent, but no recorded
// answer bounds it, and a 1 MB ShardIterator would otherwise come back whole in the message. The bound keeps
// every recorded answer exact (the longest, a PutRecords list of 501 records, is about 28,600 characters).

import type { Shape } from './shape.ts'

/** The most characters of a value quoted in a message; longer ones are cut and say how long they were. */
export const MAX_VALUE_TEXT_LENGTH = 32_768

/**
 * `text` when it is at most MAX_VALUE_TEXT_LENGTH characters, else its start followed by
 * `... (N characters)`. Only error paths call it.
 */
export function boundedText(text: string): string {
  if (text.length <= MAX_VALUE_TEXT_LENGTH) return text
  // Never split a surrogate pair.
  const last = text.charCodeAt(MAX_VALUE_TEXT_LENGTH - 1)
  const end = last >= 0xd800 && last <= 0xdbff ? MAX_VALUE_TEXT_LENGTH - 1 : MAX_VALUE_TEXT_LENGTH
  return `${text.slice(0, end)}... (${String(text.length)} characters)`
}

/** The text between the quotes after "Value", or `null` for a missing value (printed without quotes). */
export function valueText(value: unknown, shape: Shape | undefined): string {
  if (value === undefined || value === null) return 'null'
  switch (shape?.type) {
    case 'blob': {
      const length = blobByteLength(value)
      return `java.nio.HeapByteBuffer[pos=0 lim=${length} cap=${length}]`
    }
    case 'integer':
    case 'long':
      return typeof value === 'number' ? String(Math.trunc(value)) : plainText(value)
    case 'list':
      return Array.isArray(value)
        ? `[${value.map((item) => valueText(item, shape.member)).join(', ')}]`
        : plainText(value)
    case 'map':
      return isRecord(value) ? entriesText(value, () => shape.values) : plainText(value)
    case 'structure':
      if (shape.display !== undefined) return shape.display
      return isRecord(value) ? entriesText(value, (name) => shape.members[name]) : plainText(value)
    default:
      return plainText(value)
  }
}

/** The length of a blob given as bytes (CBOR) or as base64 text (JSON). */
export function blobByteLength(value: unknown): number {
  if (value instanceof Uint8Array) return value.length
  if (typeof value === 'string') return Buffer.byteLength(value, 'base64')
  return 0
}

/** A JSON object (a structure or map), as opposed to a list, bytes or a date. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  )
}

function entriesText(record: Record<string, unknown>, shapeOf: (name: string) => Shape | undefined): string {
  const entries = Object.entries(record).filter(([, item]) => item !== undefined)
  return `{${entries.map(([name, item]) => `${name}=${valueText(item, shapeOf(name))}`).join(', ')}}`
}

function plainText(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value)
  return JSON.stringify(value)
}
