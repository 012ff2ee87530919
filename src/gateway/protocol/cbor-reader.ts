/**
 * Decodes one CBOR data item (RFC 8949) into plain values: maps become objects, byte strings become views into
 * the input (no copy), tag 1 becomes a Date read as epoch milliseconds (AWS CBOR 1.1's timestamps) or, with
 * `epoch: 'seconds'`, as epoch seconds (RFC 8949 and Smithy RPC v2 CBOR). Definite and indefinite lengths are
 * both read: Jackson, behind the Java SDKs, writes indefinite-length maps and arrays.
 */
export function decodeCbor(input: Buffer, epoch: EpochUnit = 'milliseconds'): unknown {
  const reader = new CborReader(input, epoch === 'seconds' ? 1000 : 1)
  const value = reader.item()
  if (reader.position !== input.length) throw new CborError('trailing bytes after the data item')
  return value
}

/** What the number under tag 1 (an epoch date) counts. */
export type EpochUnit = 'milliseconds' | 'seconds'

export class CborError extends Error {
  override name = 'CborError'
}

const BREAK = Symbol('break')
const MAX_DEPTH = 64

class CborReader {
  position = 0
  private depth = 0

  constructor(
    private readonly input: Buffer,
    private readonly millisPerEpochUnit: number,
  ) {}

  item(): unknown {
    const value = this.itemOrBreak()
    if (value === BREAK) throw new CborError('unexpected break')
    return value
  }

  private itemOrBreak(): unknown {
    const initial = this.byte()
    const major = initial >> 5
    const info = initial & 0x1f
    switch (major) {
      case 0:
        return this.argument(info)
      case 1:
        return -1 - this.argument(info)
      case 2:
        return info === 31 ? this.indefiniteBytes(2) : this.take(this.argument(info))
      case 3:
        return info === 31 ? this.indefiniteText() : this.text(this.argument(info))
      case 4:
        return this.nested(() => this.array(info))
      case 5:
        return this.nested(() => this.map(info))
      case 6:
        return this.tagged(this.argument(info))
      default:
        return this.simple(info)
    }
  }

  private nested(read: () => unknown): unknown {
    if (++this.depth > MAX_DEPTH) throw new CborError('nested too deeply')
    const value = read()
    this.depth--
    return value
  }

  private array(info: number): unknown[] {
    const items: unknown[] = []
    if (info === 31) {
      for (let item = this.itemOrBreak(); item !== BREAK; item = this.itemOrBreak()) items.push(item)
      return items
    }
    const length = this.argument(info)
    for (let index = 0; index < length; index++) items.push(this.item())
    return items
  }

  private map(info: number): Record<string, unknown> {
    const entries: Record<string, unknown> = {}
    const length = info === 31 ? Infinity : this.argument(info)
    for (let index = 0; index < length; index++) {
      const key = this.itemOrBreak()
      if (key === BREAK) {
        if (length === Infinity) return entries
        throw new CborError('unexpected break')
      }
      if (typeof key !== 'string') throw new CborError('map keys must be text strings')
      Object.defineProperty(entries, key, {
        value: this.item(),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return entries
  }

  private tagged(tag: number): unknown {
    const value = this.item()
    if (tag !== 1) return value
    if (typeof value !== 'number') throw new CborError('tag 1 must hold a number')
    return this.millisPerEpochUnit === 1
      ? new Date(value)
      : new Date(Math.round(value * this.millisPerEpochUnit))
  }

  private simple(info: number): unknown {
    switch (info) {
      case 20:
        return false
      case 21:
        return true
      case 22:
      case 23:
        return null
      case 25:
        return halfFloat(this.take(2).readUInt16BE(0))
      case 26:
        return this.take(4).readFloatBE(0)
      case 27:
        return this.take(8).readDoubleBE(0)
      case 31:
        return BREAK
      default:
        throw new CborError(`unsupported simple value ${info}`)
    }
  }

  private indefiniteBytes(major: 2 | 3): Buffer {
    const chunks: Buffer[] = []
    for (;;) {
      const initial = this.byte()
      if (initial === 0xff) return Buffer.concat(chunks)
      if (initial >> 5 !== major || (initial & 0x1f) === 31)
        throw new CborError('malformed indefinite string')
      chunks.push(this.take(this.argument(initial & 0x1f)))
    }
  }

  private indefiniteText(): string {
    return this.indefiniteBytes(3).toString('utf8')
  }

  private text(length: number): string {
    const start = this.position
    this.take(length)
    return this.input.toString('utf8', start, start + length)
  }

  private argument(info: number): number {
    if (info < 24) return info
    switch (info) {
      case 24:
        return this.byte()
      case 25:
        return this.take(2).readUInt16BE(0)
      case 26:
        return this.take(4).readUInt32BE(0)
      case 27: {
        const value = this.take(8).readBigUInt64BE(0)
        if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CborError('integer beyond 2^53')
        return Number(value)
      }
      default:
        throw new CborError(`unsupported additional information ${info}`)
    }
  }

  private byte(): number {
    const value = this.input[this.position]
    if (value === undefined) throw new CborError('unexpected end of input')
    this.position++
    return value
  }

  private take(length: number): Buffer {
    const end = this.position + length
    if (end > this.input.length) throw new CborError('unexpected end of input')
    const view = this.input.subarray(this.position, end)
    this.position = end
    return view
  }
}

function halfFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024)
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024)
}
