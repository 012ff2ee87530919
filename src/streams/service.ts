import { defineService, type Operation, type Service } from '../aws/index.ts'
import type { StreamsDeps } from './deps.ts'
import { outageAnswer } from './errors.ts'
import { controlPlaneOperations } from './operations/control-plane.ts'
import { dataPlaneOperations } from './operations/data-plane.ts'
import { fanOutOperations } from './operations/fan-out.ts'

/** How requests reach Kinesis Data Streams: `X-Amz-Target: Kinesis_20131202.*`, in JSON 1.1 or CBOR 1.1. */
export const KINESIS_ENDPOINT = {
  name: 'Kinesis_20131202',
  signingName: 'kinesis',
  protocols: ['aws-json-1.1', 'aws-cbor-1.1'],
} as const

/** Kinesis Data Streams. */
export function createStreamsService(deps: StreamsDeps): Service {
  return defineService({
    ...KINESIS_ENDPOINT,
    operations: [
      ...controlPlaneOperations(deps),
      ...dataPlaneOperations(deps),
      ...fanOutOperations(deps),
    ].map(answeringOutages),
  })
}

/**
 * Whatever path an operation takes to Kafka or Redis, an outage reaches the client as a retriable 503
 * ServiceUnavailable naming what failed, never as InternalFailure. (A SubscribeToShard that has started
 * streaming ends with the event stream's InternalFailureException instead: its events have no 503.)
 */
function answeringOutages(operation: Operation): Operation {
  return {
    ...operation,
    async handle(input, context) {
      try {
        return await operation.handle(input, context)
      } catch (error) {
        throw outageAnswer(error) ?? error
      }
    },
  }
}
