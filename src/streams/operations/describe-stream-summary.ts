import type { DescribeStreamSummaryInput, DescribeStreamSummaryOutput } from '@aws-sdk/client-kinesis'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { StreamARN, StreamId, StreamName } from '../members.ts'
import { openShardCount } from '../catalog/shard-map.ts'
import { registeredConsumerCount } from '../fan-out/stream-consumers.ts'
import { requireStream, streamKeyOf } from '../catalog/stream-lookup.ts'
import { encryptionFields, enhancedMonitoring, visibleStatus } from '../catalog/stream-description.ts'

export function describeStreamSummaryOperation(
  deps: StreamsDeps,
): Operation<DescribeStreamSummaryInput, DescribeStreamSummaryOutput> {
  return defineOperation({
    name: 'DescribeStreamSummary',
    input: { StreamName, StreamARN, StreamId },
    async handle(input, context) {
      const stream = await requireStream(deps, streamKeyOf(input, context))
      const status = visibleStatus(stream, deps.clock.now())
      return {
        StreamDescriptionSummary: {
          StreamName: stream.streamName,
          StreamARN: stream.streamArn,
          StreamStatus: status,
          StreamModeDetails: { StreamMode: stream.mode },
          RetentionPeriodHours: stream.retentionPeriodHours,
          StreamCreationTimestamp: new Date(stream.createdAtMillis),
          EnhancedMonitoring: enhancedMonitoring(stream),
          ...encryptionFields(stream),
          OpenShardCount: status === 'CREATING' ? 0 : openShardCount(stream),
          ConsumerCount: await registeredConsumerCount(deps, stream),
          MaxRecordSizeInKiB: stream.maxRecordSizeKiB,
        },
      }
    },
  })
}
