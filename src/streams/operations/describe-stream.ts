import type { DescribeStreamInput, DescribeStreamOutput } from '@aws-sdk/client-kinesis'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { ShardId, StreamARN, StreamId, StreamName } from '../members.ts'
import { DEFAULT_SHARD_SELECTION, describeShard, selectShards, shardsAfter } from '../catalog/shard-map.ts'
import { requireStream, streamKeyOf } from '../catalog/stream-lookup.ts'
import { encryptionFields, enhancedMonitoring, visibleStatus } from '../catalog/stream-description.ts'

/** DescribeStream returns at most 100 shards per call, whatever Limit asks for. */
export const DESCRIBE_STREAM_MAX_SHARDS = 100

/**
 * DescribeStream: the stream and a page of its shards (those that may still hold retained records, in index
 * order). Like Kinesis, a stream that is still CREATING shows no shards.
 */
export function describeStreamOperation(
  deps: StreamsDeps,
): Operation<DescribeStreamInput, DescribeStreamOutput> {
  return defineOperation({
    name: 'DescribeStream',
    input: {
      Limit: { type: 'integer', min: 1, max: 10000 },
      ExclusiveStartShardId: ShardId,
      StreamName,
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const stream = await requireStream(deps, streamKeyOf(input, context))
      const now = deps.clock.now()
      const status = visibleStatus(stream, now)
      const limit = Math.min(input.Limit ?? DESCRIBE_STREAM_MAX_SHARDS, DESCRIBE_STREAM_MAX_SHARDS)
      const listed = status === 'CREATING' ? [] : selectShards(stream, DEFAULT_SHARD_SELECTION, now)
      const remaining =
        input.ExclusiveStartShardId === undefined ? listed : shardsAfter(listed, input.ExclusiveStartShardId)
      return {
        StreamDescription: {
          StreamName: stream.streamName,
          StreamARN: stream.streamArn,
          StreamStatus: status,
          StreamModeDetails: { StreamMode: stream.mode },
          Shards: remaining.slice(0, limit).map((shard) => describeShard(stream, shard)),
          HasMoreShards: remaining.length > limit,
          RetentionPeriodHours: stream.retentionPeriodHours,
          StreamCreationTimestamp: new Date(stream.createdAtMillis),
          EnhancedMonitoring: enhancedMonitoring(stream),
          ...encryptionFields(stream),
        },
      }
    },
  })
}
