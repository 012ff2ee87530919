// The records a delivery worker reads, as the processing stage receives them.
//
// DirectPut: one Kafka record per Firehose record, the value is the data as put, the timestamp its arrival.
// KinesisStreamAsSource: the source stream's records, stored as Kinesis Data Streams stores them (the key is the
// partition key, encrypted records are sealed envelopes opened with the key ring's data key); each carries its
// Kinesis metadata (shard, partition key, sequence number).

import { openStoredRecord } from '../../mapping/record-envelope.ts'
import { sequenceNumberOf } from '../../mapping/sequence-numbers.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import type { KeyRing } from '../../ports/key-ring.ts'
import type { StoredRecord } from '../../ports/record-log.ts'
import type { DeliverySource } from './delivery-config.ts'
import type { DeliveryRecord, FailedRecord } from './delivery-record.ts'

const EMPTY = Buffer.alloc(0)

export interface SourceReading {
  readonly source: DeliverySource
  readonly keyRing: KeyRing | undefined
  /** The source stream's creation time: the incarnation its sequence numbers carry. */
  readonly sourceStreamCreatedAtMs: number
}

export interface ReadRecords {
  readonly records: DeliveryRecord[]
  /** Source records that cannot be read (an envelope whose key the ring lacks): they go to the error output. */
  readonly failed: FailedRecord[]
}

export function deliveryRecords(
  reading: SourceReading,
  partition: number,
  stored: readonly StoredRecord[],
  now: number,
): ReadRecords {
  const records: DeliveryRecord[] = []
  const failed: FailedRecord[] = []
  for (const record of stored) {
    const recordId = `${partition}.${record.offset}`
    if (reading.source.type === 'DirectPut') {
      records.push({
        recordId,
        data: record.value ?? EMPTY,
        approximateArrivalTimestamp: record.timestamp,
      })
      continue
    }
    const opened = openStoredRecord(record, (keyId) => reading.keyRing?.dataKey(keyId))
    if (!opened.ok) {
      failed.push({
        record: { recordId, data: record.value ?? EMPTY, approximateArrivalTimestamp: record.timestamp },
        errorOutputType: 'processing-failed',
        errorCode:
          opened.reason === 'missing-key' ? 'KMS.NotFoundException' : 'KMS.InvalidCiphertextException',
        errorMessage: opened.message,
        attemptsMade: 1,
        attemptEndingTimestamp: now,
      })
      continue
    }
    const data = Buffer.isBuffer(opened.data)
      ? opened.data
      : Buffer.from(opened.data.buffer, opened.data.byteOffset, opened.data.byteLength)
    records.push({
      recordId,
      data,
      approximateArrivalTimestamp: record.timestamp,
      kinesisRecordMetadata: {
        shardId: shardIdOf(partition),
        partitionKey: opened.partitionKey,
        sequenceNumber: sequenceNumberOf(
          { incarnation: reading.sourceStreamCreatedAtMs, shardIndex: partition },
          BigInt(record.offset),
        ),
        approximateArrivalTimestamp: record.timestamp,
      },
    })
  }
  return { records, failed }
}
