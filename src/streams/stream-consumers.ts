// Registered stream consumers (enhanced fan-out). The catalog stores none, so every stream has none; the
// operations that depend on them (DeleteStream's EnforceConsumerDeletion, DescribeStreamSummary's
// ConsumerCount, consumer ARNs as resources) ask here.

import type { StreamRecord } from '../ports/stream-catalog.ts'

export function registeredConsumerCount(_stream: StreamRecord): number {
  return 0
}

export function isRegisteredConsumer(_consumerArn: string): boolean {
  return false
}
