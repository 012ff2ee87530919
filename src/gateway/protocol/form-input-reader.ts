import { AwsError } from '../../aws/index.ts'
import type { ListShape, MapShape, ScalarType, Shape, StructureShape } from '../../aws/index.ts'
import { decodeBase64Blob } from './base64.ts'

/**
 * The parameters of an AWS query request body (`application/x-www-form-urlencoded`), with every dotted prefix of
 * their names, so that a structure, list item or map entry is known to be present without scanning the names.
 */
export class QueryForm {
  private readonly values = new Map<string, string>()
  private readonly prefixes = new Set<string>()

  constructor(body: string) {
    for (const [name, value] of new URLSearchParams(body)) {
      this.values.set(name, value)
      for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1))
        this.prefixes.add(name.slice(0, dot))
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name)
  }

  /** A parameter of this name, or parameters below it (`Name.Member=...`). */
  has(name: string): boolean {
    return this.values.has(name) || this.prefixes.has(name)
  }
}

/**
 * An operation's input from query parameters, directed by its shape: structure members as `Name.Member`, list
 * items as `Name.member.N` (from 1, up to the first missing number; `Name=` alone is an empty list), map entries
 * as `Name.entry.N.key` / `Name.entry.N.value`; booleans `true`/`false`, timestamps ISO 8601, blobs base64.
 * Parameters the shape does not name (Action, Version, signature parameters) are ignored. A value that does not
 * fit its member's type is answered 400 InvalidParameterValue, the query APIs' error for "an invalid or
 * out-of-range value was supplied for the input parameter".
 */
export function readFormInput(form: QueryForm, shape: StructureShape): Record<string, unknown> {
  return readStructure(form, '', shape)
}

function readStructure(form: QueryForm, prefix: string, shape: StructureShape): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const [name, memberShape] of Object.entries(shape.members)) {
    const value = readValue(form, prefix + name, memberShape)
    if (value !== undefined) result[name] = value
  }
  return result
}

function readValue(form: QueryForm, name: string, shape: Shape): unknown {
  switch (shape.type) {
    case 'structure':
      return form.has(name) ? readStructure(form, `${name}.`, shape) : undefined
    case 'list':
      return form.has(name) ? readList(form, name, shape) : undefined
    case 'map':
      return form.has(name) ? readMap(form, name, shape) : undefined
    default: {
      const text = form.get(name)
      return text === undefined ? undefined : readScalar(text, shape.type, name)
    }
  }
}

function readList(form: QueryForm, name: string, shape: ListShape): unknown[] {
  const items: unknown[] = []
  for (let index = 1; ; index++) {
    const itemName = `${name}.member.${String(index)}`
    if (!form.has(itemName)) return items
    items.push(readValue(form, itemName, shape.member) ?? null)
  }
}

function readMap(form: QueryForm, name: string, shape: MapShape): Record<string, unknown> {
  // Own properties only, so that a '__proto__' key stays an ordinary key.
  const entries: [string, unknown][] = []
  for (let index = 1; ; index++) {
    const entryName = `${name}.entry.${String(index)}`
    if (!form.has(entryName)) return Object.fromEntries(entries)
    const key = form.get(`${entryName}.key`)
    if (key === undefined) throw invalidValue(`${entryName}.key`, undefined, 'a map key')
    entries.push([key, readValue(form, `${entryName}.value`, shape.values) ?? null])
  }
}

const INTEGER = /^[+-]?\d+$/
const DOUBLE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^(?:NaN|[+-]?Infinity)$/
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/i
const INT_MAX = 2 ** 31 - 1
const INT_MIN = -(2 ** 31)

function readScalar(text: string, type: ScalarType, name: string): unknown {
  switch (type) {
    case 'string':
      return text
    case 'boolean':
      if (text === 'true') return true
      if (text === 'false') return false
      throw invalidValue(name, text, 'a boolean (true or false)')
    case 'integer':
    case 'long': {
      const number = INTEGER.test(text) ? Number(text) : NaN
      const fits = type === 'integer' ? number >= INT_MIN && number <= INT_MAX : Number.isSafeInteger(number)
      if (fits) return number
      throw invalidValue(name, text, type === 'integer' ? 'an integer' : 'a long')
    }
    case 'double':
      if (DOUBLE.test(text)) return Number(text)
      throw invalidValue(name, text, 'a double')
    case 'blob':
      try {
        return decodeBase64Blob(text)
      } catch {
        throw invalidValue(name, text, 'base64 bytes')
      }
    case 'timestamp': {
      const millis = ISO_8601.test(text) ? Date.parse(text) : NaN
      if (!Number.isNaN(millis)) return new Date(millis)
      throw invalidValue(name, text, 'an ISO 8601 timestamp')
    }
  }
}

function invalidValue(name: string, text: string | undefined, expected: string): AwsError {
  const shown = text === undefined ? 'null' : `(${text})`
  return new AwsError(
    'InvalidParameterValue',
    `Value ${shown} for parameter ${name} is invalid. Expected ${expected}.`,
    400,
  )
}
