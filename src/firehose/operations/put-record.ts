import type { PutRecordInput, PutRecordOutput } from '@aws-sdk/client-firehose'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { deliveryStreamKey } from '../catalog/delivery-stream-lookup.ts'
import type { RecordWriter } from '../records/record-writer.ts'
import { PutRecordInput as PutRecordShape } from '../shapes.ts'

/** PutRecord: answered once Kafka has the record (acks=all); an outage is a 503, never a RecordId. */
export function putRecordOperation(writer: RecordWriter): Operation<PutRecordInput, PutRecordOutput> {
  return defineOperation({
    name: 'PutRecord',
    input: PutRecordShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      const data = validated(validated(input.Record, 'Record').Data, 'Data')
      const { recordIds, encrypted } = await writer.write(key, [data])
      return { RecordId: validated(recordIds[0], 'RecordId'), Encrypted: encrypted }
    },
  })
}
