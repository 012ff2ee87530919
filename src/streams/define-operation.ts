import {
  ValidationException,
  list,
  map,
  structure,
  type Operation,
  type RequestContext,
  type Shape,
  type StructureShape,
} from '../gateway/index.ts'
import { checkConstraints } from '../validation/constraints.ts'
import type { MemberConstraints } from '../validation/member-constraints.ts'

/**
 * One Kinesis operation: its input table (members in the order AWS reports their violations, with the
 * constraints of the AWS service model) and its handler. The handler runs only on input that passed the table.
 */
export interface OperationDefinition<Input, Output> {
  name: string
  input: Readonly<Record<string, MemberConstraints>>
  handle(input: Input, context: RequestContext): Promise<Output>
}

export function defineOperation<Input extends object, Output>(
  definition: OperationDefinition<Input, Output>,
): Operation<Input, Output> {
  const table: MemberConstraints = { type: 'structure', members: definition.input }
  return {
    name: definition.name,
    input: codecShape(table) as StructureShape,
    async handle(input, context) {
      const failure = checkConstraints(input, table)
      if (failure !== undefined) throw ValidationException(failure.message)
      return definition.handle(input, context)
    },
  }
}

/** The codecs need only the types; the constraints stay with validation. */
function codecShape(constraints: MemberConstraints): Shape {
  switch (constraints.type) {
    case 'structure':
      return structure(
        Object.fromEntries(
          Object.entries(constraints.members ?? {}).map(([name, member]) => [name, codecShape(member)]),
        ),
      )
    case 'list':
      return list(codecShape(required(constraints.member, 'list member')))
    case 'map':
      return map(codecShape(required(constraints.values, 'map values')))
    case 'string':
    case 'boolean':
    case 'integer':
    case 'long':
    case 'blob':
    case 'timestamp':
      return constraints.type
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`operation table lacks the ${what}`)
  return value
}
