import type { _Record, GetRecordsInput, GetRecordsOutput } from '@aws-sdk/client-kinesis'

import { ExpiredIteratorException, InvalidArgumentException } from '../errors.ts'
import { defineOperation, type Operation, type RequestContext } from '../../aws/index.ts'
import {
  decodeShardIterator,
  encodeShardIterator,
  SHARD_ITERATOR_LIFETIME_MILLIS,
  type ShardIteratorContents,
} from '../../mapping/shard-iterators.ts'
import type { StreamKey } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { StreamARN, StreamId } from '../members.ts'
import { callRecordLog } from '../records/record-log-errors.ts'
import { kinesisRecordsOf } from '../records/kinesis-records.ts'
import { StreamRoutingCache } from '../records/routing.ts'
import { findReadableStream, shardNotFound } from '../records/stream-access.ts'
import { streamKeyOf } from '../catalog/stream-lookup.ts'

/** What the input table guarantees. */
type GetRecordsRequest = Omit<GetRecordsInput, 'ShardIterator'> & { ShardIterator: string }

export const MAX_RECORDS_PER_GET = 10_000

/** The most data one GetRecords call returns (10 MiB). */
export const MAX_GET_RECORDS_BYTES = 10 * 1024 * 1024

/**
 * Reads a shard from the iterator's offset, in order, and returns the iterator of what follows. A closed
 * shard is read up to its end and never beyond it; the call that reaches the end reports the child shards
 * and no next iterator. Does not wait for records.
 */
export function getRecords(deps: StreamsDeps): Operation<GetRecordsRequest, GetRecordsOutput> {
  const routes = new StreamRoutingCache()
  return defineOperation<GetRecordsRequest, GetRecordsOutput>({
    name: 'GetRecords',
    input: {
      Limit: { type: 'integer', min: 1, max: MAX_RECORDS_PER_GET },
      ShardIterator: { type: 'string', required: true, minLength: 1, maxLength: 512 },
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const now = deps.clock.now()
      const iterator = openIterator(deps, input.ShardIterator, context, now)
      if (input.StreamARN !== undefined) checkStreamArn(input.StreamARN, iterator, context)
      const { stream, routing, shard } = await locateShard(deps, routes, iterator)
      const endOfShard = shard.endingOffset
      const fromOffset = Number(iterator.offset)
      const limit = input.Limit ?? MAX_RECORDS_PER_GET
      // Never past the end of a closed shard: a write that reached Kafka after the shard was sealed stays unread.
      const maxRecords = endOfShard === undefined ? limit : Math.min(limit, endOfShard - fromOffset)
      const read =
        maxRecords <= 0
          ? undefined
          : await callRecordLog(
              () =>
                deps.recordLog.read(stream.topic, shard.index, fromOffset, {
                  maxRecords,
                  maxBytes: MAX_GET_RECORDS_BYTES,
                  maxWaitMs: 0,
                }),
              () => shardNotFound(keyOfIterator(iterator), shard.index),
            )

      const scope = { incarnation: stream.incarnation, shardIndex: shard.index }
      const stored = read?.records ?? []
      const records = kinesisRecordsOf(stored, scope, deps.keyRing, endOfShard)
      const last = records.length === 0 ? undefined : stored[records.length - 1]
      // Records that retention removed are skipped: reading resumes at the oldest one retained.
      const nextOffset =
        last === undefined ? Math.max(fromOffset, read?.logStartOffset ?? 0) : last.offset + 1
      const lastArrival = last?.timestamp

      if (endOfShard !== undefined && nextOffset >= endOfShard) {
        return { Records: records, MillisBehindLatest: 0, ChildShards: routing.childShards(shard.index) }
      }
      const caughtUp = read === undefined || nextOffset >= read.highWatermark
      return {
        Records: records,
        NextShardIterator: encodeShardIterator(
          { ...iterator, offset: BigInt(nextOffset), issuedAtMillis: now },
          deps.settings.iteratorKey,
        ),
        MillisBehindLatest: caughtUp || lastArrival === undefined ? 0 : Math.max(0, now - lastArrival),
      }
    },
  })
}

/**
 * A StreamARN, when given, must name the stream the iterator reads, as PutRecord and GetShardIterator require
 * StreamARN and StreamName to agree; reading another stream's records under it is refused.
 */
function checkStreamArn(arn: string, iterator: ShardIteratorContents, context: RequestContext): void {
  const named = streamKeyOf({ StreamARN: arn }, context)
  if (named.streamName !== iterator.streamName) {
    throw InvalidArgumentException(
      `StreamARN ${arn} and ShardIterator do not refer to the same stream: the iterator reads stream ` +
        `${iterator.streamName} under account ${iterator.accountId}.`,
    )
  }
}

function keyOfIterator(iterator: ShardIteratorContents): StreamKey {
  return { accountId: iterator.accountId, region: iterator.region, streamName: iterator.streamName }
}

/**
 * The stream and shard an iterator reads. A stream deleted since, or deleted and created again under the
 * same name (another incarnation), no longer has the shard.
 */
async function locateShard(deps: StreamsDeps, routes: StreamRoutingCache, iterator: ShardIteratorContents) {
  const key = keyOfIterator(iterator)
  const stream = await findReadableStream(deps, key)
  if (stream?.incarnation !== iterator.incarnation) throw shardNotFound(key, iterator.shardIndex)
  const routing = routes.of(stream)
  const shard = routing.shard(iterator.shardIndex)
  if (shard === undefined) throw shardNotFound(key, iterator.shardIndex)
  return { stream, routing, shard }
}

function openIterator(
  deps: StreamsDeps,
  token: string,
  context: RequestContext,
  now: number,
): ShardIteratorContents {
  const decoded = decodeShardIterator(token, deps.settings.iteratorKey, now)
  if (decoded.status === 'expired') {
    throw ExpiredIteratorException(
      `Iterator expired. The iterator was created at time ${javaDateText(decoded.contents.issuedAtMillis)} ` +
        `while right now it is ${javaDateText(now)} which is further in the future than the ` +
        `tolerated delay of ${SHARD_ITERATOR_LIFETIME_MILLIS} milliseconds.`,
    )
  }
  // An iterator of another account or region is as foreign as a garbled one.
  if (
    decoded.status === 'malformed' ||
    decoded.contents.accountId !== context.accountId ||
    decoded.contents.region !== context.region
  ) {
    throw InvalidArgumentException('Invalid ShardIterator.')
  }
  return decoded.contents
}

/** A time as Kinesis prints it in messages (Java's Date#toString in UTC): `Thu Jan 22 01:22:02 UTC 2015`. */
export function javaDateText(epochMillis: number): string {
  // toUTCString gives 'Thu, 22 Jan 2015 01:22:02 GMT'.
  const [weekday = '', day = '', month = '', year = '', time = ''] = new Date(epochMillis)
    .toUTCString()
    .split(' ')
  return `${weekday.slice(0, 3)} ${month} ${day} ${time} UTC ${year}`
}
