// Stream -> Kafka topic name, from a configurable template.
//
// The default, `kinesis.{accountId}.{region}.{streamName}`, gives names such as
// `kinesis.123456789012.us-east-1.orders` that native Kafka tools show readably and that sort by account
// and region. The stream name is copied unchanged.
//
// Kafka treats '.' and '_' alike when it names metrics, and a broker refuses to create a topic whose name
// equals an existing one after replacing '.' with '_' ("collides with existing topics"). Account ids and
// region names contain neither character, and a template must put one of them between any two placeholders,
// so topics of different accounts, regions or stream names can only collide when the stream names differ
// in nothing but '.' versus '_' (`orders.eu` and `orders_eu` in the same account and region). Escaping one
// of the two characters would remove that case at the price of less readable names for every stream, so
// names stay verbatim; CreateStream is expected to compare `topicCollisionKey` of the new topic with those
// of the existing ones and refuse the rare colliding name with a message that says why.

import { isAccountId, isRegionName, isStreamName } from './identifiers.ts'

export const DEFAULT_TOPIC_TEMPLATE = 'kinesis.{accountId}.{region}.{streamName}'

/** Kafka's limit on topic name length. */
export const MAX_TOPIC_NAME_LENGTH = 249

const PLACEHOLDERS = ['accountId', 'region', 'streamName'] as const
type Placeholder = (typeof PLACEHOLDERS)[number]

const LONGEST_VALUE: Record<Placeholder, number> = { accountId: 12, region: 32, streamName: 128 }
const VALUE_PATTERN: Record<Placeholder, string> = {
  accountId: '(?<accountId>\\d{12})',
  region: '(?<region>[a-z0-9-]{1,32})',
  streamName: '(?<streamName>[a-zA-Z0-9_.-]{1,128})',
}

export interface StreamCoordinates {
  readonly accountId: string
  readonly region: string
  readonly streamName: string
}

/** A parsed template: literal text and placeholders, in order. */
export interface TopicTemplate {
  readonly text: string
  readonly parts: readonly ({ readonly literal: string } | { readonly placeholder: Placeholder })[]
  /** Matches a topic name of this template, with a named group per placeholder. */
  readonly matcher: RegExp
}

export class TopicTemplateError extends Error {
  override name = 'TopicTemplateError'
}

/** Checks and parses a template; throws TopicTemplateError naming the problem. */
export function parseTopicTemplate(text: string): TopicTemplate {
  const parts: ({ literal: string } | { placeholder: Placeholder })[] = []
  const placeholderOrder: Placeholder[] = []
  for (const piece of text.split(/(\{[^}]*\})/)) {
    if (piece === '') continue
    if (piece.startsWith('{')) {
      const name = piece.slice(1, -1)
      if (!isPlaceholder(name)) {
        throw new TopicTemplateError(`unknown placeholder ${piece} in topic template '${text}'`)
      }
      if (placeholderOrder.includes(name)) {
        throw new TopicTemplateError(`placeholder ${piece} appears twice in topic template '${text}'`)
      }
      placeholderOrder.push(name)
      parts.push({ placeholder: name })
    } else {
      if (!/^[a-zA-Z0-9._-]+$/.test(piece)) {
        throw new TopicTemplateError(
          `topic template '${text}' may only contain [a-zA-Z0-9._-] besides placeholders`,
        )
      }
      parts.push({ literal: piece })
    }
  }
  checkSeparators(text, parts)
  for (const name of PLACEHOLDERS) {
    if (!placeholderOrder.includes(name)) {
      throw new TopicTemplateError(`topic template '${text}' must contain {${name}}`)
    }
  }
  const longest = parts.reduce(
    (length, part) => length + ('literal' in part ? part.literal.length : LONGEST_VALUE[part.placeholder]),
    0,
  )
  if (longest > MAX_TOPIC_NAME_LENGTH) {
    throw new TopicTemplateError(
      `topic template '${text}' can produce names of ${longest} characters; Kafka allows ${MAX_TOPIC_NAME_LENGTH}`,
    )
  }
  const pattern = parts
    .map((part) => ('literal' in part ? escapeRegExp(part.literal) : VALUE_PATTERN[part.placeholder]))
    .join('')
  return { text, parts, matcher: new RegExp(`^${pattern}$`) }
}

/** The topic of a stream. Throws RangeError if a coordinate is malformed (validate requests first). */
export function topicNameFor(template: TopicTemplate, stream: StreamCoordinates): string {
  if (!isAccountId(stream.accountId)) throw new RangeError(`not an account id: '${stream.accountId}'`)
  if (!isRegionName(stream.region)) throw new RangeError(`not a region name: '${stream.region}'`)
  if (!isStreamName(stream.streamName)) throw new RangeError(`not a stream name: '${stream.streamName}'`)
  return template.parts.map((part) => ('literal' in part ? part.literal : stream[part.placeholder])).join('')
}

/** The stream a topic name belongs to, or undefined for a topic that does not follow the template. */
export function streamOfTopic(template: TopicTemplate, topic: string): StreamCoordinates | undefined {
  const match = template.matcher.exec(topic)
  if (match === null) return undefined
  const { accountId, region, streamName } = match.groups ?? {}
  if (accountId === undefined || region === undefined || streamName === undefined) return undefined
  return { accountId, region, streamName }
}

/** Two topics whose keys are equal cannot coexist in one Kafka cluster. */
export function topicCollisionKey(topic: string): string {
  return topic.replaceAll('.', '_')
}

/**
 * Account ids and region names never contain '.' or '_', so a '.' or '_' between two placeholders marks
 * where one value ends even after Kafka's '.' -> '_' folding: distinct streams get non-colliding topics.
 */
function checkSeparators(text: string, parts: readonly TopicTemplate['parts'][number][]): void {
  for (const [position, part] of parts.entries()) {
    const next = parts[position + 1]
    if (!('placeholder' in part) || next === undefined) continue
    const afterNext = parts[position + 2]
    const separator = 'literal' in next ? next.literal : ''
    if ('placeholder' in next || (afterNext !== undefined && !/[._]/.test(separator))) {
      throw new TopicTemplateError(`placeholders must be separated by '.' or '_' in topic template '${text}'`)
    }
  }
}

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name)
}

/** Literals hold only [a-zA-Z0-9._-], of which '.' is the one special character in a regular expression. */
function escapeRegExp(literal: string): string {
  return literal.replace(/[.]/g, '\\.')
}
