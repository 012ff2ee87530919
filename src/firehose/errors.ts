import { AwsError } from '../aws/index.ts'
import { DeliveryStreamCatalogUnavailableError } from '../ports/delivery-stream-catalog.ts'
import { RecordLogUnavailableError } from '../ports/record-log.ts'
import { CatalogUnavailableError } from '../ports/stream-catalog.ts'

// The errors of the Firehose model (all 400), and the answer to outages.

export function ResourceNotFoundException(message: string): AwsError {
  return new AwsError('ResourceNotFoundException', message, 400)
}

export function ResourceInUseException(message: string): AwsError {
  return new AwsError('ResourceInUseException', message, 400)
}

export function InvalidArgumentException(message: string): AwsError {
  return new AwsError('InvalidArgumentException', message, 400)
}

export function LimitExceededException(message: string): AwsError {
  return new AwsError('LimitExceededException', message, 400)
}

export function ConcurrentModificationException(message: string): AwsError {
  return new AwsError('ConcurrentModificationException', message, 400)
}

/** Firehose's own 503 (the model's ServiceUnavailableException), which the SDKs retry. */
export function ServiceUnavailableException(message: string): AwsError {
  return new AwsError('ServiceUnavailableException', message, 503)
}

/**
 * The answer to an infrastructure outage reported by a port (Kafka or Redis unreachable, or not answering in
 * time): 503 ServiceUnavailableException with the port's reason; undefined for any other error.
 */
export function outageAnswer(error: unknown): AwsError | undefined {
  if (
    error instanceof RecordLogUnavailableError ||
    error instanceof DeliveryStreamCatalogUnavailableError ||
    error instanceof CatalogUnavailableError
  ) {
    return ServiceUnavailableException(error.message)
  }
  return undefined
}
