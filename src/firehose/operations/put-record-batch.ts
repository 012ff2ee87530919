import type { PutRecordBatchInput, PutRecordBatchOutput } from '@aws-sdk/client-firehose'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { deliveryStreamKey } from '../catalog/delivery-stream-lookup.ts'
import { InvalidArgumentException } from '../errors.ts'
import type { RecordWriter } from '../records/record-writer.ts'
import { PutRecordBatchInput as PutRecordBatchShape } from '../shapes.ts'

/** The most data one PutRecordBatch may carry (before base64). */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024

/**
 * PutRecordBatch: 1-500 records of at most 1,000 KiB, 4 MiB in all. The records are appended together and
 * acknowledged together, so the answer gives every record its RecordId (FailedPutCount 0), or the request
 * fails as a whole with a retriable 503: a batch is never reported half stored.
 */
export function putRecordBatchOperation(
  writer: RecordWriter,
): Operation<PutRecordBatchInput, PutRecordBatchOutput> {
  return defineOperation({
    name: 'PutRecordBatch',
    input: PutRecordBatchShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      const records = validated(input.Records, 'Records').map((record) => validated(record.Data, 'Data'))
      let bytes = 0
      for (const data of records) bytes += data.byteLength
      if (bytes > MAX_BATCH_BYTES) throw InvalidArgumentException('Records size exceeds 4 MB limit')
      const { recordIds, encrypted } = await writer.write(key, records)
      return {
        FailedPutCount: 0,
        Encrypted: encrypted,
        RequestResponses: recordIds.map((recordId) => ({ RecordId: recordId })),
      }
    },
  })
}
