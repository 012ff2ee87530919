import {
  SerializationException,
  type ListShape,
  type MapShape,
  type ScalarType,
  type Shape,
  type StructureShape,
} from '../../aws/index.ts'

/**
 * How a wire format carries blobs and timestamps. Each returns undefined when the value has a type that cannot
 * be converted (the reader then reports it), or throws a SerializationException with a more specific message.
 */
export interface WireScalars {
  blob(value: unknown): Uint8Array | undefined
  timestamp(value: unknown): Date | undefined
}

/**
 * Turns a decoded request document into an operation's input, guided by the input's shape: converts blobs and
 * timestamps, checks member types with the wording AWS uses for SerializationException, drops null and unknown
 * members. Builds new structures rather than mutating the document, so the result has exactly the shape's members.
 */
export function readInput(
  document: unknown,
  shape: StructureShape,
  scalars: WireScalars,
): Record<string, unknown> {
  if (!isRecord(document)) {
    if (Array.isArray(document)) throw SerializationException(START_OF_LIST)
    throw SerializationException()
  }
  return readStructure(document, shape, scalars)
}

const START_OF_LIST = 'Start of list found where not expected'
const START_OF_STRUCTURE = 'Start of structure or map found where not expected.'

function readValue(value: unknown, shape: Shape, scalars: WireScalars): unknown {
  if (value === null || value === undefined) return null
  switch (shape.type) {
    case 'structure':
      if (isRecord(value)) return readStructure(value, shape, scalars)
      throw SerializationException(Array.isArray(value) ? START_OF_LIST : 'Expected null')
    case 'list':
      if (Array.isArray(value)) return readList(value, shape, scalars)
      throw SerializationException(isRecord(value) ? START_OF_STRUCTURE : 'Expected list or null')
    case 'map':
      if (isRecord(value)) return readMap(value, shape, scalars)
      throw SerializationException(Array.isArray(value) ? START_OF_LIST : 'Expected map or null')
    default:
      return readScalar(value, shape.type, scalars)
  }
}

function readStructure(
  value: Readonly<Record<string, unknown>>,
  shape: StructureShape,
  scalars: WireScalars,
): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  try {
    for (const name of Object.keys(shape.members)) {
      const member = value[name]
      const memberShape = shape.members[name]
      if (member === null || member === undefined || memberShape === undefined) continue
      result[name] = readValue(member, memberShape, scalars)
    }
  } catch (error) {
    throwFirstInDocumentOrder(value, shape, scalars)
    throw error
  }
  return result
}

/**
 * AWS's deserializer meets members in the order the document has them and stops at the first value of the wrong
 * type; the input is built in the shape's order, so when that finds a problem, the document is read again in
 * its own order for the error AWS would report.
 */
function throwFirstInDocumentOrder(
  value: Readonly<Record<string, unknown>>,
  shape: StructureShape,
  scalars: WireScalars,
): void {
  for (const [name, member] of Object.entries(value)) {
    const memberShape = Object.hasOwn(shape.members, name) ? shape.members[name] : undefined
    if (member === null || member === undefined || memberShape === undefined) continue
    readValue(member, memberShape, scalars)
  }
}

function readList(value: readonly unknown[], shape: ListShape, scalars: WireScalars): unknown[] {
  const result = new Array<unknown>(value.length)
  for (let i = 0; i < value.length; i++) result[i] = readValue(value[i], shape.member, scalars)
  return result
}

function readMap(
  value: Readonly<Record<string, unknown>>,
  shape: MapShape,
  scalars: WireScalars,
): Record<string, unknown> {
  // fromEntries defines own properties, so a '__proto__' key stays an ordinary key.
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key, readValue(entry, shape.values, scalars)]),
  )
}

const INT_MAX = 2 ** 31 - 1
const INT_MIN = -(2 ** 31)

/** A wire value (string, number, boolean, or what a codec decodes blobs and timestamps from) as a member of `shape`. */
export function readScalar(value: unknown, type: ScalarType, scalars: WireScalars): unknown {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value
      break
    case 'boolean':
      if (typeof value === 'boolean') return value
      if (typeof value === 'string') return booleanFromString(value)
      break
    case 'integer':
    case 'long':
    case 'double': {
      const number = typeof value === 'bigint' ? Number(value) : value
      if (typeof number !== 'number') break
      if (type === 'double') return number
      // AWS refuses a fraction (or a CBOR NaN or infinity) for an integer member, in the words of a number that
      // cannot be converted; whole numbers out of an Integer's range are clamped to it.
      if (!Number.isInteger(number)) break
      return type === 'integer' ? Math.min(INT_MAX, Math.max(INT_MIN, number)) : number
    }
    case 'blob': {
      const blob = scalars.blob(value)
      if (blob !== undefined) return blob
      break
    }
    case 'timestamp': {
      const timestamp = scalars.timestamp(value)
      if (timestamp !== undefined) return timestamp
      break
    }
  }
  throw SerializationException(conversionMessage(value, type))
}

function booleanFromString(value: string): boolean {
  const upper = value.toUpperCase()
  if (upper === 'TRUE') return true
  if (upper === 'FALSE') return false
  throw SerializationException(`'${upper}' can not be converted to an Boolean`)
}

const TARGET_NAMES: Readonly<Record<ScalarType, string>> = {
  string: 'an String',
  boolean: 'an Boolean',
  integer: 'an Integer',
  long: 'an Long',
  double: 'an Double',
  blob: 'a Blob',
  timestamp: 'milliseconds since epoch',
}

/** AWS reports type mismatches in terms of the Java classes of its JSON reader. */
function conversionMessage(value: unknown, type: ScalarType): string {
  if (Array.isArray(value)) return START_OF_LIST
  if (isRecord(value)) return START_OF_STRUCTURE
  return `class ${javaClassOf(value)} can not be converted to ${TARGET_NAMES[type]}`
}

function javaClassOf(value: unknown): string {
  if (typeof value === 'string') return 'java.lang.String'
  if (typeof value === 'boolean') return 'java.lang.Boolean'
  if (typeof value === 'number' || typeof value === 'bigint') {
    return 'com.amazon.coral.value.json.numbers.TruncatingBigNumber'
  }
  if (value instanceof Uint8Array) return 'java.nio.HeapByteBuffer'
  if (value instanceof Date) return 'java.util.Date'
  return 'java.lang.Object'
}

/** A map or structure as decoded from JSON or CBOR: a plain object, not an array, blob, date or tag. */
function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}
