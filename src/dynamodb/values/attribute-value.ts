import { canonicalNumber, compareNumbers, numberProblem } from './numbers.ts'

// An attribute value as stored and compared: the wire's JSON form, with binaries as base64 text (the codec hands
// operations Uint8Array; `fromWire` and `toWire` convert at the edges of an operation).

export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly L: readonly AttributeValue[] }
  | { readonly M: Readonly<Record<string, AttributeValue>> }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] }

export type Item = Readonly<Record<string, AttributeValue>>

export type TypeName = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'L' | 'M' | 'SS' | 'NS' | 'BS'

export const TYPE_NAMES: readonly TypeName[] = ['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS']

export function typeOf(value: AttributeValue): TypeName {
  return Object.keys(value)[0] as TypeName
}

/** The name DynamoDB uses for a type in update expression errors ('operand type: STRING'). */
export function longTypeName(type: TypeName): string {
  return LONG_NAMES[type]
}

const LONG_NAMES: Record<TypeName, string> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  BOOL: 'BOOLEAN',
  NULL: 'NULL',
  L: 'LIST',
  M: 'MAP',
  SS: 'SS',
  NS: 'NS',
  BS: 'BS',
}

/** Thrown for a value DynamoDB refuses; the operation words the ValidationException around the message. */
export class AttributeValueError extends Error {
  override name = 'AttributeValueError'
}

/**
 * A value as the codec read it (binaries as Uint8Array, any member possibly absent) checked as DynamoDB
 * checks it, in canonical form (numbers normalized). Throws AttributeValueError with DynamoDB's message.
 */
export function fromWire(wire: unknown): AttributeValue {
  const value = (wire ?? {}) as Record<string, unknown>
  const types = Object.keys(value).filter((key) => value[key] !== undefined && value[key] !== null)
  if (types.length === 0) {
    throw new AttributeValueError(
      'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
    )
  }
  if (types.length > 1) {
    throw new AttributeValueError(
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    )
  }
  const type = types[0] as TypeName
  const content = value[type]
  switch (type) {
    case 'S':
      return { S: content as string }
    case 'N':
      return { N: checkedNumber(content as string) }
    case 'B':
      return { B: base64(content) }
    case 'BOOL':
      return { BOOL: content as boolean }
    case 'NULL':
      if (content !== true) invalid('Null attribute value types must have the value of true')
      return { NULL: true }
    case 'L':
      return { L: (content as unknown[]).map(fromWire) }
    case 'M': {
      const entries = content as Record<string, unknown>
      const map: Record<string, AttributeValue> = {}
      for (const name of Object.keys(entries)) map[name] = fromWire(entries[name])
      return { M: map }
    }
    case 'SS': {
      const set = content as string[]
      if (set.length === 0) invalid('An string set  may not be empty')
      if (new Set(set).size !== set.length)
        invalid(`Input collection [${set.join(', ')}] contains duplicates.`)
      return { SS: set }
    }
    case 'NS': {
      const set = (content as string[]).map(checkedNumber)
      if (set.length === 0) invalid('An number set  may not be empty')
      if (new Set(set).size !== set.length) {
        throw new AttributeValueError('Input collection contains duplicates')
      }
      return { NS: set }
    }
    case 'BS': {
      const set = (content as unknown[]).map(base64)
      if (set.length === 0) invalid('Binary sets should not be empty')
      if (new Set(set).size !== set.length) {
        invalid(`Input collection [${set.join(', ')}]of type BS contains duplicates.`)
      }
      return { BS: set }
    }
  }
}

function invalid(reason: string): never {
  throw new AttributeValueError(`One or more parameter values were invalid: ${reason}`)
}

function checkedNumber(text: string): string {
  const problem = numberProblem(text)
  if (problem !== undefined) throw new AttributeValueError(problem)
  return canonicalNumber(text)
}

function base64(content: unknown): string {
  if (content instanceof Uint8Array) return Buffer.from(content).toString('base64')
  return String(content)
}

/** An item as the codec read it, checked and in canonical form. */
export function itemFromWire(wire: Readonly<Record<string, unknown>>): Item {
  const item: Record<string, AttributeValue> = {}
  for (const name of Object.keys(wire)) item[name] = fromWire(wire[name])
  return item
}

/** For the response: binaries as Uint8Array, which the codec writes as base64. */
export function toWire(value: AttributeValue): unknown {
  if ('B' in value) return Buffer.from(value.B, 'base64')
  if ('BS' in value) return { BS: value.BS.map((entry) => Buffer.from(entry, 'base64')) }
  if ('L' in value) return { L: value.L.map(toWire) }
  if ('M' in value) return { M: itemToWire(value.M) }
  return value
}

export function itemToWire(item: Item): Record<string, unknown> {
  const wire: Record<string, unknown> = {}
  for (const name of Object.keys(item)) {
    const value = item[name] as AttributeValue
    wire[name] = 'B' in value ? { B: Buffer.from(value.B, 'base64') } : toWire(value)
  }
  return wire
}

/** Equality as DynamoDB's `=` sees it: same type and value; sets regardless of order; numbers by value. */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a)
  if (type !== typeOf(b)) return false
  const x = (a as Record<string, unknown>)[type]
  const y = (b as Record<string, unknown>)[type]
  switch (type) {
    case 'N':
      return compareNumbers(x as string, y as string) === 0
    case 'SS':
    case 'BS':
      return sameSet(x as string[], y as string[], (p, q) => p === q)
    case 'NS':
      return sameSet(x as string[], y as string[], (p, q) => compareNumbers(p, q) === 0)
    case 'L': {
      const l = x as AttributeValue[]
      const r = y as AttributeValue[]
      return l.length === r.length && l.every((item, index) => valuesEqual(item, r[index] as AttributeValue))
    }
    case 'M': {
      const l = x as Item
      const r = y as Item
      const names = Object.keys(l)
      if (names.length !== Object.keys(r).length) return false
      return names.every((name) => {
        const other = r[name]
        return other !== undefined && valuesEqual(l[name] as AttributeValue, other)
      })
    }
    default:
      return x === y
  }
}

function sameSet(
  a: readonly string[],
  b: readonly string[],
  same: (p: string, q: string) => boolean,
): boolean {
  return a.length === b.length && a.every((p) => b.some((q) => same(p, q)))
}

/**
 * The order of `<`, `>`, BETWEEN and sort keys: numbers by value, strings by UTF-8 bytes, binaries by unsigned
 * bytes. Undefined for values of different types or of types without an order (DynamoDB's condition is then
 * false).
 */
export function compareValues(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('N' in a && 'N' in b) return compareNumbers(a.N, b.N)
  if ('S' in a && 'S' in b) return Buffer.compare(Buffer.from(a.S), Buffer.from(b.S))
  if ('B' in a && 'B' in b) return Buffer.compare(Buffer.from(a.B, 'base64'), Buffer.from(b.B, 'base64'))
  return undefined
}

/** DynamoDB's item size: attribute names' and values' UTF-8 lengths (numbers approximated by their text). */
export function itemSize(item: Item): number {
  let size = 0
  for (const name of Object.keys(item))
    size += Buffer.byteLength(name) + valueSize(item[name] as AttributeValue)
  return size
}

function valueSize(value: AttributeValue): number {
  if ('S' in value) return Buffer.byteLength(value.S)
  if ('N' in value) return Math.ceil(value.N.length / 2) + 1
  if ('B' in value) return Buffer.from(value.B, 'base64').length
  if ('BOOL' in value || 'NULL' in value) return 1
  if ('SS' in value) return value.SS.reduce((sum, entry) => sum + Buffer.byteLength(entry), 0)
  if ('NS' in value) return value.NS.reduce((sum, entry) => sum + Math.ceil(entry.length / 2) + 1, 0)
  if ('BS' in value) return value.BS.reduce((sum, entry) => sum + Buffer.from(entry, 'base64').length, 0)
  if ('L' in value) return 3 + value.L.reduce((sum, entry) => sum + 1 + valueSize(entry), 0)
  return 3 + itemSize(value.M) + Object.keys(value.M).length
}
