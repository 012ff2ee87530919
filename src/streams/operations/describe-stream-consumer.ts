import type { DescribeStreamConsumerInput, DescribeStreamConsumerOutput } from '@aws-sdk/client-kinesis'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { requireConsumer } from '../fan-out/consumer-lookup.ts'
import { ConsumerARN, ConsumerName } from '../fan-out/consumer-members.ts'
import { consumerDescriptionOf } from '../fan-out/consumer-shapes.ts'
import { StreamARN, StreamId } from '../members.ts'

/** DescribeStreamConsumer, by ConsumerARN or by StreamARN and ConsumerName. */
export function describeStreamConsumerOperation(
  deps: StreamsDeps,
): Operation<DescribeStreamConsumerInput, DescribeStreamConsumerOutput> {
  return defineOperation<DescribeStreamConsumerInput, DescribeStreamConsumerOutput>({
    name: 'DescribeStreamConsumer',
    input: { StreamARN, ConsumerName, ConsumerARN, StreamId },
    async handle(input, context) {
      const { consumer } = await requireConsumer(deps, input, context)
      return { ConsumerDescription: consumerDescriptionOf(consumer) }
    },
  })
}
