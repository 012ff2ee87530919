import type { Shape } from '../../aws/index.ts'

// Member constraints of the enhanced fan-out operations, as in the Kinesis service model (2013-12-02).

export const ConsumerName: Shape = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '[a-zA-Z0-9_.-]+',
}

export const ConsumerARN: Shape = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  pattern: '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+',
}
