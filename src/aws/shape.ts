// The one declarative description of an operation's input, transcribed from the AWS service model. The wire
// codecs read its types (JSON carries none, so they need them to turn base64 into blobs and epoch numbers into
// timestamps, and to word SerializationException as AWS does); constraints.ts checks its constraints and words
// the ValidationException. An operation's input is a 'structure' whose members are listed in the order AWS
// reports their violations.
//
// Example (Kinesis PutRecords):
//
//   {
//     Records: { type: 'list', required: true, minLength: 1, maxLength: 500, member: {
//       type: 'structure', members: { Data: { type: 'blob', required: true }, PartitionKey: { ... } } } },
//     StreamName: { type: 'string', minLength: 1, maxLength: 128, pattern: '[a-zA-Z0-9_.-]+' },
//   }
//
// Members that the description does not name are dropped from the input, as AWS ignores unknown members.
// Outputs need no description: operations return `Uint8Array` for blobs and `Date` for timestamps, and the
// encoders serialize by those runtime types.

export type ScalarType = 'string' | 'boolean' | 'integer' | 'long' | 'double' | 'blob' | 'timestamp'

export type ShapeType = Shape['type']

/** The constraints of the AWS service model, checked in this order within a member. */
interface Constraints {
  /** "Member must not be null". */
  readonly required?: boolean
  /** A Java regular expression as in the service model; the whole value must match. */
  readonly pattern?: string
  /** Characters of a string, bytes of a blob, items of a list, entries of a map. */
  readonly minLength?: number
  readonly maxLength?: number
  /** Value of an integer, long or double. */
  readonly min?: number
  readonly max?: number
  /** Allowed values, listed in the order AWS prints them. */
  readonly enum?: readonly string[]
}

export interface ScalarShape extends Constraints {
  readonly type: ScalarType
}

export interface ListShape extends Constraints {
  readonly type: 'list'
  /** The shape of the list's items. */
  readonly member: Shape
}

/** A map with string keys. */
export interface MapShape extends Constraints {
  readonly type: 'map'
  readonly keys?: ScalarShape
  readonly values: Shape
}

export interface StructureShape extends Constraints {
  readonly type: 'structure'
  /** In the order AWS reports their violations. */
  readonly members: Readonly<Record<string, Shape>>
  /**
   * How AWS prints the structure inside a value in a message, e.g.
   * 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2' (the list of records that is too long).
   */
  readonly display?: string
}

export type Shape = ScalarShape | ListShape | MapShape | StructureShape

/** An operation's input: its members, in the order AWS reports their violations. */
export type InputMembers = Readonly<Record<string, Shape>>

/** The input of operations that take no members (e.g. DescribeLimits). */
export const EMPTY_INPUT: StructureShape = { type: 'structure', members: {} }

export function inputShape(members: InputMembers): StructureShape {
  return { type: 'structure', members }
}
