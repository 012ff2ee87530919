import type { Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { deregisterStreamConsumerOperation } from './deregister-stream-consumer.ts'
import { describeStreamConsumerOperation } from './describe-stream-consumer.ts'
import { listStreamConsumersOperation } from './list-stream-consumers.ts'
import { registerStreamConsumerOperation } from './register-stream-consumer.ts'
import { subscribeToShardOperation } from './subscribe-to-shard.ts'

/**
 * Enhanced fan-out: registered consumers, offered when the gateway has a consumer registry, and SubscribeToShard,
 * when it also has subscription leases. Call once per process: SubscribeToShard's upstream readers are shared by
 * the subscriptions of the operation it returns.
 */
export function fanOutOperations(deps: StreamsDeps): Operation[] {
  if (deps.consumers === undefined) return []
  const operations: Operation[] = [
    registerStreamConsumerOperation(deps),
    describeStreamConsumerOperation(deps),
    listStreamConsumersOperation(deps),
    deregisterStreamConsumerOperation(deps),
  ]
  if (deps.subscriptionLeases !== undefined) operations.push(subscribeToShardOperation(deps))
  return operations
}
