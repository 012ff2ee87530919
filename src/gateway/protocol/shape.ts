/**
 * A tiny schema of an operation's input, transcribed from the AWS service model. JSON carries no type
 * information, so the codecs need it to turn base64 strings into blobs and epoch numbers into timestamps, and to
 * reject values of the wrong type with AWS's SerializationException wording.
 *
 * Example (Kinesis PutRecords):
 *
 *   structure({
 *     StreamName: 'string',
 *     StreamARN: 'string',
 *     Records: list(structure({ Data: 'blob', PartitionKey: 'string', ExplicitHashKey: 'string' })),
 *   })
 *
 * Members that the schema does not name are dropped from the input, as AWS ignores unknown members.
 * Outputs need no schema: operations return `Uint8Array` for blobs and `Date` for timestamps, and the encoders
 * serialize by those runtime types.
 */
export type Shape = ScalarShape | ListShape | MapShape | StructureShape

export type ScalarShape = 'string' | 'boolean' | 'integer' | 'long' | 'double' | 'blob' | 'timestamp'

export interface ListShape {
  readonly list: Shape
}

/** A map with string keys. */
export interface MapShape {
  readonly map: Shape
}

export interface StructureShape {
  readonly structure: Readonly<Record<string, Shape>>
}

export function structure(members: Readonly<Record<string, Shape>>): StructureShape {
  return { structure: members }
}

export function list(member: Shape): ListShape {
  return { list: member }
}

export function map(value: Shape): MapShape {
  return { map: value }
}

/** The input of operations that take no members (e.g. DescribeLimits). */
export const EMPTY_STRUCTURE: StructureShape = structure({})
