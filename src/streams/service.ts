import { defineService, type Service } from '../aws/index.ts'
import type { StreamsDeps } from './deps.ts'
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
    operations: [...controlPlaneOperations(deps), ...dataPlaneOperations(deps), ...fanOutOperations(deps)],
  })
}
