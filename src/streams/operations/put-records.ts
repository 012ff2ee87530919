import type {
  PutRecordsInput,
  PutRecordsOutput,
  PutRecordsRequestEntry,
  PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis'

import { defineOperation, validationException, type Operation } from '../../aws/index.ts'
import type { HexHashKey } from '../../mapping/hash-keys.ts'
import { SequenceNumberSeries } from '../../mapping/sequence-numbers.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import type { RecordToAppend } from '../../ports/record-log.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { HashKey, PartitionKey, StreamARN, StreamId, StreamName } from '../members.ts'
import { confirmPlacements } from '../records/fenced-writes.ts'
import { callRecordLog } from '../records/record-log-errors.ts'
import { sealingOf, toRecordToAppend } from '../records/record-envelope.ts'
import {
  MAX_DATA_BYTES,
  MAX_PUT_RECORDS_BYTES,
  maxRecordBytes,
  oversizedRecordViolation,
  putRecordsTooLarge,
  recordBytes,
} from '../records/record-limits.ts'
import { hashKeyOfRecord, StreamRoutingCache } from '../records/routing.ts'
import { requireWritableStream } from '../records/stream-access.ts'
import { streamKeyOf, streamNotFound } from '../catalog/stream-lookup.ts'

/** What the input table guarantees. */
type PutRecordsEntry = Omit<PutRecordsRequestEntry, 'Data' | 'PartitionKey'> & {
  Data: Uint8Array
  PartitionKey: string
}
type PutRecordsRequest = Omit<PutRecordsInput, 'Records'> & { Records: PutRecordsEntry[] }

export const MAX_RECORDS_PER_PUT = 500

/** A record that no open shard would take: the shard map has a gap. Reported in place, as Kinesis does. */
const UNROUTABLE: PutRecordsResultEntry = {
  ErrorCode: 'InternalFailure',
  ErrorMessage: 'Internal Service Failure',
}

/**
 * Writes up to 500 records in one append. Either the request is invalid and nothing is written, or every
 * routable record is stored before the answer; a failed append fails the whole request with a retriable
 * error, never reporting a record as stored that Kafka did not acknowledge.
 */
export function putRecords(deps: StreamsDeps): Operation<PutRecordsRequest, PutRecordsOutput> {
  const routes = new StreamRoutingCache()
  return defineOperation<PutRecordsRequest, PutRecordsOutput>({
    name: 'PutRecords',
    input: {
      Records: {
        type: 'list',
        required: true,
        minLength: 1,
        maxLength: MAX_RECORDS_PER_PUT,
        member: {
          type: 'structure',
          display: 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2',
          members: {
            PartitionKey: { ...PartitionKey, required: true },
            ExplicitHashKey: HashKey,
            Data: { type: 'blob', required: true, maxLength: MAX_DATA_BYTES },
          },
        },
      },
      StreamName,
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const key = streamKeyOf(input, context)
      const stream = await requireWritableStream(deps, key)
      checkSizes(input.Records, stream)
      const routing = routes.of(stream)
      const sealing = sealingOf(stream, deps.keyRing)

      const shardIndices: (number | undefined)[] = []
      const hashKeys: HexHashKey[] = []
      const toAppend: RecordToAppend[] = []
      // An invalid ExplicitHashKey fails the whole request here, before anything is appended.
      for (const entry of input.Records) {
        const hashKey = hashKeyOfRecord(entry.PartitionKey, entry.ExplicitHashKey)
        const shardIndex = routing.openShardFor(hashKey)
        shardIndices.push(shardIndex)
        if (shardIndex === undefined) continue
        hashKeys.push(hashKey)
        toAppend.push(
          toRecordToAppend(
            {
              partition: shardIndex,
              partitionKey: entry.PartitionKey,
              data: entry.Data,
              explicitHashKey: entry.ExplicitHashKey,
            },
            sealing,
          ),
        )
      }
      const append = (records: RecordToAppend[]) =>
        callRecordLog(
          () => deps.recordLog.append(stream.topic, records),
          () => streamNotFound(key),
        )
      const appended = toAppend.length === 0 ? [] : await append(toAppend)
      if (appended.length !== toAppend.length) {
        throw new Error(`the record log acknowledged ${appended.length} of ${toAppend.length} records`)
      }
      const placements = await confirmPlacements(
        deps,
        routes,
        stream,
        toAppend.map((record, position) => ({
          hashKey: hashKeys[position] as HexHashKey,
          record,
          offset: (appended[position] as (typeof appended)[number]).offset,
        })),
        append,
      )

      let stored = 0
      const sequenceNumbers = new SequenceNumberSeries(stream.incarnation)
      const results = shardIndices.map((shardIndex): PutRecordsResultEntry => {
        if (shardIndex === undefined) return UNROUTABLE
        const placement = placements[stored++] as (typeof placements)[number]
        return {
          SequenceNumber: sequenceNumbers.numberOf(placement.shardIndex, placement.offset),
          ShardId: shardIdOf(placement.shardIndex),
        }
      })
      return {
        FailedRecordCount: results.length - stored,
        Records: results,
        EncryptionType: stream.encryption.type,
      }
    },
  })
}

/** Each record within the stream's record size, and the request within its own limit; else nothing is written. */
function checkSizes(entries: readonly PutRecordsEntry[], stream: StreamRecord): void {
  const maxBytes = maxRecordBytes(stream)
  const violations: string[] = []
  let totalBytes = 0
  for (const [position, entry] of entries.entries()) {
    const bytes = recordBytes(entry.PartitionKey, entry.Data)
    totalBytes += bytes
    if (bytes > maxBytes) {
      violations.push(
        oversizedRecordViolation(`records.${position + 1}.member.data`, entry.Data, bytes, maxBytes),
      )
    }
  }
  if (violations.length > 0) throw validationException(violations)
  if (totalBytes > MAX_PUT_RECORDS_BYTES) throw putRecordsTooLarge()
}
