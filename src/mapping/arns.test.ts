import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  consumerArn,
  parseConsumerArn,
  parseKinesisArn,
  parseStreamArn,
  partitionOfRegion,
  streamArn,
} from './arns.ts'

const orders = { region: 'us-east-1', accountId: '123456789012', streamName: 'orders' }

describe('streamArn', () => {
  it('builds the ARN Kinesis shows', () => {
    expect(streamArn(orders)).toBe('arn:aws:kinesis:us-east-1:123456789012:stream/orders')
  })

  it('picks the partition from the region', () => {
    expect(streamArn({ ...orders, region: 'cn-north-1' })).toBe(
      'arn:aws-cn:kinesis:cn-north-1:123456789012:stream/orders',
    )
    expect(streamArn({ ...orders, region: 'us-gov-west-1' })).toBe(
      'arn:aws-us-gov:kinesis:us-gov-west-1:123456789012:stream/orders',
    )
    expect(partitionOfRegion('eu-central-1')).toBe('aws')
  })

  it('refuses malformed parts', () => {
    for (const change of [{ region: 'US_EAST' }, { accountId: '12345678901' }, { streamName: 'a:b' }]) {
      expect(() => streamArn({ ...orders, ...change })).toThrow(RangeError)
    }
  })
})

describe('consumerArn', () => {
  it('appends the consumer name and creation time', () => {
    expect(consumerArn(streamArn(orders), 'billing', 1525898737)).toBe(
      'arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/billing:1525898737',
    )
  })

  it('refuses what is not a stream ARN, a consumer name or a time', () => {
    const arn = streamArn(orders)
    expect(() => consumerArn('arn:aws:s3:::bucket', 'billing', 1)).toThrow(RangeError)
    expect(() => consumerArn(consumerArn(arn, 'a', 1), 'billing', 1)).toThrow(RangeError)
    expect(() => consumerArn(arn, 'bill/ing', 1)).toThrow(RangeError)
    expect(() => consumerArn(arn, 'billing', -1)).toThrow(RangeError)
  })
})

describe('parsing', () => {
  const anyStream = fc.record({
    region: fc.constantFrom('us-east-1', 'eu-west-3', 'cn-northwest-1', 'us-gov-east-1', 'ap-southeast-2'),
    accountId: fc.stringMatching(/^\d{12}$/),
    streamName: fc.stringMatching(/^[a-zA-Z0-9_.-]{1,128}$/),
  })

  it('round-trips stream ARNs', () => {
    fc.assert(
      fc.property(anyStream, (stream) => {
        const parsed = parseStreamArn(streamArn(stream))
        expect(parsed).toEqual({ ...stream, partition: partitionOfRegion(stream.region) })
        expect(parseKinesisArn(streamArn(stream))?.kind).toBe('stream')
        expect(parseConsumerArn(streamArn(stream))).toBeUndefined()
      }),
    )
  })

  it('round-trips consumer ARNs', () => {
    fc.assert(
      fc.property(
        anyStream,
        fc.stringMatching(/^[a-zA-Z0-9_.-]{1,128}$/),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (stream, consumerName, seconds) => {
          const arn = consumerArn(streamArn(stream), consumerName, seconds)
          expect(parseConsumerArn(arn)).toEqual({
            ...stream,
            partition: partitionOfRegion(stream.region),
            consumerName,
            consumerCreationEpochSeconds: seconds,
          })
          expect(parseStreamArn(arn)).toBeUndefined()
        },
      ),
    )
  })

  it.each([
    'arn:aws:kinesis:us-east-1:123456789012:stream/',
    'arn:aws:kinesis:us-east-1:123456789012:stream/a/b',
    'arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/billing',
    'arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/:1',
    'arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/billing:x',
    'arn:aws:kinesis:us-east-1:1234567890:stream/orders',
    'arn:aws:kinesis::123456789012:stream/orders',
    'arn:aws:firehose:us-east-1:123456789012:deliverystream/orders',
    'arn:aws-iso:kinesis:us-iso-east-1:123456789012:stream/orders',
    'arn:azure:kinesis:us-east-1:123456789012:stream/orders',
    `arn:aws:kinesis:us-east-1:123456789012:stream/${'a'.repeat(129)}`,
    'arn:aws:kinesis:us-east-1:123456789012:stream/orders ',
    'orders',
  ])('rejects %s', (text) => {
    expect(parseKinesisArn(text)).toBeUndefined()
  })
})
