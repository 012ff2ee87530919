import { defineService, type Operation, type Service } from '../aws/index.ts'
import type { FirehoseDeps } from './deps.ts'
import { outageAnswer } from './errors.ts'
import { firehoseOperations } from './operations/index.ts'

/** How requests reach Firehose: `X-Amz-Target: Firehose_20150804.*`, in JSON 1.1. */
export const FIREHOSE_ENDPOINT = {
  name: 'Firehose_20150804',
  signingName: 'firehose',
  protocols: ['aws-json-1.1'],
} as const

/** Amazon Data Firehose: delivery streams, their records in Kafka, their metadata in the catalog. */
export function createFirehoseService(deps: FirehoseDeps): Service {
  return defineService({ ...FIREHOSE_ENDPOINT, operations: firehoseOperations(deps).map(answeringOutages) })
}

/** Whatever path an operation takes to Kafka or Redis, an outage reaches the client as a retriable 503. */
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
