import { describe, expect, it } from 'vitest'

import { collidesWithStreamTopics, deliveryStreamTopicName } from './delivery-stream-topics.ts'
import { DEFAULT_TOPIC_TEMPLATE, parseTopicTemplate, topicNameFor } from './topic-names.ts'

const coordinates = { accountId: '123456789012', region: 'us-east-1', name: 'clicks.raw' }

describe('delivery stream topics', () => {
  it('names the topic after account, region and delivery stream name', () => {
    expect(deliveryStreamTopicName(coordinates)).toBe('firehose.123456789012.us-east-1.clicks.raw')
  })

  it('refuses malformed coordinates', () => {
    expect(() => deliveryStreamTopicName({ ...coordinates, name: 'a/b' })).toThrow(RangeError)
    expect(() => deliveryStreamTopicName({ ...coordinates, name: 'x'.repeat(65) })).toThrow(RangeError)
    expect(() => deliveryStreamTopicName({ ...coordinates, region: 'US' })).toThrow(RangeError)
  })

  it('never meets a stream topic under the default template', () => {
    const template = parseTopicTemplate(DEFAULT_TOPIC_TEMPLATE)
    for (const name of ['a', 'kinesis', 'x.y_z', '123456789012.us-east-1.a']) {
      const topic = deliveryStreamTopicName({ ...coordinates, name })
      expect(collidesWithStreamTopics(template, topic)).toBe(false)
    }
  })

  it('finds the stream topic that equals or folds onto a delivery stream topic under another template', () => {
    const template = parseTopicTemplate('{region}.{accountId}.{streamName}')
    const streamTopic = topicNameFor(template, {
      accountId: '123456789012',
      region: 'firehose',
      streamName: 'us-east-1.clicks',
    })
    const topic = deliveryStreamTopicName({ ...coordinates, name: 'clicks' })
    expect(streamTopic).toBe(topic)
    expect(collidesWithStreamTopics(template, topic)).toBe(true)
    expect(collidesWithStreamTopics(template, topic.replaceAll('.', '_'))).toBe(true)
    expect(
      collidesWithStreamTopics(parseTopicTemplate('streams.{accountId}.{region}.{streamName}'), topic),
    ).toBe(false)
  })
})
