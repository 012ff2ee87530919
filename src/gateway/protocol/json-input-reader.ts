import {
  AwsError,
  type ListShape,
  type ScalarType,
  type Shape,
  type StructureShape,
} from '../../aws/index.ts'
import { decodeCanonicalBase64Into } from './base64.ts'
import { latin1Text, utf8Text } from './buffer-text.ts'
import { readScalar, type WireScalars } from './read-input.ts'

/**
 * Reads an AWS JSON request body straight into an operation's input, guided by the input's shape, without first
 * decoding the whole body to text and building a document (for a PutRecords of 500 records that document is
 * most of the request's cost). It takes the common path only: a body with no backslash (so no string has an
 * escape) whose members all have their shape's type. For anything else (escapes, maps, a value of the wrong
 * type, a body that is not well formed, a blob that is not canonical base64) it returns undefined, and the
 * caller parses the document the general way, which gives the exact answer and AWS's wording of any error.
 *
 * On the path it takes, the input is the one the general way builds: the same member conversions
 * (readScalar), null and unknown members dropped, the last of repeated members kept, members in shape order.
 */
export function readJsonInput(
  body: Buffer,
  shape: StructureShape,
  scalars: WireScalars,
): Record<string, unknown> | undefined {
  if (body.indexOf(BACKSLASH) !== -1) return undefined
  const reader = new ShapeDirectedReader(body, scalars)
  try {
    reader.skipWhitespace()
    const input = reader.structure(shape)
    reader.skipWhitespace()
    return reader.atEnd() ? input : undefined
  } catch (error) {
    if (error === OFF_THE_PATH || error instanceof AwsError) return undefined
    throw error
  }
}

const BACKSLASH = 0x5c
const QUOTE = 0x22
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e
const DIGIT_0 = 0x30
const DIGIT_9 = 0x39
const LOWER_E = 0x65
const UPPER_E = 0x45
const FIRST_PRINTABLE = 0x20
/** The first letters of null, true and false. */
const LETTER_N = 0x6e
const LETTER_T = 0x74
const LETTER_F = 0x66
/** Unknown members nested deeper than this are left to the general parser. */
const MAX_SKIP_DEPTH = 32

/** Thrown inside the reader to leave the fast path; never escapes readJsonInput. Made once: it is common. */
const OFF_THE_PATH = new Error('the body is off the fast path')

/** A structure's member names in shape order, also as bytes to match names in the body without decoding them. */
interface Members {
  readonly names: readonly string[]
  readonly bytes: readonly Buffer[]
}

const membersOfShapes = new WeakMap<StructureShape, Members>()

function membersOf(shape: StructureShape): Members {
  let members = membersOfShapes.get(shape)
  if (members === undefined) {
    const names = Object.keys(shape.members)
    members = { names, bytes: names.map((name) => Buffer.from(name)) }
    membersOfShapes.set(shape, members)
  }
  return members
}

class ShapeDirectedReader {
  private position = 0
  /**
   * Where the request's blobs are decoded, one after another; made at the first blob. Each blob is a view of
   * its own bytes of it (never more: the rest may be another blob's or not yet written).
   */
  private blobs: Buffer | undefined
  private blobBytes = 0

  constructor(
    private readonly body: Buffer,
    private readonly scalars: WireScalars,
  ) {}

  atEnd(): boolean {
    return this.position === this.body.length
  }

  skipWhitespace(): void {
    const body = this.body
    let position = this.position
    while (position < body.length) {
      const byte = body[position]
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break
      position++
    }
    this.position = position
  }

  structure(shape: StructureShape): Record<string, unknown> {
    this.expect(OPEN_BRACE)
    const members = membersOf(shape)
    const result: Record<string, unknown> = {}
    let lastPosition = -1
    let inShapeOrder = true
    this.skipWhitespace()
    if (this.peek() === CLOSE_BRACE) {
      this.position++
      return result
    }
    for (;;) {
      this.skipWhitespace()
      const memberPosition = this.memberName(members.bytes)
      this.skipWhitespace()
      this.expect(COLON)
      this.skipWhitespace()
      const name = members.names[memberPosition]
      if (name === undefined) {
        this.skipValue(0)
      } else if (this.peek() === LETTER_N) {
        this.literal('null')
        // The general way drops null members; a repeated member's last value wins.
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
        delete result[name]
      } else {
        result[name] = this.value(shape.members[name] as Shape)
        if (memberPosition <= lastPosition) inShapeOrder = false
        lastPosition = memberPosition
      }
      this.skipWhitespace()
      const separator = this.next()
      if (separator === CLOSE_BRACE) break
      if (separator !== COMMA) throw OFF_THE_PATH
    }
    return inShapeOrder ? result : inOrder(result, members.names)
  }

  private value(shape: Shape): unknown {
    switch (shape.type) {
      case 'structure':
        if (this.peek() !== OPEN_BRACE) throw OFF_THE_PATH
        return this.structure(shape)
      case 'list':
        return this.list(shape)
      case 'map':
        throw OFF_THE_PATH
      default:
        return this.scalar(shape.type)
    }
  }

  private list(shape: ListShape): unknown[] {
    this.expect(OPEN_BRACKET)
    const result: unknown[] = []
    this.skipWhitespace()
    if (this.peek() === CLOSE_BRACKET) {
      this.position++
      return result
    }
    for (;;) {
      this.skipWhitespace()
      if (this.peek() === LETTER_N) {
        this.literal('null')
        result.push(null)
      } else {
        result.push(this.value(shape.member))
      }
      this.skipWhitespace()
      const separator = this.next()
      if (separator === CLOSE_BRACKET) return result
      if (separator !== COMMA) throw OFF_THE_PATH
    }
  }

  private scalar(type: ScalarType): unknown {
    const byte = this.peek()
    if (byte === QUOTE && type === 'blob') return this.blob()
    let wireValue: unknown
    if (byte === QUOTE) wireValue = this.text()
    else if (byte === LETTER_T) wireValue = this.literal('true')
    else if (byte === LETTER_F) wireValue = this.literal('false')
    else if (byte === MINUS || (byte >= DIGIT_0 && byte <= DIGIT_9)) wireValue = this.number()
    else throw OFF_THE_PATH
    // Throws an AwsError for a value of the wrong type, which sends the body the general way.
    return readScalar(wireValue, type, this.scalars)
  }

  /** The position of the member name at the cursor among `names`, or -1 for a name the shape does not have. */
  private memberName(names: readonly Buffer[]): number {
    const start = this.position + 1
    const end = this.closingQuote(start)
    const body = this.body
    this.position = end + 1
    for (let index = 0; index < names.length; index++) {
      const name = names[index] as Buffer
      if (name.length !== end - start) continue
      let same = true
      for (let offset = 0; offset < name.length; offset++) {
        if (name[offset] !== body[start + offset]) {
          same = false
          break
        }
      }
      if (same) return index
    }
    this.checkText(start, end)
    return -1
  }

  /** A string without escapes; raw control characters are not JSON. */
  private text(): string {
    const start = this.position + 1
    const end = this.closingQuote(start)
    const ascii = this.checkText(start, end)
    this.position = end + 1
    return ascii ? latin1Text(this.body, start, end) : utf8Text(this.body, start, end)
  }

  /** Whether the string's bytes are all ASCII; leaves the fast path on a control character. */
  private checkText(start: number, end: number): boolean {
    let ascii = true
    for (let position = start; position < end; position++) {
      const byte = this.body[position] as number
      if (byte < FIRST_PRINTABLE) throw OFF_THE_PATH
      if (byte >= 0x80) ascii = false
    }
    return ascii
  }

  /**
   * A blob, its base64 text decoded into the request's blob buffer. Only canonical base64 is decoded, so a
   * control character or any other byte that would make it an invalid JSON string sends the body the general way.
   */
  private blob(): Buffer {
    const start = this.position + 1
    const end = this.closingQuote(start)
    this.position = end + 1
    // Every blob's text is part of the body, so three quarters of the body holds all of them decoded.
    this.blobs ??= Buffer.allocUnsafe(Math.ceil((this.body.length * 3) / 4))
    const bytes = decodeCanonicalBase64Into(latin1Text(this.body, start, end), this.blobs, this.blobBytes)
    if (bytes === undefined) throw OFF_THE_PATH
    this.blobBytes += bytes.length
    return bytes
  }

  private closingQuote(start: number): number {
    if (this.body[start - 1] !== QUOTE) throw OFF_THE_PATH
    const end = this.body.indexOf(QUOTE, start)
    if (end === -1) throw OFF_THE_PATH
    return end
  }

  /** A JSON number, checked against JSON's grammar (Number() alone would also accept '01', '.5' or '0x10'). */
  private number(): number {
    const body = this.body
    const start = this.position
    let position = start
    if (body[position] === MINUS) position++
    if (body[position] === DIGIT_0) position++
    else if (isDigit(body[position])) position = skipDigits(body, position)
    else throw OFF_THE_PATH
    if (body[position] === DOT) {
      if (!isDigit(body[position + 1])) throw OFF_THE_PATH
      position = skipDigits(body, position + 1)
    }
    if (body[position] === LOWER_E || body[position] === UPPER_E) {
      position++
      if (body[position] === PLUS || body[position] === MINUS) position++
      if (!isDigit(body[position])) throw OFF_THE_PATH
      position = skipDigits(body, position)
    }
    this.position = position
    return Number(latin1Text(this.body, start, position))
  }

  private literal(word: 'true' | 'false' | 'null'): boolean | null {
    for (let index = 0; index < word.length; index++) {
      if (this.body[this.position + index] !== word.charCodeAt(index)) throw OFF_THE_PATH
    }
    this.position += word.length
    return word === 'null' ? null : word === 'true'
  }

  /** Passes over the value of a member the shape does not name, checking that it is well formed. */
  private skipValue(depth: number): void {
    if (depth > MAX_SKIP_DEPTH) throw OFF_THE_PATH
    const byte = this.peek()
    if (byte === QUOTE) this.text()
    else if (byte === LETTER_T) this.literal('true')
    else if (byte === LETTER_F) this.literal('false')
    else if (byte === LETTER_N) this.literal('null')
    else if (byte === MINUS || (byte >= DIGIT_0 && byte <= DIGIT_9)) this.number()
    else if (byte === OPEN_BRACE) this.skipContainer(CLOSE_BRACE, depth)
    else if (byte === OPEN_BRACKET) this.skipContainer(CLOSE_BRACKET, depth)
    else throw OFF_THE_PATH
  }

  private skipContainer(close: number, depth: number): void {
    this.position++
    this.skipWhitespace()
    if (this.peek() === close) {
      this.position++
      return
    }
    for (;;) {
      this.skipWhitespace()
      if (close === CLOSE_BRACE) {
        this.text()
        this.skipWhitespace()
        this.expect(COLON)
        this.skipWhitespace()
      }
      this.skipValue(depth + 1)
      this.skipWhitespace()
      const separator = this.next()
      if (separator === close) return
      if (separator !== COMMA) throw OFF_THE_PATH
    }
  }

  private peek(): number {
    return this.body[this.position] ?? -1
  }

  private next(): number {
    return this.body[this.position++] ?? -1
  }

  private expect(byte: number): void {
    if (this.body[this.position] !== byte) throw OFF_THE_PATH
    this.position++
  }
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= DIGIT_0 && byte <= DIGIT_9
}

function skipDigits(body: Buffer, from: number): number {
  let position = from
  while (isDigit(body[position])) position++
  return position
}

function inOrder(result: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const ordered: Record<string, unknown> = {}
  for (const name of names) if (Object.hasOwn(result, name)) ordered[name] = result[name]
  return ordered
}
