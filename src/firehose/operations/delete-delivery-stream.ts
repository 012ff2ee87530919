import type { DeleteDeliveryStreamInput, DeleteDeliveryStreamOutput } from '@aws-sdk/client-firehose'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { continuePendingWork, markDeleting } from '../catalog/delivery-stream-lifecycle.ts'
import {
  deliveryStreamKey,
  deliveryStreamNotFound,
  requireDeliveryStream,
} from '../catalog/delivery-stream-lookup.ts'
import type { FirehoseDeps } from '../deps.ts'
import { DeleteDeliveryStreamInput as DeleteDeliveryStreamShape } from '../shapes.ts'

/**
 * DeleteDeliveryStream: stores the delivery stream DELETING and returns, as AWS does; its topic and then its
 * record are removed in the background (catalog/delivery-stream-lifecycle.ts). A delivery stream that is
 * CREATING can be deleted too (its creation ends with it), and deleting one that is DELETING succeeds again.
 * `AllowForceDelete` concerns failures of customer managed keys, which never happen here: it is accepted.
 */
export function deleteDeliveryStreamOperation(
  deps: FirehoseDeps,
): Operation<DeleteDeliveryStreamInput, DeleteDeliveryStreamOutput> {
  return defineOperation({
    name: 'DeleteDeliveryStream',
    input: DeleteDeliveryStreamShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      const stream = await requireDeliveryStream(deps, key)
      const deleting = await markDeleting(deps, stream)
      if (deleting === undefined) throw deliveryStreamNotFound(key)
      continuePendingWork(deps, deleting)
      return {}
    },
  })
}
