/**
 * A member the operation's table marks required: validation has refused the request if it was missing, so
 * its absence here is a programming error, not a client error.
 */
export function validated<T>(value: T | undefined, member: string): T {
  if (value === undefined) throw new Error(`${member} passed validation but is missing`)
  return value
}
