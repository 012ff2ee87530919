import type { _Record } from '@aws-sdk/client-kinesis'

import { SequenceNumberSeries, type SequenceNumberScope } from '../../mapping/sequence-numbers.ts'
import type { StoredRecord } from '../../ports/record-log.ts'
import { fromStoredRecord } from './record-envelope.ts'
import type { KeyRing } from '../../ports/key-ring.ts'

/**
 * Stored records of a shard as GetRecords and SubscribeToShard return them, in order, stopping at `endOffset`
 * (the end of a closed shard) when there is one. The records returned are `stored[0 .. result.length - 1]`.
 */
export function kinesisRecordsOf(
  stored: readonly StoredRecord[],
  scope: SequenceNumberScope,
  keyRing: KeyRing | undefined,
  endOffset: number | undefined,
): _Record[] {
  const records: _Record[] = []
  const sequenceNumbers = new SequenceNumberSeries(scope.incarnation)
  for (const entry of stored) {
    if (endOffset !== undefined && entry.offset >= endOffset) break
    const { partitionKey, data, encrypted } = fromStoredRecord(entry, keyRing)
    const record: _Record = {
      SequenceNumber: sequenceNumbers.numberOf(scope.shardIndex, entry.offset),
      ApproximateArrivalTimestamp: new Date(entry.timestamp),
      Data: data,
      PartitionKey: partitionKey,
    }
    if (encrypted) record.EncryptionType = 'KMS'
    records.push(record)
  }
  return records
}
