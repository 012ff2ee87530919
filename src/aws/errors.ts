/**
 * AWS errors as the wire shows them: a type name (`__type` in the body, `x-amzn-ErrorType` header), a message
 * and an HTTP status. Operations throw these; anything else that escapes an operation becomes InternalFailure.
 */
export class AwsError extends Error {
  override readonly name = 'AwsError'
  /**
   * The coral namespace AWS appends in `x-amzn-ErrorType` (`Type:http://internal.amazon.com/coral/<ns>/`).
   * Known for the framework errors; service errors leave it undefined and the header carries the bare type.
   */
  readonly namespace: string | undefined
  /**
   * The code the AWS query protocol names the error by, when it differs from the type (CloudWatch's
   * InvalidParameterValueException is `InvalidParameterValue`); query-compatible JSON and CBOR answers carry it
   * in `x-amzn-query-error`.
   */
  readonly queryCode: string | undefined
  /** Members the error document carries besides `__type` and `message` (DynamoDB's `Item`). */
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(
    /** The exception's name as the SDKs know it, e.g. `ResourceNotFoundException`. */
    readonly type: string,
    /** May be empty: some AWS errors (e.g. SerializationException for malformed JSON) carry no message. */
    message: string,
    readonly status: number,
    options: AwsErrorOptions = {},
  ) {
    super(message)
    this.namespace = options.namespace
    this.queryCode = options.queryCode
    this.details = options.details
  }
}

export interface AwsErrorOptions {
  readonly namespace?: string
  readonly queryCode?: string
  readonly details?: Readonly<Record<string, unknown>>
}

const CORAL_SERVICE = 'com.amazon.coral.service'
const CORAL_VALIDATE = 'com.amazon.coral.validate'

export function isAwsError(error: unknown): error is AwsError {
  return error instanceof AwsError
}

// Errors of the AWS request pipeline itself, common to every service. Each service keeps its own named errors
// (ResourceNotFoundException, ...) in its own folder.

export function ValidationException(message: string): AwsError {
  return new AwsError('ValidationException', message, 400, { namespace: CORAL_VALIDATE })
}

export function SerializationException(message = ''): AwsError {
  return new AwsError('SerializationException', message, 400, { namespace: CORAL_SERVICE })
}

export function UnknownOperationException(message = ''): AwsError {
  return new AwsError('UnknownOperationException', message, 400, { namespace: CORAL_SERVICE })
}

// AWS answers authentication failures with 400 when the request has a JSON content type.

export function MissingAuthenticationTokenException(message = 'Missing Authentication Token'): AwsError {
  return new AwsError('MissingAuthenticationTokenException', message, 400, { namespace: CORAL_SERVICE })
}

export function IncompleteSignatureException(message: string): AwsError {
  return new AwsError('IncompleteSignatureException', message, 400, { namespace: CORAL_SERVICE })
}

export function InvalidSignatureException(message: string): AwsError {
  return new AwsError('InvalidSignatureException', message, 400, { namespace: CORAL_SERVICE })
}

export function AccessDeniedException(message: string): AwsError {
  return new AwsError('AccessDeniedException', message, 400, { namespace: CORAL_SERVICE })
}

export function InternalFailure(
  message = 'The request processing has failed because of an unknown error, exception or failure.',
): AwsError {
  return new AwsError('InternalFailure', message, 500, { namespace: CORAL_SERVICE })
}

/** Retriable: SDKs retry 503 responses. Services use it for infrastructure outages. */
export function ServiceUnavailable(message = 'Service Unavailable'): AwsError {
  return new AwsError('ServiceUnavailable', message, 503, { namespace: CORAL_SERVICE })
}
