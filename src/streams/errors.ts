import { AwsError } from '../aws/index.ts'

// The errors of the Kinesis Data Streams model (all 400).

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
