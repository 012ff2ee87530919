// The parts of a stream's description that DescribeStream, DescribeStreamSummary and ListStreams share.

import type { EncryptionType, EnhancedMetrics, MetricsName, StreamStatus } from '@aws-sdk/client-kinesis'

import type { StreamRecord } from '../../ports/stream-catalog.ts'
import { effectiveStatus } from './stream-status.ts'

/** The status a caller sees; only called for streams that are not gone. */
export function visibleStatus(stream: StreamRecord, nowMillis: number): StreamStatus {
  const status = effectiveStatus(stream, nowMillis)
  return status === 'GONE' ? 'DELETING' : status
}

export function enhancedMonitoring(stream: StreamRecord): EnhancedMetrics[] {
  return [{ ShardLevelMetrics: stream.shardLevelMetrics as MetricsName[] }]
}

export function encryptionFields(stream: StreamRecord): { EncryptionType: EncryptionType; KeyId?: string } {
  return stream.encryption.type === 'KMS'
    ? { EncryptionType: 'KMS', KeyId: stream.encryption.keyId }
    : { EncryptionType: 'NONE' }
}
