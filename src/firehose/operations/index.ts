import type { Operation } from '../../aws/index.ts'
import type { FirehoseDeps } from '../deps.ts'
import { createRecordWriter } from '../records/record-writer.ts'
import { createDeliveryStreamOperation } from './create-delivery-stream.ts'
import { deleteDeliveryStreamOperation } from './delete-delivery-stream.ts'
import { describeDeliveryStreamOperation } from './describe-delivery-stream.ts'
import {
  startDeliveryStreamEncryptionOperation,
  stopDeliveryStreamEncryptionOperation,
} from './delivery-stream-encryption.ts'
import { listDeliveryStreamsOperation } from './list-delivery-streams.ts'
import { putRecordBatchOperation } from './put-record-batch.ts'
import { putRecordOperation } from './put-record.ts'
import {
  listTagsForDeliveryStreamOperation,
  tagDeliveryStreamOperation,
  untagDeliveryStreamOperation,
} from './tag-operations.ts'
import { updateDestinationOperation } from './update-destination.ts'

/** Every operation of the Firehose model (2015-08-04). */
export function firehoseOperations(deps: FirehoseDeps): Operation[] {
  const writer = createRecordWriter(deps)
  return [
    createDeliveryStreamOperation(deps),
    describeDeliveryStreamOperation(deps),
    listDeliveryStreamsOperation(deps),
    deleteDeliveryStreamOperation(deps),
    updateDestinationOperation(deps),
    putRecordOperation(writer),
    putRecordBatchOperation(writer),
    tagDeliveryStreamOperation(deps),
    untagDeliveryStreamOperation(deps),
    listTagsForDeliveryStreamOperation(deps),
    startDeliveryStreamEncryptionOperation(deps),
    stopDeliveryStreamEncryptionOperation(deps),
  ] as Operation[]
}
