import { defineService, type Service } from '../gateway/index.ts'
import type { StreamsDeps } from './deps.ts'
import { controlPlaneOperations } from './operations/control-plane.ts'
import { dataPlaneOperations } from './operations/data-plane.ts'
import { fanOutOperations } from './operations/fan-out.ts'

/** Kinesis Data Streams (`X-Amz-Target: Kinesis_20131202.*`). */
export function createStreamsService(deps: StreamsDeps): Service {
  return defineService({
    targetPrefix: 'Kinesis_20131202',
    signingName: 'kinesis',
    operations: [...controlPlaneOperations(deps), ...dataPlaneOperations(deps), ...fanOutOperations(deps)],
  })
}
