import type { IncomingHttpHeaders } from 'node:http'
import { headerValue } from './http-types.ts'

/** The SigV4 credential scope: `Credential=<accessKeyId>/<date>/<region>/<service>/aws4_request`. */
export interface CredentialScope {
  readonly accessKeyId: string
  readonly date: string
  readonly region: string
  readonly service: string
}

/** Reads the credential scope from the Authorization header, or from a presigned URL's X-Amz-Credential. */
export function credentialScopeOf(
  headers: IncomingHttpHeaders,
  url: string | undefined,
): CredentialScope | undefined {
  const authorization = headerValue(headers.authorization)
  if (authorization !== undefined) {
    const credential = /Credential=([^,\s]+)/.exec(authorization)?.[1]
    return credential === undefined ? undefined : parseCredential(credential)
  }
  const query = url?.indexOf('?') ?? -1
  if (url === undefined || query === -1) return undefined
  const credential = new URLSearchParams(url.slice(query + 1)).get('X-Amz-Credential')
  return credential === null ? undefined : parseCredential(credential)
}

function parseCredential(credential: string): CredentialScope | undefined {
  const [accessKeyId, date, region, service, terminator] = credential.split('/')
  if (accessKeyId === undefined || date === undefined || region === undefined || service === undefined) {
    return undefined
  }
  if (accessKeyId === '' || terminator !== 'aws4_request') return undefined
  return { accessKeyId, date, region, service }
}

export interface Caller {
  readonly accountId: string
  readonly region: string
  readonly accessKeyId: string | undefined
}

export interface CallerDefaults {
  readonly defaultAccountId: string
  readonly defaultRegion: string
}

/**
 * The account and region a request acts in. There is no IAM here: an access key id of exactly 12 digits is
 * taken as the account id (so tests can address several accounts), any other key acts in the default account.
 */
export function callerOf(scope: CredentialScope | undefined, defaults: CallerDefaults): Caller {
  if (scope === undefined) {
    return { accountId: defaults.defaultAccountId, region: defaults.defaultRegion, accessKeyId: undefined }
  }
  return {
    accountId: /^\d{12}$/.test(scope.accessKeyId) ? scope.accessKeyId : defaults.defaultAccountId,
    region: scope.region === '' ? defaults.defaultRegion : scope.region,
    accessKeyId: scope.accessKeyId,
  }
}

/** What a signature verifier gets: the request as received, and the service it is addressed to. */
export interface SignedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  /** Undefined when the request carries no (well-formed) credential. */
  readonly scope: CredentialScope | undefined
  /** The SigV4 service name the target service signs with, e.g. 'kinesis'. */
  readonly signingName: string
}

/**
 * Checks a request's SigV4 signature; resolves when it is acceptable, otherwise throws an AwsError
 * (MissingAuthenticationTokenException, IncompleteSignatureException, InvalidSignatureException, ...).
 * Without one configured, the gateway accepts every request.
 */
export type SignatureVerifier = (request: SignedRequest) => Promise<void>
