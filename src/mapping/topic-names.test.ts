import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  DEFAULT_TOPIC_TEMPLATE,
  MAX_TOPIC_NAME_LENGTH,
  TopicTemplateError,
  parseTopicTemplate,
  streamOfTopic,
  topicCollisionKey,
  topicNameFor,
  type StreamCoordinates,
} from './topic-names.ts'

const defaultTemplate = parseTopicTemplate(DEFAULT_TOPIC_TEMPLATE)

const anyStream: fc.Arbitrary<StreamCoordinates> = fc.record({
  accountId: fc.stringMatching(/^\d{12}$/),
  region: fc.stringMatching(/^[a-z0-9-]{1,32}$/),
  streamName: fc.stringMatching(/^[a-zA-Z0-9_.-]{1,128}$/),
})

const templates = [
  DEFAULT_TOPIC_TEMPLATE,
  '{streamName}.{accountId}.{region}',
  'kds_{region}_{accountId}_{streamName}-v1',
  '{accountId}._{streamName}-.{region}',
]

describe('topicNameFor', () => {
  it('fills the default template', () => {
    expect(
      topicNameFor(defaultTemplate, { accountId: '123456789012', region: 'us-east-1', streamName: 'orders' }),
    ).toBe('kinesis.123456789012.us-east-1.orders')
  })

  it('always yields a legal Kafka topic name', () => {
    for (const text of templates) {
      const template = parseTopicTemplate(text)
      fc.assert(
        fc.property(anyStream, (stream) => {
          const topic = topicNameFor(template, stream)
          expect(topic).toMatch(/^[a-zA-Z0-9._-]+$/)
          expect(topic.length).toBeLessThanOrEqual(MAX_TOPIC_NAME_LENGTH)
          expect(['.', '..']).not.toContain(topic)
        }),
      )
    }
  })

  it('refuses malformed coordinates', () => {
    const stream = { accountId: '123456789012', region: 'us-east-1', streamName: 'orders' }
    for (const change of [
      { accountId: '1234' },
      { region: 'US.East' },
      { streamName: 'a/b' },
      { streamName: '' },
    ]) {
      expect(() => topicNameFor(defaultTemplate, { ...stream, ...change })).toThrow(RangeError)
    }
  })
})

describe('streamOfTopic', () => {
  it('reads back the stream of any topic the template produced', () => {
    for (const text of templates) {
      const template = parseTopicTemplate(text)
      fc.assert(
        fc.property(anyStream, (stream) => {
          expect(streamOfTopic(template, topicNameFor(template, stream))).toEqual(stream)
        }),
      )
    }
  })

  it('ignores topics that do not follow the template', () => {
    for (const topic of [
      'orders',
      'kinesis.1234.us-east-1.orders',
      'kinesis.123456789012.us-east-1.',
      '__consumer_offsets',
    ]) {
      expect(streamOfTopic(defaultTemplate, topic)).toBeUndefined()
    }
  })
})

describe('collisions', () => {
  it("collide only for the same account and region and names that differ in '.' versus '_'", () => {
    for (const text of templates) {
      const template = parseTopicTemplate(text)
      fc.assert(
        fc.property(anyStream, anyStream, (a, b) => {
          const collide =
            topicCollisionKey(topicNameFor(template, a)) === topicCollisionKey(topicNameFor(template, b))
          const sameFolded =
            a.accountId === b.accountId &&
            a.region === b.region &&
            topicCollisionKey(a.streamName) === topicCollisionKey(b.streamName)
          expect(collide).toBe(sameFolded)
        }),
      )
    }
  })

  it('detects the known case', () => {
    const stream = { accountId: '123456789012', region: 'eu-west-1' }
    const dotted = topicNameFor(defaultTemplate, { ...stream, streamName: 'orders.eu' })
    const underscored = topicNameFor(defaultTemplate, { ...stream, streamName: 'orders_eu' })
    expect(topicCollisionKey(dotted)).toBe(topicCollisionKey(underscored))
    expect(topicCollisionKey(dotted)).not.toBe(
      topicCollisionKey(
        topicNameFor(defaultTemplate, { ...stream, accountId: '210987654321', streamName: 'orders_eu' }),
      ),
    )
  })
})

describe('parseTopicTemplate', () => {
  it.each([
    ['kinesis.{accountId}.{region}', /must contain \{streamName\}/],
    ['{accountId}.{region}.{streamName}.{accountId}', /appears twice/],
    ['{accountId}.{region}.{stream}', /unknown placeholder \{stream\}/],
    ['{accountId}{region}.{streamName}', /separated by '\.' or '_'/],
    ['{accountId}-{region}.{streamName}', /separated by '\.' or '_'/],
    ['kinesis/{accountId}.{region}.{streamName}', /may only contain/],
    ['kinesis.{accountId.{region}.{streamName}', /unknown placeholder|may only contain/],
    [`${'x'.repeat(80)}.{accountId}.{region}.{streamName}`, /can produce names of 255 characters/],
  ])('rejects %j', (text, message) => {
    expect(() => parseTopicTemplate(text)).toThrow(TopicTemplateError)
    expect(() => parseTopicTemplate(text)).toThrow(message)
  })

  it('accepts a separator with other characters around the dot or underscore', () => {
    expect(() => parseTopicTemplate('{accountId}-x.{region}__{streamName}')).not.toThrow()
  })
})
