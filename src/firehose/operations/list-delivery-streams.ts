import type { ListDeliveryStreamsInput, ListDeliveryStreamsOutput } from '@aws-sdk/client-firehose'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { FirehoseDeps } from '../deps.ts'
import { ListDeliveryStreamsInput as ListDeliveryStreamsShape } from '../shapes.ts'

const DEFAULT_LIMIT = 10

/**
 * ListDeliveryStreams: names in ascending order, after `ExclusiveStartDeliveryStreamName`, of the given type
 * (any type when none is given), at most `Limit` (10 by default).
 */
export function listDeliveryStreamsOperation(
  deps: FirehoseDeps,
): Operation<ListDeliveryStreamsInput, ListDeliveryStreamsOutput> {
  return defineOperation({
    name: 'ListDeliveryStreams',
    input: ListDeliveryStreamsShape.members,
    async handle(input, context) {
      const limit = input.Limit ?? DEFAULT_LIMIT
      const after = input.ExclusiveStartDeliveryStreamName
      const names = (await deps.catalog.listAll({ accountId: context.accountId, region: context.region }))
        .filter(
          (stream) =>
            input.DeliveryStreamType === undefined ||
            stream.description.DeliveryStreamType === input.DeliveryStreamType,
        )
        .map((stream) => stream.name)
        .filter((name) => after === undefined || name > after)
      return { DeliveryStreamNames: names.slice(0, limit), HasMoreDeliveryStreams: names.length > limit }
    },
  })
}
