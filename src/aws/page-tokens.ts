// Pagination tokens (NextToken): base64url JSON naming the token's kind, the caller's account and region, and
// where the next page starts. They carry no secret: a caller who edits one can only point it at another position
// among its own resources, which the scope check on use keeps it to. Each service words its own errors for a
// token that does not decode and for one that has expired.

import type { RequestContext } from './service.ts'

export function encodePageToken(kind: string, fields: object, context: RequestContext): string {
  const token = { ...fields, kind, accountId: context.accountId, region: context.region }
  return Buffer.from(JSON.stringify(token)).toString('base64url')
}

/** The fields of a token of `kind` issued to this caller; undefined for a garbled token or anyone else's. */
export function decodePageToken(
  text: string,
  kind: string,
  context: RequestContext,
): Readonly<Record<string, unknown>> | undefined {
  let fields: unknown
  try {
    fields = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return undefined
  const token = fields as Readonly<Record<string, unknown>>
  if (token.kind !== kind || token.accountId !== context.accountId || token.region !== context.region) {
    return undefined
  }
  return token
}
