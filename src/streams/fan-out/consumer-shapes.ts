// Consumers as the API describes them (RegisterStreamConsumer, ListStreamConsumers, DescribeStreamConsumer).

import type { Consumer, ConsumerDescription } from '@aws-sdk/client-kinesis'

import type { ConsumerRecord } from '../../ports/consumer-registry.ts'

export function consumerOf(record: ConsumerRecord): Consumer {
  return {
    ConsumerName: record.consumerName,
    ConsumerARN: record.consumerArn,
    ConsumerStatus: record.status,
    ConsumerCreationTimestamp: new Date(record.createdAtMillis),
  }
}

export function consumerDescriptionOf(record: ConsumerRecord): ConsumerDescription {
  return { ...consumerOf(record), StreamARN: record.streamArn }
}
