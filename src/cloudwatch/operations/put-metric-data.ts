import type { PutMetricDataInput } from '@aws-sdk/client-cloudwatch'
import { defineOperation, type Operation } from '../../aws/index.ts'
import type { CloudWatchDeps } from '../deps.ts'
import { EntityMetricData, MetricData, Namespace, StrictEntityValidation } from '../members.ts'
import { checkPutMetricData } from '../metric-data/checks.ts'
import { observationOf } from '../metric-data/statistic-set.ts'

/**
 * PutMetricData: the data points go to the metric sink (served on `/metrics`), nothing is stored. Entities are
 * accepted and not kept; their metric data counts as MetricData does.
 */
export function putMetricData(deps: CloudWatchDeps): Operation<PutMetricDataInput, undefined> {
  return defineOperation({
    name: 'PutMetricData',
    input: {
      Namespace: { ...Namespace, required: true },
      MetricData,
      EntityMetricData,
      StrictEntityValidation,
    },
    handle(input: PutMetricDataInput) {
      const data = checkPutMetricData(input)
      const namespace = input.Namespace as string
      deps.metrics.record(data.map(({ datum }) => observationOf(namespace, datum)))
      return Promise.resolve(undefined)
    },
  })
}
