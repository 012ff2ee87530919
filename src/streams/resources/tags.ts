// Stream tags: the character rules and the per-stream limit of AddTagsToStream, TagResource, CreateStream and
// their removal counterparts.

import { InvalidArgumentException } from '../errors.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'

export const MAX_TAGS_PER_STREAM = 50

// Unicode letters, digits, white space and _ . / = + - % @ : are accepted; '%' then fails the second rule.
// White space is Unicode's separators (\p{Z}: spaces); tabs, newlines and other control characters are refused,
// as in the tag pattern AWS documents for its services, ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$.
const TAG_CHARACTERS = /^[\p{L}\p{N}\p{Z}_./=+\-%@:]*$/u

export type TagAction = 'add tags to' | 'remove tags from'

/** Refuses tag keys or values with characters Kinesis does not allow, with its two messages. */
export function checkTagCharacters(texts: readonly string[], action: TagAction, stream: StreamRecord): void {
  if (texts.some((text) => !TAG_CHARACTERS.test(text))) {
    throw InvalidArgumentException(
      'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.',
    )
  }
  if (texts.some((text) => text.includes('%'))) {
    throw InvalidArgumentException(
      `Failed to ${action} stream ${stream.streamName} under account ${stream.accountId} because some tags ` +
        "contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/'," +
        "'=','+','-','@',':'.",
    )
  }
}

/** The stream's tags with `tags` added or overwritten; refuses more than 50 tags in all. */
export function addTags(
  stream: StreamRecord,
  tags: Readonly<Record<string, string>>,
): Record<string, string> {
  checkTagCharacters([...Object.keys(tags), ...Object.values(tags)], 'add tags to', stream)
  const merged = { ...stream.tags, ...tags }
  if (Object.keys(merged).length > MAX_TAGS_PER_STREAM) {
    throw InvalidArgumentException(
      `Failed to add tags to stream ${stream.streamName} under account ${stream.accountId} because a given ` +
        `stream cannot have more than ${MAX_TAGS_PER_STREAM} tags associated with it.`,
    )
  }
  return merged
}

export function removeTags(stream: StreamRecord, tagKeys: readonly string[]): Record<string, string> {
  checkTagCharacters(tagKeys, 'remove tags from', stream)
  const remaining = { ...stream.tags }
  for (const key of tagKeys) Reflect.deleteProperty(remaining, key)
  return remaining
}

/** Tags in key order, as the list operations return them. */
export function sortedTags(tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ Key: key, Value: tags[key] ?? '' }))
}
