// The type step that precedes constraint validation. AWS's JSON deserializer converts members as it meets
// them in the document and stops at the first value of the wrong kind with a SerializationException; its
// messages name the Java classes involved. Unknown members are ignored and null counts as absent.
//
// Documents decoded from CBOR may also hold bytes (blobs), Date (timestamps) and bigint (integers).

import type { MemberConstraints, ValidationFailure } from './member-constraints.ts'
import { isRecord } from './value-text.ts'

const NUMBER_CLASS = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber'
const START_OF_LIST = 'Start of list found where not expected'
const START_OF_STRUCTURE = 'Start of structure or map found where not expected.'

/** The SerializationException for the first value of the wrong type, in document order. */
export function checkTypes(input: unknown, shape: MemberConstraints): ValidationFailure | undefined {
  const message = typeProblem(input, shape)
  return message === undefined ? undefined : { type: 'SerializationException', message }
}

function typeProblem(value: unknown, shape: MemberConstraints): string | undefined {
  if (value === undefined || value === null) return undefined
  switch (shape.type) {
    case 'string':
      return scalarProblem(value, 'string', 'an String')
    case 'integer':
      return scalarProblem(value, 'number', 'an Integer')
    case 'long':
      return scalarProblem(value, 'number', 'an Long')
    case 'boolean':
      return scalarProblem(value, 'boolean', 'an Boolean')
    case 'timestamp':
      return scalarProblem(value, 'timestamp', 'milliseconds since epoch')
    case 'blob':
      return typeof value === 'string' ? base64Problem(value) : scalarProblem(value, 'blob', 'a Blob')
    case 'list':
      if (!Array.isArray(value)) return isRecord(value) ? START_OF_STRUCTURE : 'Expected list or null'
      return firstProblem(value, (item) =>
        shape.member === undefined ? undefined : typeProblem(item, shape.member),
      )
    case 'map':
      if (!isRecord(value)) return Array.isArray(value) ? START_OF_LIST : 'Expected map or null'
      return firstProblem(Object.values(value), (item) =>
        shape.values === undefined ? undefined : typeProblem(item, shape.values),
      )
    case 'structure':
      if (!isRecord(value)) return Array.isArray(value) ? START_OF_LIST : 'Expected null'
      return firstProblem(Object.entries(value), ([name, item]) => {
        const memberShape = shape.members?.[name]
        return memberShape === undefined ? undefined : typeProblem(item, memberShape)
      })
  }
}

type ScalarKind = 'string' | 'number' | 'boolean' | 'timestamp' | 'blob'

function scalarProblem(value: unknown, expected: ScalarKind, target: string): string | undefined {
  const actual = scalarKindOf(value)
  if (actual === expected) return undefined
  if (expected === 'number' && typeof value === 'bigint') return undefined
  if (expected === 'timestamp' && typeof value === 'number') return undefined
  if (Array.isArray(value)) return START_OF_LIST
  if (isRecord(value)) return START_OF_STRUCTURE
  if (typeof value === 'string' && expected === 'boolean')
    return `'${value.toUpperCase()}' can not be converted to ${target}`
  return `${javaClassOf(value)} can not be converted to ${target}`
}

function scalarKindOf(value: unknown): ScalarKind | undefined {
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'number') return 'number'
  if (value instanceof Date) return 'timestamp'
  if (value instanceof Uint8Array) return 'blob'
  return undefined
}

function javaClassOf(value: unknown): string {
  if (typeof value === 'string') return 'class java.lang.String'
  if (typeof value === 'boolean') return 'class java.lang.Boolean'
  if (typeof value === 'number' || typeof value === 'bigint') return NUMBER_CLASS
  if (value instanceof Uint8Array) return 'class java.nio.HeapByteBuffer'
  if (value instanceof Date) return 'class java.util.Date'
  return `class ${typeof value}`
}

/** Blobs travel as base64 in JSON; AWS checks the text strictly. */
function base64Problem(text: string): string | undefined {
  const prefix = `'${text}' can not be converted to a Blob: `
  if (text.length % 4 !== 0) {
    return `${prefix}Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`
  }
  const invalid = /[^A-Za-z0-9+/=]|=[^=]/.exec(text)
  if (invalid !== null) return `${prefix}Invalid Base64 character: '${invalid[0].charAt(0)}'`
  // The message's misspelling is AWS's.
  if (Buffer.from(text, 'base64').toString('base64') !== text) {
    return `${prefix}Invalid last non-pad Base64 character dectected`
  }
  return undefined
}

function firstProblem<T>(
  items: readonly T[],
  problemOf: (item: T) => string | undefined,
): string | undefined {
  for (const item of items) {
    const problem = problemOf(item)
    if (problem !== undefined) return problem
  }
  return undefined
}
