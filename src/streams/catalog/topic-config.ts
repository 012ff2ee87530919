// The Kafka topic configuration that carries a stream's settings.

import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'

const MILLIS_PER_HOUR = 3_600_000
const MIB = 1024 * 1024

/**
 * Kafka applies max.message.bytes to a whole record batch, and the producer packs several PutRecord(s) calls
 * into one batch (up to 8 MiB, or one call of up to 10 MiB alone). The topic limit therefore stays at or
 * above 16 MiB whatever the stream's record size limit; that limit itself is enforced by the gateway.
 */
export const MIN_TOPIC_MAX_MESSAGE_BYTES = 16 * MIB

/** Room for batch and record headers, partition keys and the envelope of encrypted records. */
const BATCH_OVERHEAD_BYTES = MIB

export function retentionConfig(retentionPeriodHours: number): Record<string, string> {
  return { 'retention.ms': String(retentionPeriodHours * MILLIS_PER_HOUR) }
}

export function maxMessageBytesConfig(maxRecordSizeKiB: number): Record<string, string> {
  const bytes = Math.max(MIN_TOPIC_MAX_MESSAGE_BYTES, maxRecordSizeKiB * 1024 + BATCH_OVERHEAD_BYTES)
  return { 'max.message.bytes': String(bytes) }
}

/** The configuration a stream's topic is created with. */
export function topicConfigFor(stream: StreamRecord): Record<string, string> {
  return {
    'cleanup.policy': 'delete',
    // ApproximateArrivalTimestamp is the broker's append time, never a producer-chosen one.
    'message.timestamp.type': 'LogAppendTime',
    ...retentionConfig(stream.retentionPeriodHours),
    ...maxMessageBytesConfig(stream.maxRecordSizeKiB),
  }
}

/**
 * Brings the topic's configuration in line with the stored stream. The whole configuration is sent: a log
 * whose configuration update replaces rather than merges must not lose the other settings.
 */
export async function applyTopicConfig(deps: StreamsDeps, stream: StreamRecord): Promise<void> {
  await deps.recordLog.setTopicConfig(stream.topic, topicConfigFor(stream))
}

/** How often clearing the pending mark is tried again when other writers keep winning the compare-and-set. */
const MAX_CLEAR_ATTEMPTS = 5

/**
 * Completes a change that the topic configuration must follow (`topicConfigPending`): gives the topic the
 * stored stream's configuration, then clears the mark. Idempotent, so the change itself and any later lookup
 * of the stream (after a crash between the two writes) can run it. Resolves to the stream as stored afterwards.
 */
export async function applyPendingTopicConfig(
  deps: StreamsDeps,
  stream: StreamRecord,
): Promise<StreamRecord> {
  let current = stream
  for (let attempt = 0; attempt < MAX_CLEAR_ATTEMPTS; attempt++) {
    if (current.topicConfigPending !== true || current.status === 'DELETING') return current
    await applyTopicConfig(deps, current)
    const { topicConfigPending: _applied, ...rest } = current
    const applied: StreamRecord = { ...rest, version: current.version + 1 }
    if (await deps.catalog.update(applied)) return applied
    const fresh = await deps.catalog.get(current)
    if (fresh?.incarnation !== current.incarnation) return current
    current = fresh
  }
  return current
}
