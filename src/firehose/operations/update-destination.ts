import type { UpdateDestinationInput, UpdateDestinationOutput } from '@aws-sdk/client-firehose'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { changeDeliveryStream, requireActive } from '../catalog/delivery-stream-changes.ts'
import { deliveryStreamKey } from '../catalog/delivery-stream-lookup.ts'
import type { FirehoseDeps } from '../deps.ts'
import { destinationAfterUpdate, sameJson } from '../destinations/destination-changes.ts'
import { checkDestinationRules } from '../destinations/destination-rules.ts'
import { ConcurrentModificationException, InvalidArgumentException } from '../errors.ts'
import { UpdateDestinationInput as UpdateDestinationShape } from '../shapes.ts'

/**
 * UpdateDestination: changes the destination if `CurrentDeliveryStreamVersionId` is still the delivery
 * stream's VersionId (ConcurrentModificationException otherwise). The VersionId grows by one with every change
 * that changes something; an update that names no destination, or changes nothing, leaves it.
 */
export function updateDestinationOperation(
  deps: FirehoseDeps,
): Operation<UpdateDestinationInput, UpdateDestinationOutput> {
  return defineOperation({
    name: 'UpdateDestination',
    input: UpdateDestinationShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      const expectedVersion = validated(
        input.CurrentDeliveryStreamVersionId,
        'CurrentDeliveryStreamVersionId',
      )
      const destinationId = validated(input.DestinationId, 'DestinationId')
      await changeDeliveryStream(deps, key, (stream, now) => {
        requireActive(stream)
        const { description } = stream
        const version = description.VersionId ?? '1'
        if (expectedVersion !== version) {
          throw ConcurrentModificationException(
            `Cannot update firehose: ${key.name} since the current version id: ${version} and specified version id: ${expectedVersion} do not match`,
          )
        }
        const current = description.Destinations?.find(
          (destination) => destination.DestinationId === destinationId,
        )
        if (current === undefined) {
          throw InvalidArgumentException(
            `Destination Id ${destinationId} not found for Firehose ${key.name}.`,
          )
        }
        const updated = destinationAfterUpdate(current, stream.httpEndpointAccessKey, input)
        if (updated === undefined) return undefined
        checkDestinationRules(updated.destination)
        if (
          sameJson(updated.destination, current) &&
          updated.httpEndpointAccessKey === stream.httpEndpointAccessKey
        ) {
          return undefined
        }
        const { httpEndpointAccessKey: _previous, ...rest } = stream
        return {
          ...rest,
          ...(updated.httpEndpointAccessKey === undefined
            ? {}
            : { httpEndpointAccessKey: updated.httpEndpointAccessKey }),
          description: {
            ...description,
            VersionId: String(Number(version) + 1),
            LastUpdateTimestamp: new Date(now),
            Destinations: (description.Destinations ?? []).map((destination) =>
              destination === current ? updated.destination : destination,
            ),
          },
        }
      })
      return {}
    },
  })
}
