import type { Operation } from '../../aws/index.ts'
import type { CloudWatchDeps } from '../deps.ts'
import { putMetricData } from './put-metric-data.ts'

/** The CloudWatch operations served; the others answer as unknown operations. */
export function cloudWatchOperations(deps: CloudWatchDeps): Operation[] {
  return [putMetricData(deps)]
}
