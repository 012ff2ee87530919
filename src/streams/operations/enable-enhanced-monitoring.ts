import type { EnableEnhancedMonitoringInput, EnhancedMonitoringOutput } from '@aws-sdk/client-kinesis'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { changeShardLevelMetrics } from '../settings/enhanced-monitoring.ts'
import { StreamARN, StreamId, StreamName } from '../members.ts'
import { enableMetrics, MetricsNameList } from '../settings/shard-level-metrics.ts'

export function enableEnhancedMonitoringOperation(
  deps: StreamsDeps,
): Operation<EnableEnhancedMonitoringInput, EnhancedMonitoringOutput> {
  return defineOperation({
    name: 'EnableEnhancedMonitoring',
    input: { ShardLevelMetrics: { ...MetricsNameList, required: true }, StreamName, StreamARN, StreamId },
    async handle(input, context) {
      const metrics = validated(input.ShardLevelMetrics, 'ShardLevelMetrics')
      return changeShardLevelMetrics(deps, input, context, (current) => enableMetrics(current, metrics))
    },
  })
}
