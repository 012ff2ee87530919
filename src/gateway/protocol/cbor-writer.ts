import type { EpochUnit } from './cbor-reader.ts'
import { OutputChunks } from './output-chunks.ts'

/**
 * Encodes a document as CBOR (RFC 8949) the way AWS's CBOR 1.1 protocol expects it:
 * - Uint8Array as a byte string, Date as tag 1 holding integer epoch MILLISECONDS (AWS's convention: the Java
 *   SDKs write and read `Instant.toEpochMilli()` under tag 1, not the epoch seconds RFC 8949 describes), or with
 *   `epoch: 'seconds'` (Smithy RPC v2 CBOR) epoch seconds, integer or float64,
 * - objects as indefinite-length maps (as Jackson, and so AWS, writes them), null and undefined members omitted,
 * - integers in the shortest form, other numbers as float64.
 * Written in-house: AWS CBOR 1.1 writes timestamps as epoch milliseconds under tag 1, which general CBOR
 * libraries write as seconds.
 */
export function encodeCbor(value: unknown, epoch: EpochUnit = 'milliseconds'): Buffer {
  return writeCbor(value, epoch).writtenBytes()
}

/** The same bytes as the chunks they were written in, for a response that sends them as they are. */
export function encodeCborChunks(value: unknown, epoch: EpochUnit = 'milliseconds'): Buffer[] {
  return writeCbor(value, epoch).writtenChunks()
}

function writeCbor(value: unknown, epoch: EpochUnit): CborWriter {
  const writer = new CborWriter(epoch === 'seconds')
  writer.write(value)
  return writer
}

const MAJOR_UNSIGNED = 0
const MAJOR_NEGATIVE = 1
const MAJOR_BYTES = 2
const MAJOR_TEXT = 3
const MAJOR_ARRAY = 4
const TAG_EPOCH_DATE = 0xc1
const MAP_INDEFINITE = 0xbf
const BREAK = 0xff
const FALSE = 0xf4
const TRUE = 0xf5
const NULL = 0xf6
const FLOAT64 = 0xfb
const TWO_POW_32 = 2 ** 32
const SHORT_STRING = 64

class CborWriter extends OutputChunks {
  /** Smithy RPC v2 CBOR writes dates as epoch seconds (a float when they have milliseconds). */
  constructor(private readonly epochSeconds: boolean) {
    super(4096)
  }

  write(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.text(value)
        return
      case 'number':
        this.number(value)
        return
      case 'boolean':
        this.byte(value ? TRUE : FALSE)
        return
      case 'bigint':
        this.bigint(value)
        return
      case 'object':
        if (value === null) this.byte(NULL)
        else if (value instanceof Uint8Array) this.bytes(value)
        else if (value instanceof Date) this.date(value)
        else if (Array.isArray(value)) this.array(value)
        else this.map(value as Readonly<Record<string, unknown>>)
        return
      default:
        // undefined in an array, or a function or symbol
        this.byte(NULL)
    }
  }

  private map(object: Readonly<Record<string, unknown>>): void {
    this.byte(MAP_INDEFINITE)
    for (const key of Object.keys(object)) {
      const member = object[key]
      if (member === undefined || member === null) continue
      this.text(key)
      this.write(member)
    }
    this.byte(BREAK)
  }

  private array(items: readonly unknown[]): void {
    this.head(MAJOR_ARRAY, items.length)
    for (const item of items) this.write(item)
  }

  private date(date: Date): void {
    const millis = date.getTime()
    if (Number.isNaN(millis)) {
      this.byte(NULL)
      return
    }
    this.byte(TAG_EPOCH_DATE)
    if (this.epochSeconds) this.number(millis / 1000)
    else this.integer(millis)
  }

  private number(value: number): void {
    if (Number.isSafeInteger(value)) {
      this.integer(value)
      return
    }
    this.reserve(9)
    this.buffer[this.position] = FLOAT64
    this.buffer.writeDoubleBE(value, this.position + 1)
    this.position += 9
  }

  private integer(value: number): void {
    if (value >= 0) this.head(MAJOR_UNSIGNED, value)
    else this.head(MAJOR_NEGATIVE, -1 - value)
  }

  private bigint(value: bigint): void {
    const major = value >= 0n ? MAJOR_UNSIGNED : MAJOR_NEGATIVE
    const magnitude = value >= 0n ? value : -1n - value
    if (magnitude <= BigInt(Number.MAX_SAFE_INTEGER)) {
      this.head(major, Number(magnitude))
      return
    }
    this.reserve(9)
    this.buffer[this.position] = (major << 5) | 27
    this.buffer.writeBigUInt64BE(BigInt.asUintN(64, magnitude), this.position + 1)
    this.position += 9
  }

  private text(value: string): void {
    if (value.length < SHORT_STRING && this.ascii(value)) return
    const length = Buffer.byteLength(value, 'utf8')
    this.head(MAJOR_TEXT, length)
    this.reserve(length)
    this.buffer.write(value, this.position, length, 'utf8')
    this.position += length
  }

  /** Most keys and values are short ASCII: copy them without a call into the UTF-8 encoder. */
  private ascii(value: string): boolean {
    const length = value.length
    for (let i = 0; i < length; i++) if (value.charCodeAt(i) > 0x7f) return false
    this.head(MAJOR_TEXT, length)
    this.reserve(length)
    const buffer = this.buffer
    let position = this.position
    for (let i = 0; i < length; i++) buffer[position++] = value.charCodeAt(i)
    this.position = position
    return true
  }

  private bytes(value: Uint8Array): void {
    this.head(MAJOR_BYTES, value.byteLength)
    this.reserve(value.byteLength)
    this.buffer.set(value, this.position)
    this.position += value.byteLength
  }

  /** The initial byte of a data item with its argument in the shortest encoding. */
  private head(major: number, argument: number): void {
    this.reserve(9)
    const buffer = this.buffer
    const type = major << 5
    if (argument < 24) {
      buffer[this.position++] = type | argument
    } else if (argument < 0x100) {
      buffer[this.position++] = type | 24
      buffer[this.position++] = argument
    } else if (argument < 0x10000) {
      buffer[this.position++] = type | 25
      buffer.writeUInt16BE(argument, this.position)
      this.position += 2
    } else if (argument < TWO_POW_32) {
      buffer[this.position++] = type | 26
      buffer.writeUInt32BE(argument, this.position)
      this.position += 4
    } else {
      buffer[this.position++] = type | 27
      buffer.writeUInt32BE(Math.floor(argument / TWO_POW_32), this.position)
      buffer.writeUInt32BE(argument % TWO_POW_32, this.position + 4)
      this.position += 8
    }
  }

  private byte(value: number): void {
    this.reserve(1)
    this.buffer[this.position++] = value
  }
}
