import type { ListStreamConsumersInput, ListStreamConsumersOutput } from '@aws-sdk/client-kinesis'

import { InvalidArgumentException } from '../errors.ts'
import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import {
  decodeConsumerPageToken,
  encodeConsumerPageToken,
  isAfterToken,
} from '../fan-out/consumer-page-tokens.ts'
import { consumerOf } from '../fan-out/consumer-shapes.ts'
import { NextToken, StreamARN, StreamId } from '../members.ts'
import { registeredConsumers } from '../fan-out/stream-consumers.ts'
import { requireStream, streamNotFound, streamKeyOf } from '../catalog/stream-lookup.ts'

const DEFAULT_MAX_RESULTS = 100

/**
 * ListStreamConsumers: the stream's consumers by creation time, then name, MaxResults (default 100) at a time.
 * StreamCreationTimestamp, when given, must be the stream's (to the second): it tells the stream apart from an
 * earlier one of the same name.
 */
export function listStreamConsumersOperation(
  deps: StreamsDeps,
): Operation<ListStreamConsumersInput, ListStreamConsumersOutput> {
  return defineOperation<ListStreamConsumersInput, ListStreamConsumersOutput>({
    name: 'ListStreamConsumers',
    input: {
      StreamARN: { ...StreamARN, required: true },
      NextToken,
      MaxResults: { type: 'integer', min: 1, max: 10000 },
      StreamCreationTimestamp: { type: 'timestamp' },
      StreamId,
    },
    async handle(input, context) {
      const key = streamKeyOf({ StreamARN: validated(input.StreamARN, 'StreamARN') }, context)
      const stream = await requireStream(deps, key)
      const created = input.StreamCreationTimestamp
      if (created !== undefined && seconds(created.getTime()) !== seconds(stream.createdAtMillis)) {
        throw streamNotFound(key)
      }
      const now = deps.clock.now()
      const token =
        input.NextToken === undefined ? undefined : decodeConsumerPageToken(input.NextToken, context, now)
      if (
        token !== undefined &&
        (token.streamName !== key.streamName || token.incarnation !== stream.incarnation)
      ) {
        throw InvalidArgumentException('The NextToken provided is invalid.')
      }
      const consumers = await registeredConsumers(deps, stream)
      const remaining =
        token === undefined ? consumers : consumers.filter((each) => isAfterToken(each, token))
      const page = remaining.slice(0, input.MaxResults ?? DEFAULT_MAX_RESULTS)
      const last = page.at(-1)
      const output: ListStreamConsumersOutput = { Consumers: page.map(consumerOf) }
      if (last !== undefined && remaining.length > page.length) {
        output.NextToken = encodeConsumerPageToken(
          {
            streamName: key.streamName,
            incarnation: stream.incarnation,
            afterCreatedAtMillis: last.createdAtMillis,
            afterConsumerName: last.consumerName,
            issuedAtMillis: now,
          },
          context,
        )
      }
      return output
    },
  })
}

function seconds(epochMillis: number): number {
  return Math.floor(epochMillis / 1000)
}
