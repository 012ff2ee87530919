import { AwsError, ServiceUnavailable } from '../aws/index.ts'
import { ConsumerRegistryUnavailableError } from '../ports/consumer-registry.ts'
import { RecordLogUnavailableError } from '../ports/record-log.ts'
import { CatalogUnavailableError } from '../ports/stream-catalog.ts'
import { SubscriptionLeasesUnavailableError } from '../ports/subscription-leases.ts'

// The errors of the Kinesis Data Streams model (all 400), and the answer to outages.

export function ResourceNotFoundException(message: string): AwsError {
  return new AwsError('ResourceNotFoundException', message, 400)
}

export function InvalidArgumentException(message: string): AwsError {
  return new AwsError('InvalidArgumentException', message, 400)
}

export function ResourceInUseException(message: string): AwsError {
  return new AwsError('ResourceInUseException', message, 400)
}

export function ExpiredIteratorException(message: string): AwsError {
  return new AwsError('ExpiredIteratorException', message, 400)
}

export function ProvisionedThroughputExceededException(message: string): AwsError {
  return new AwsError('ProvisionedThroughputExceededException', message, 400)
}

export function LimitExceededException(message: string): AwsError {
  return new AwsError('LimitExceededException', message, 400)
}

/**
 * The answer to an infrastructure outage reported by a port (Kafka or Redis unreachable, or not answering in
 * time): 503 ServiceUnavailable, which the AWS SDKs retry, with the port's reason; undefined for any other error.
 */
export function outageAnswer(error: unknown): AwsError | undefined {
  if (
    error instanceof RecordLogUnavailableError ||
    error instanceof CatalogUnavailableError ||
    error instanceof ConsumerRegistryUnavailableError ||
    error instanceof SubscriptionLeasesUnavailableError
  ) {
    return ServiceUnavailable(error.message)
  }
  return undefined
}
