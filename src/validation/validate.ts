import { checkConstraints } from './constraints.ts'
import type { MemberConstraints, ValidationFailure } from './member-constraints.ts'
import { checkTypes } from './type-check.ts'

/**
 * Checks a decoded request document against an operation's input shape as AWS does: first the types
 * (SerializationException), then the constraints (ValidationException). Undefined when the input passes.
 */
export function validate(input: unknown, shape: MemberConstraints): ValidationFailure | undefined {
  return checkTypes(input, shape) ?? checkConstraints(input, shape)
}
