// EnableEnhancedMonitoring and DisableEnhancedMonitoring share everything but the set operation.

import type { EnhancedMonitoringOutput, MetricsName } from '@aws-sdk/client-kinesis'

import type { RequestContext } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { requireActive, startUpdating, updateStream } from '../catalog/stream-changes.ts'
import { streamKeyOf, type StreamReference } from '../catalog/stream-lookup.ts'

/**
 * Sets the stream's shard-level metrics to `desired(current)`. The stream goes UPDATING only when they change.
 * Returns the metrics before and after, as the API does.
 */
export async function changeShardLevelMetrics(
  deps: StreamsDeps,
  reference: StreamReference,
  context: RequestContext,
  desired: (current: readonly string[]) => MetricsName[],
): Promise<EnhancedMonitoringOutput> {
  let before: MetricsName[] = []
  let after: MetricsName[] = []
  const stream = await updateStream(deps, streamKeyOf(reference, context), (current, now) => {
    requireActive(current, now)
    before = current.shardLevelMetrics as MetricsName[]
    after = desired(current.shardLevelMetrics)
    if (sameMetrics(before, after)) return undefined
    return { ...startUpdating(deps, current, now), shardLevelMetrics: after }
  })
  return {
    StreamName: stream.streamName,
    StreamARN: stream.streamArn,
    CurrentShardLevelMetrics: before,
    DesiredShardLevelMetrics: after,
  }
}

function sameMetrics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((metric, index) => metric === b[index])
}
