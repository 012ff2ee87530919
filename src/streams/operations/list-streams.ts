import type { ListStreamsInput, ListStreamsOutput } from '@aws-sdk/client-kinesis'

import { InvalidArgumentException } from '../errors.ts'
import { defineOperation, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { NextToken, StreamName } from '../members.ts'
import { decodeStreamPageToken, encodeStreamPageToken } from '../catalog/next-tokens.ts'
import { effectiveStatus } from '../catalog/stream-status.ts'
import { visibleStatus } from '../catalog/stream-description.ts'

/** ListStreams returns at most 100 streams per call, whatever Limit asks for. */
export const LIST_STREAMS_MAX_RESULTS = 100

/** ListStreams: the account's streams in the region, in name order, a page at a time. */
export function listStreamsOperation(deps: StreamsDeps): Operation<ListStreamsInput, ListStreamsOutput> {
  return defineOperation({
    name: 'ListStreams',
    input: {
      Limit: { type: 'integer', min: 1, max: 10000 },
      ExclusiveStartStreamName: StreamName,
      NextToken,
    },
    async handle(input, context) {
      if (input.NextToken !== undefined && input.ExclusiveStartStreamName !== undefined) {
        throw InvalidArgumentException('NextToken and ExclusiveStartStreamName cannot be provided together.')
      }
      const after =
        input.NextToken === undefined
          ? input.ExclusiveStartStreamName
          : decodeStreamPageToken(input.NextToken, context).afterStreamName
      const limit = Math.min(input.Limit ?? LIST_STREAMS_MAX_RESULTS, LIST_STREAMS_MAX_RESULTS)
      const now = deps.clock.now()
      const streams = (await deps.catalog.listAll(context))
        .filter((stream) => effectiveStatus(stream, now) !== 'GONE')
        .filter((stream) => after === undefined || stream.streamName > after)
        .sort((a, b) => (a.streamName < b.streamName ? -1 : 1))
      const page = streams.slice(0, limit)
      const hasMore = streams.length > limit
      const last = page.at(-1)
      return {
        StreamNames: page.map((stream) => stream.streamName),
        HasMoreStreams: hasMore,
        ...(hasMore && last !== undefined
          ? { NextToken: encodeStreamPageToken({ afterStreamName: last.streamName }, context) }
          : {}),
        StreamSummaries: page.map((stream) => ({
          StreamName: stream.streamName,
          StreamARN: stream.streamArn,
          StreamStatus: visibleStatus(stream, now),
          StreamModeDetails: { StreamMode: stream.mode },
          StreamCreationTimestamp: new Date(stream.createdAtMillis),
        })),
      }
    },
  })
}
