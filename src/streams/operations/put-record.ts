import type { PutRecordInput, PutRecordOutput } from '@aws-sdk/client-kinesis'

import { defineOperation, InternalFailure, validationException, type Operation } from '../../aws/index.ts'
import { InvalidArgumentException } from '../errors.ts'
import { decodeSequenceNumber, sequenceNumberOf } from '../../mapping/sequence-numbers.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import type { RecordToAppend } from '../../ports/record-log.ts'
import type { StreamKey } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { HashKey, PartitionKey, SequenceNumber, StreamARN, StreamId, StreamName } from '../members.ts'
import { confirmPlacements } from '../records/fenced-writes.ts'
import { callRecordLog } from '../records/record-log-errors.ts'
import { sealingOf, toRecordToAppend } from '../records/record-envelope.ts'
import {
  MAX_DATA_BYTES,
  maxRecordBytes,
  oversizedRecordViolation,
  recordBytes,
} from '../records/record-limits.ts'
import { hashKeyOfRecord, StreamRoutingCache } from '../records/routing.ts'
import { requireWritableStream } from '../records/stream-access.ts'
import { streamKeyOf, streamNotFound } from '../catalog/stream-lookup.ts'

/** What the input table guarantees. */
type PutRecordRequest = Omit<PutRecordInput, 'Data' | 'PartitionKey'> & {
  Data: Uint8Array
  PartitionKey: string
}

/**
 * Writes one record to the open shard that owns its hash key; answers once Kafka acknowledged it, with the
 * shard where it can be read (another one when it landed in a shard sealed meanwhile; see fenced-writes.ts).
 */
export function putRecord(deps: StreamsDeps): Operation<PutRecordRequest, PutRecordOutput> {
  const routes = new StreamRoutingCache()
  return defineOperation<PutRecordRequest, PutRecordOutput>({
    name: 'PutRecord',
    input: {
      SequenceNumberForOrdering: SequenceNumber,
      PartitionKey: { ...PartitionKey, required: true },
      ExplicitHashKey: HashKey,
      Data: { type: 'blob', required: true, maxLength: MAX_DATA_BYTES },
      StreamName,
      StreamARN,
      StreamId,
    },
    async handle(input, context) {
      const key = streamKeyOf(input, context)
      const stream = await requireWritableStream(deps, key)
      const maxBytes = maxRecordBytes(stream)
      const bytes = recordBytes(input.PartitionKey, input.Data)
      if (bytes > maxBytes) {
        throw validationException([oversizedRecordViolation('data', input.Data, bytes, maxBytes)])
      }
      const hashKey = hashKeyOfRecord(input.PartitionKey, input.ExplicitHashKey)
      if (input.SequenceNumberForOrdering !== undefined) {
        checkSequenceNumberForOrdering(input.SequenceNumberForOrdering, key)
      }
      const shardIndex = routes.of(stream).openShardFor(hashKey)
      // The open shards of a stream always cover the whole key space; a gap is a broken shard map.
      if (shardIndex === undefined) throw InternalFailure()
      const record = toRecordToAppend(
        {
          partition: shardIndex,
          partitionKey: input.PartitionKey,
          data: input.Data,
          explicitHashKey: input.ExplicitHashKey,
        },
        sealingOf(stream, deps.keyRing),
      )
      const append = (records: RecordToAppend[]) =>
        callRecordLog(
          () => deps.recordLog.append(stream.topic, records),
          () => streamNotFound(key),
        )
      const [appended] = await append([record])
      if (appended === undefined) throw new Error(`the record log acknowledged no record of ${stream.topic}`)
      const [placement] = await confirmPlacements(
        deps,
        routes,
        stream,
        [{ hashKey, record, offset: appended.offset }],
        append,
      )
      if (placement === undefined) throw new Error(`no placement for the record appended to ${stream.topic}`)
      return {
        ShardId: shardIdOf(placement.shardIndex),
        SequenceNumber: sequenceNumberOf(
          { incarnation: stream.incarnation, shardIndex: placement.shardIndex },
          BigInt(placement.offset),
        ),
        EncryptionType: stream.encryption.type,
      }
    },
  })
}

/**
 * Kafka keeps the records of one partition key in the order they were acknowledged, which is the order this
 * parameter asks for; only its form is checked. '0', before every sequence number, is accepted as Kinesis does.
 */
function checkSequenceNumberForOrdering(sequenceNumber: string, key: StreamKey): void {
  if (sequenceNumber === '0' || decodeSequenceNumber(sequenceNumber).ok) return
  throw InvalidArgumentException(
    `ExclusiveMinimumSequenceNumber ${sequenceNumber} used in PutRecord on stream ${key.streamName} ` +
      `under account ${key.accountId} is invalid.`,
  )
}
