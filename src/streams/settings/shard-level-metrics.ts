// Enhanced (shard-level) monitoring metrics, as EnableEnhancedMonitoring and DisableEnhancedMonitoring name
// them. 'ALL' stands for every metric; a stream stores the expanded list in this order.

import type { MetricsName } from '@aws-sdk/client-kinesis'

import type { Shape } from '../../aws/index.ts'

export const SHARD_LEVEL_METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
] as const satisfies readonly MetricsName[]

export const METRICS_NAMES: readonly string[] = [...SHARD_LEVEL_METRICS, 'ALL']

/** The ShardLevelMetrics member of EnableEnhancedMonitoring and DisableEnhancedMonitoring. */
export const MetricsNameList: Shape = {
  type: 'list',
  minLength: 1,
  maxLength: 7,
  member: { type: 'string', enum: METRICS_NAMES },
}

/** The metrics a request names, with ALL expanded, in canonical order. */
export function expandMetrics(requested: readonly string[]): MetricsName[] {
  if (requested.includes('ALL')) return [...SHARD_LEVEL_METRICS]
  return SHARD_LEVEL_METRICS.filter((metric) => requested.includes(metric))
}

/** `current` with `added` enabled, in canonical order. */
export function enableMetrics(current: readonly string[], added: readonly string[]): MetricsName[] {
  const enabled = new Set([...current, ...expandMetrics(added)])
  return SHARD_LEVEL_METRICS.filter((metric) => enabled.has(metric))
}

/** `current` with `removed` disabled, in canonical order. */
export function disableMetrics(current: readonly string[], removed: readonly string[]): MetricsName[] {
  const disabled = new Set<string>(expandMetrics(removed))
  return SHARD_LEVEL_METRICS.filter((metric) => current.includes(metric) && !disabled.has(metric))
}
