// The declarative description of an operation's input that the validation interpreter reads. An operation's
// table is a 'structure' whose members are listed in the order AWS reports their violations.

export type ShapeType =
  'string' | 'integer' | 'long' | 'boolean' | 'blob' | 'timestamp' | 'list' | 'map' | 'structure'

export interface MemberConstraints {
  readonly type: ShapeType
  /** "Member must not be null". */
  readonly required?: boolean
  /** Characters of a string, bytes of a blob, items of a list, entries of a map. */
  readonly minLength?: number
  readonly maxLength?: number
  /** Value of an integer or long. */
  readonly min?: number
  readonly max?: number
  /** A Java regular expression as in the service model; the whole value must match. */
  readonly pattern?: string
  /** Allowed values, listed in the order AWS prints them. */
  readonly enum?: readonly string[]
  /** The shape of a list's items. */
  readonly member?: MemberConstraints
  /** The members of a structure, in the order AWS reports their violations. */
  readonly members?: Readonly<Record<string, MemberConstraints>>
  /** The shapes of a map's keys and values. */
  readonly keys?: MemberConstraints
  readonly values?: MemberConstraints
  /**
   * How AWS prints a structure inside a value in a message, e.g.
   * 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2' (the list of records that is too long).
   */
  readonly display?: string
}

export interface ValidationFailure {
  readonly type: 'SerializationException' | 'ValidationException'
  readonly message: string
}
