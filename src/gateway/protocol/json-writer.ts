import { base64Text, writeLatin1 } from './buffer-text.ts'
import { OutputChunks } from './output-chunks.ts'

/**
 * AWS JSON 1.1 text written straight into bytes: Uint8Array as base64, Date as epoch seconds (with a fraction
 * for milliseconds), null and undefined members omitted, as AWS omits absent members.
 *
 * Written for GetRecords, whose responses carry up to 10 MiB of record data: base64 text never needs
 * escaping, so it goes into the output without the scan JSON.stringify would make of it, and the response is
 * never held as one large string that would then be encoded to UTF-8 again.
 */
export function encodeJson(value: unknown): Buffer {
  return writeJson(value).writtenBytes()
}

/** The same bytes as the chunks they were written in, for a response that sends them as they are. */
export function encodeJsonChunks(value: unknown): Buffer[] {
  return writeJson(value).writtenChunks()
}

function writeJson(value: unknown): ByteWriter {
  const writer = new ByteWriter()
  writeValue(writer, value)
  return writer
}

const QUOTE = 0x22
const INITIAL_CAPACITY = 1024

class ByteWriter extends OutputChunks {
  constructor() {
    super(INITIAL_CAPACITY)
  }

  /** Text known to be ASCII and to need no escaping. */
  ascii(text: string): void {
    this.reserve(text.length)
    this.position += writeLatin1(this.buffer, text, this.position)
  }

  byte(value: number): void {
    this.reserve(1)
    this.buffer[this.position++] = value
  }

  /** A member name and its colon, from a cache: an API's responses use a handful of names over and over. */
  memberName(name: string): void {
    let literal = MEMBER_NAMES.get(name)
    if (literal === undefined) {
      literal = Buffer.from(`${JSON.stringify(name)}:`, 'utf8')
      if (MEMBER_NAMES.size < MAX_CACHED_MEMBER_NAMES) MEMBER_NAMES.set(name, literal)
    }
    this.reserve(literal.length)
    this.buffer.set(literal, this.position)
    this.position += literal.length
  }

  /** A JSON string literal, quotes included. */
  string(text: string): void {
    if (PLAIN_ASCII.test(text)) {
      this.quotedAscii(text)
      return
    }
    const literal = JSON.stringify(text)
    this.reserve(Buffer.byteLength(literal, 'utf8'))
    this.position += this.buffer.write(literal, this.position, 'utf8')
  }

  base64(bytes: Uint8Array): void {
    const buffer = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.quotedAscii(base64Text(buffer))
  }

  /** Text known to be ASCII and to need no escaping, in quotes. */
  private quotedAscii(text: string): void {
    this.reserve(text.length + 2)
    this.buffer[this.position++] = QUOTE
    this.position += writeLatin1(this.buffer, text, this.position)
    this.buffer[this.position++] = QUOTE
  }
}

/** Printable ASCII without '"' and '\': the text is its own JSON literal. */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

const MEMBER_NAMES = new Map<string, Buffer>()
/** Member names come from the service's shapes; the bound only guards against a caller passing arbitrary maps. */
const MAX_CACHED_MEMBER_NAMES = 1024

function writeValue(writer: ByteWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      writer.string(value)
      return
    case 'number':
      writer.ascii(Number.isFinite(value) ? String(value) : 'null')
      return
    case 'boolean':
      writer.ascii(value ? 'true' : 'false')
      return
    case 'bigint':
      writer.ascii(value.toString())
      return
    case 'object':
      break
    default:
      writer.ascii('null')
      return
  }
  if (value === null) writer.ascii('null')
  else if (value instanceof Uint8Array) writer.base64(value)
  else if (value instanceof Date) writeEpochSeconds(writer, value)
  else if (Array.isArray(value)) writeArray(writer, value)
  else writeObject(writer, value as Readonly<Record<string, unknown>>)
}

function writeEpochSeconds(writer: ByteWriter, date: Date): void {
  const millis = date.getTime()
  if (millis >= 0 && millis < FAST_MILLIS_LIMIT) {
    // What String(millis / 1000) writes, without turning a fractional number into text (a GetRecords page has
    // 10,000 timestamps): whole seconds, then the milliseconds without trailing zeros.
    const seconds = Math.floor(millis / 1000)
    writer.ascii(String(seconds))
    writer.ascii(MILLIS_FRACTIONS[millis - seconds * 1000] as string)
    return
  }
  writer.ascii(Number.isNaN(millis) ? 'null' : String(millis / 1000))
}

/** Up to here (the year 2286), the nearest double to millis / 1000 prints as its three decimals. */
const FAST_MILLIS_LIMIT = 10_000_000_000_000
/** '', '.001', ..., '.1', ..., '.999': the fraction String() writes for each millisecond. */
const MILLIS_FRACTIONS = Array.from({ length: 1000 }, (_, millis) =>
  millis === 0 ? '' : `.${String(millis).padStart(3, '0').replace(/0+$/, '')}`,
)

function writeArray(writer: ByteWriter, items: readonly unknown[]): void {
  writer.byte(0x5b)
  for (let i = 0; i < items.length; i++) {
    if (i > 0) writer.byte(0x2c)
    const item = items[i]
    // As JSON.stringify writes them: an absent item is null.
    if (item === undefined) writer.ascii('null')
    else writeValue(writer, item)
  }
  writer.byte(0x5d)
}

function writeObject(writer: ByteWriter, object: Readonly<Record<string, unknown>>): void {
  writer.byte(0x7b)
  let first = true
  // for...in walks own members here (outputs are plain objects) without building an array of their names.
  for (const key in object) {
    const member = object[key]
    if (member === undefined || member === null) continue
    if (!first) writer.byte(0x2c)
    first = false
    writer.memberName(key)
    writeValue(writer, member)
  }
  writer.byte(0x7d)
}
