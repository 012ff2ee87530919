import { AwsError, ServiceUnavailable, ValidationException } from '../aws/index.ts'
import { TableStoreUnavailableError } from '../ports/table-store.ts'

// DynamoDB's errors (JSON 1.0: `__type` is the shape id, `com.amazonaws.dynamodb.v20120810#<Name>`), and the
// answer to outages.

const NAMESPACE = 'com.amazonaws.dynamodb.v20120810#'

function dynamoDbError(name: string, message: string, details?: Readonly<Record<string, unknown>>): AwsError {
  return new AwsError(`${NAMESPACE}${name}`, message, 400, details === undefined ? {} : { details })
}

export function ResourceNotFoundException(message = 'Requested resource not found'): AwsError {
  return dynamoDbError('ResourceNotFoundException', message)
}

export function ResourceInUseException(message: string): AwsError {
  return dynamoDbError('ResourceInUseException', message)
}

export function LimitExceededException(message: string): AwsError {
  return dynamoDbError('LimitExceededException', message)
}

/** With `ReturnValuesOnConditionCheckFailure: ALL_OLD`, the item as it was (if any) in `Item`. */
export function ConditionalCheckFailedException(item?: Readonly<Record<string, unknown>>): AwsError {
  return dynamoDbError(
    'ConditionalCheckFailedException',
    'The conditional request failed',
    item === undefined ? undefined : { Item: item },
  )
}

/** DynamoDB words its own validation errors (`com.amazon.coral.validate#ValidationException`). */
export function invalid(message: string): AwsError {
  return ValidationException(message)
}

/** A member DynamoDB has that this gateway does not serve: refused rather than ignored. */
export function unsupported(member: string): AwsError {
  return ValidationException(`${member} is not supported by this DynamoDB-compatible service`)
}

/** 503 ServiceUnavailable (retried by the SDKs) for a store outage; undefined for any other error. */
export function outageAnswer(error: unknown): AwsError | undefined {
  return error instanceof TableStoreUnavailableError ? ServiceUnavailable(error.message) : undefined
}
