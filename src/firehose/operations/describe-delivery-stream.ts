import type { DescribeDeliveryStreamInput, DescribeDeliveryStreamOutput } from '@aws-sdk/client-firehose'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { describedEncryption } from '../catalog/encryption-status.ts'
import { deliveryStreamKey, requireDeliveryStream } from '../catalog/delivery-stream-lookup.ts'
import type { FirehoseDeps } from '../deps.ts'
import { DescribeDeliveryStreamInput as DescribeDeliveryStreamShape } from '../shapes.ts'

/**
 * DescribeDeliveryStream: the stored description, with encryption as it is now. A delivery stream has one
 * destination, so `ExclusiveStartDestinationId` at or after its id leaves none to show.
 */
export function describeDeliveryStreamOperation(
  deps: FirehoseDeps,
): Operation<DescribeDeliveryStreamInput, DescribeDeliveryStreamOutput> {
  return defineOperation({
    name: 'DescribeDeliveryStream',
    input: DescribeDeliveryStreamShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      const stream = await requireDeliveryStream(deps, key)
      const { description } = stream
      const encryption = describedEncryption(stream, deps.clock.now())
      const after = input.ExclusiveStartDestinationId
      const destinations = (description.Destinations ?? []).filter(
        (destination) => after === undefined || (destination.DestinationId ?? '') > after,
      )
      return {
        DeliveryStreamDescription: {
          ...description,
          ...(encryption === undefined ? {} : { DeliveryStreamEncryptionConfiguration: encryption }),
          Destinations: destinations.slice(0, input.Limit ?? destinations.length),
          HasMoreDestinations: destinations.length > (input.Limit ?? destinations.length),
        },
      }
    },
  })
}
