import { AwsError, ServiceUnavailable } from '../aws/index.ts'
import { ApplicationCatalogUnavailableError } from '../ports/application-catalog.ts'
import { CatalogUnavailableError } from '../ports/stream-catalog.ts'
import { ObjectStoreUnavailableError } from '../ports/object-store.ts'
import { RecordLogUnavailableError } from '../ports/record-log.ts'

// Kinesis Data Analytics for SQL's named errors (AWS JSON 1.1: `__type` is the bare name), and the answer to
// outages.

function analyticsError(name: string, message: string): AwsError {
  return new AwsError(name, message, 400)
}

export function ResourceNotFoundException(message: string): AwsError {
  return analyticsError('ResourceNotFoundException', message)
}

export function ResourceInUseException(message: string): AwsError {
  return analyticsError('ResourceInUseException', message)
}

export function InvalidArgumentException(message: string): AwsError {
  return analyticsError('InvalidArgumentException', message)
}

export function InvalidApplicationConfigurationException(message: string): AwsError {
  return analyticsError('InvalidApplicationConfigurationException', message)
}

export function CodeValidationException(message: string): AwsError {
  return analyticsError('CodeValidationException', message)
}

export function ConcurrentModificationException(message: string): AwsError {
  return analyticsError('ConcurrentModificationException', message)
}

export function LimitExceededException(message: string): AwsError {
  return analyticsError('LimitExceededException', message)
}

export function TooManyTagsException(message: string): AwsError {
  return analyticsError('TooManyTagsException', message)
}

export function UnableToDetectSchemaException(
  message: string,
  records: { RawInputRecords?: string[]; ProcessedInputRecords?: string[] } = {},
): AwsError {
  return new AwsError('UnableToDetectSchemaException', message, 400, { details: records })
}

/** 503 ServiceUnavailable (retried by the SDKs) for a store or log outage; undefined for any other error. */
export function outageAnswer(error: unknown): AwsError | undefined {
  if (
    error instanceof ApplicationCatalogUnavailableError ||
    error instanceof CatalogUnavailableError ||
    error instanceof RecordLogUnavailableError ||
    error instanceof ObjectStoreUnavailableError
  ) {
    return ServiceUnavailable(error.message)
  }
  return undefined
}

/** Runs an operation's work, answering outages with 503 ServiceUnavailable. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw outageAnswer(error) ?? error
  }
}
