import type { ListShardsInput, ListShardsOutput, ShardFilter } from '@aws-sdk/client-kinesis'

import { InvalidArgumentException } from '../errors.ts'
import { defineOperation, type Operation, type RequestContext } from '../../aws/index.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { NextToken, ShardId, StreamARN, StreamId, StreamName, Timestamp } from '../members.ts'
import { decodeShardPageToken, encodeShardPageToken } from '../catalog/next-tokens.ts'
import {
  DEFAULT_SHARD_SELECTION,
  SHARD_FILTER_TYPES,
  describeShard,
  selectShards,
  shardsAfter,
  type ShardSelection,
} from '../catalog/shard-map.ts'
import { requireStream, streamKeyOf, streamNotFound } from '../catalog/stream-lookup.ts'
import { visibleStatus } from '../catalog/stream-description.ts'

/** ListShards returns at most 1000 shards per call, whatever MaxResults asks for. */
export const LIST_SHARDS_MAX_RESULTS = 1000

interface ListingStart {
  stream: StreamRecord
  selection: ShardSelection
  afterShardId: string | undefined
}

/**
 * ListShards: a page of a stream's shards, chosen by ShardFilter (FROM_TRIM_HORIZON by default), in index
 * order. The NextToken names the stream, the filter and the last shard listed; it replaces StreamName,
 * StreamARN, ExclusiveStartShardId and StreamCreationTimestamp, and a ShardFilter given with it is ignored
 * in favour of the one it carries.
 */
export function listShardsOperation(deps: StreamsDeps): Operation<ListShardsInput, ListShardsOutput> {
  return defineOperation({
    name: 'ListShards',
    input: {
      MaxResults: { type: 'integer', min: 1, max: 10000 },
      ExclusiveStartShardId: ShardId,
      StreamName,
      NextToken,
      StreamCreationTimestamp: Timestamp,
      ShardFilter: {
        type: 'structure',
        members: {
          Type: { type: 'string', required: true, enum: SHARD_FILTER_TYPES },
          ShardId,
          Timestamp,
        },
      },
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const now = deps.clock.now()
      const start =
        input.NextToken === undefined
          ? await startFromRequest(deps, input, context)
          : await startFromToken(deps, input, input.NextToken, context, now)
      const { stream, selection, afterShardId } = start
      const limit = Math.min(input.MaxResults ?? LIST_SHARDS_MAX_RESULTS, LIST_SHARDS_MAX_RESULTS)
      const listed = visibleStatus(stream, now) === 'CREATING' ? [] : selectShards(stream, selection, now)
      const remaining = afterShardId === undefined ? listed : shardsAfter(listed, afterShardId)
      const page = remaining.slice(0, limit).map((shard) => describeShard(stream, shard))
      const last = page.at(-1)
      const hasMore = remaining.length > limit && last !== undefined
      return {
        Shards: page,
        ...(hasMore
          ? {
              NextToken: encodeShardPageToken(
                {
                  streamName: stream.streamName,
                  incarnation: stream.incarnation,
                  afterShardId: last.ShardId ?? '',
                  selection,
                  issuedAtMillis: now,
                },
                context,
              ),
            }
          : {}),
      }
    },
  })
}

async function startFromRequest(
  deps: StreamsDeps,
  input: ListShardsInput,
  context: RequestContext,
): Promise<ListingStart> {
  if (input.StreamName === undefined && input.StreamARN === undefined) {
    throw InvalidArgumentException('Either NextToken or StreamName should be provided.')
  }
  const key = streamKeyOf(input, context)
  const stream = await requireStream(deps, key)
  const created = input.StreamCreationTimestamp
  // Timestamps travel as epoch seconds with a fraction; whole seconds compare reliably.
  if (
    created !== undefined &&
    Math.floor(created.getTime() / 1000) !== Math.floor(stream.createdAtMillis / 1000)
  ) {
    throw streamNotFound(key)
  }
  return {
    stream,
    selection: input.ShardFilter === undefined ? DEFAULT_SHARD_SELECTION : selectionOf(input.ShardFilter),
    afterShardId: input.ExclusiveStartShardId,
  }
}

async function startFromToken(
  deps: StreamsDeps,
  input: ListShardsInput,
  nextToken: string,
  context: RequestContext,
  now: number,
): Promise<ListingStart> {
  const excluded = {
    StreamName: input.StreamName,
    StreamARN: input.StreamARN,
    ExclusiveStartShardId: input.ExclusiveStartShardId,
    StreamCreationTimestamp: input.StreamCreationTimestamp,
  }
  for (const [member, value] of Object.entries(excluded)) {
    if (value !== undefined)
      throw InvalidArgumentException(`NextToken and ${member} cannot be provided together.`)
  }
  const token = decodeShardPageToken(nextToken, context, now)
  const key = { accountId: context.accountId, region: context.region, streamName: token.streamName }
  const stream = await requireStream(deps, key)
  if (stream.incarnation !== token.incarnation) throw streamNotFound(key)
  return { stream, selection: token.selection, afterShardId: token.afterShardId }
}

function selectionOf(filter: ShardFilter): ShardSelection {
  const { Type: type, ShardId: shardId, Timestamp: timestamp } = filter
  if (shardId !== undefined && type !== 'AFTER_SHARD_ID') {
    throw InvalidArgumentException('ShardId can only be used in a ShardFilter with a Type of AFTER_SHARD_ID.')
  }
  if (timestamp !== undefined && type !== 'AT_TIMESTAMP' && type !== 'FROM_TIMESTAMP') {
    throw InvalidArgumentException(
      'Timestamp can only be used in a ShardFilter with a Type of AT_TIMESTAMP or FROM_TIMESTAMP.',
    )
  }
  switch (type) {
    case 'AFTER_SHARD_ID':
      if (shardId === undefined) {
        throw InvalidArgumentException(
          'ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID.',
        )
      }
      return { type, shardId }
    case 'AT_TIMESTAMP':
    case 'FROM_TIMESTAMP':
      if (timestamp === undefined) {
        throw InvalidArgumentException(
          'Timestamp must be supplied in a ShardFilter with a Type of AT_TIMESTAMP or FROM_TIMESTAMP.',
        )
      }
      return { type, timestampMillis: timestamp.getTime() }
    case 'AT_TRIM_HORIZON':
    case 'FROM_TRIM_HORIZON':
    case 'AT_LATEST':
      return { type }
    case undefined:
      return DEFAULT_SHARD_SELECTION
  }
}
