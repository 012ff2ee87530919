// Retention period changes (IncreaseStreamRetentionPeriod, DecreaseStreamRetentionPeriod).

import { InvalidArgumentException } from '../errors.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { requireActive, startUpdating } from '../catalog/stream-changes.ts'

export const MIN_RETENTION_PERIOD_HOURS = 24
export const MAX_RETENTION_PERIOD_HOURS = 8760

export type RetentionDirection = 'increase' | 'decrease'

/**
 * The stream with its new retention period (UPDATING), undefined when the period asked for is the current one
 * (nothing changes, the stream stays ACTIVE), or the refusal Kinesis gives.
 */
export function changeRetention(
  deps: StreamsDeps,
  stream: StreamRecord,
  requestedHours: number,
  direction: RetentionDirection,
  nowMillis: number,
): StreamRecord | undefined {
  requireActive(stream, nowMillis)
  if (requestedHours < MIN_RETENTION_PERIOD_HOURS) {
    throw InvalidArgumentException(
      `Minimum allowed retention period is ${MIN_RETENTION_PERIOD_HOURS} hours. ` +
        `Requested retention period (${requestedHours} hours) is too short.`,
    )
  }
  if (requestedHours > MAX_RETENTION_PERIOD_HOURS) {
    throw InvalidArgumentException(
      `Maximum allowed retention period is ${MAX_RETENTION_PERIOD_HOURS} hours. ` +
        `Requested retention period (${requestedHours} hours) is too long.`,
    )
  }
  const current = stream.retentionPeriodHours
  if (direction === 'increase' && requestedHours < current) {
    throw InvalidArgumentException(
      `Requested retention period (${requestedHours} hours) for stream ${stream.streamName} can not be shorter ` +
        `than existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`,
    )
  }
  if (direction === 'decrease' && requestedHours > current) {
    throw InvalidArgumentException(
      `Requested retention period (${requestedHours} hours) for stream ${stream.streamName} can not be longer ` +
        `than existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`,
    )
  }
  if (requestedHours === current) return undefined
  return {
    ...startUpdating(deps, stream, nowMillis),
    retentionPeriodHours: requestedHours,
    topicConfigPending: true,
  }
}
