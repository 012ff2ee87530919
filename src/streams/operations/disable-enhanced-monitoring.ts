import type { DisableEnhancedMonitoringInput, EnhancedMonitoringOutput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { changeShardLevelMetrics } from '../settings/enhanced-monitoring.ts'
import { StreamARN, StreamId, StreamName } from '../members.ts'
import { disableMetrics, MetricsNameList } from '../settings/shard-level-metrics.ts'

export function disableEnhancedMonitoringOperation(
  deps: StreamsDeps,
): Operation<DisableEnhancedMonitoringInput, EnhancedMonitoringOutput> {
  return defineOperation({
    name: 'DisableEnhancedMonitoring',
    input: { ShardLevelMetrics: { ...MetricsNameList, required: true }, StreamName, StreamARN, StreamId },
    async handle(input, context) {
      const metrics = validated(input.ShardLevelMetrics, 'ShardLevelMetrics')
      return changeShardLevelMetrics(deps, input, context, (current) => disableMetrics(current, metrics))
    },
  })
}
