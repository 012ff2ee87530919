// Delivery stream -> Kafka topic name: `firehose.{accountId}.{region}.{deliveryStreamName}`, e.g.
// `firehose.123456789012.us-east-1.clicks`. Only DirectPut delivery streams have a topic of their own (a
// KinesisStreamAsSource one reads its source stream's topic).
//
// Stream topics follow a configurable template (topic-names.ts), so a fixed prefix alone cannot promise that
// the two kinds never meet: an unusual template such as `{region}.{accountId}.{streamName}` produces
// `firehose.123456789012.x` for a stream `x` in a region named `firehose`. `collidesWithStreamTopics` says
// whether some stream's topic could be equal to a delivery stream's topic, or collide with it as Kafka sees
// names ('.' and '_' alike); CreateDeliveryStream refuses such a name. Under the default template
// (`kinesis.` ...) no delivery stream topic ever collides.

import { isAccountId, isRegionName } from './identifiers.ts'
import { topicCollisionKey, type TopicTemplate } from './topic-names.ts'

export const DELIVERY_STREAM_TOPIC_PREFIX = 'firehose.'

export interface DeliveryStreamCoordinates {
  readonly accountId: string
  readonly region: string
  readonly name: string
}

/** The topic of a DirectPut delivery stream. Throws RangeError if a coordinate is malformed. */
export function deliveryStreamTopicName(stream: DeliveryStreamCoordinates): string {
  if (!isAccountId(stream.accountId)) throw new RangeError(`not an account id: '${stream.accountId}'`)
  if (!isRegionName(stream.region)) throw new RangeError(`not a region name: '${stream.region}'`)
  if (!isDeliveryStreamName(stream.name)) throw new RangeError(`not a delivery stream name: '${stream.name}'`)
  return `${DELIVERY_STREAM_TOPIC_PREFIX}${stream.accountId}.${stream.region}.${stream.name}`
}

/** A delivery stream name: `[a-zA-Z0-9_.-]{1,64}`. */
export function isDeliveryStreamName(text: string): boolean {
  return /^[a-zA-Z0-9_.-]{1,64}$/.test(text)
}

const foldedMatchers = new WeakMap<TopicTemplate, RegExp>()

/**
 * Whether a stream's topic under `template` could equal `topic` once Kafka reads '.' as '_'. Compares folded
 * names: the template's literals folded, account ids and region names (which contain neither character) as
 * they are, stream names with '.' folded to '_'.
 */
export function collidesWithStreamTopics(template: TopicTemplate, topic: string): boolean {
  let matcher = foldedMatchers.get(template)
  if (matcher === undefined) {
    const pattern = template.parts
      .map((part) => ('literal' in part ? escapeFolded(part.literal) : FOLDED_VALUE[part.placeholder]))
      .join('')
    matcher = new RegExp(`^${pattern}$`)
    foldedMatchers.set(template, matcher)
  }
  return matcher.test(topicCollisionKey(topic))
}

const FOLDED_VALUE: Record<'accountId' | 'region' | 'streamName', string> = {
  accountId: '\\d{12}',
  region: '[a-z0-9-]{1,32}',
  streamName: '[a-zA-Z0-9_-]{1,128}',
}

/** Literals hold only [a-zA-Z0-9._-]; folded, none of these is special in a regular expression. */
function escapeFolded(literal: string): string {
  return topicCollisionKey(literal)
}
