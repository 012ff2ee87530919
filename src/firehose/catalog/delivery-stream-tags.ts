import type { Tag } from '@aws-sdk/client-firehose'

import { LimitExceededException } from '../errors.ts'

/** Tags a delivery stream can carry at most (the model's list limit and AWS's quota). */
export const MAX_TAGS = 50

/** One tag per key, the last value given winning, in the order keys first appear. */
export function uniqueTags(tags: readonly Tag[]): Tag[] {
  const byKey = new Map<string, Tag>()
  for (const tag of tags) byKey.set(tag.Key ?? '', tag.Value === undefined ? { Key: tag.Key } : tag)
  return [...byKey.values()]
}

/** `current` with `added` set (replacing the values of keys it has); LimitExceededException beyond MAX_TAGS. */
export function withTags(name: string, current: readonly Tag[], added: readonly Tag[]): Tag[] {
  const next = uniqueTags([...current, ...added])
  if (next.length > MAX_TAGS) {
    throw LimitExceededException(
      `Firehose ${name} would have ${next.length} tags; a delivery stream can have at most ${MAX_TAGS}.`,
    )
  }
  return next
}

export function withoutTags(current: readonly Tag[], keys: readonly string[]): Tag[] {
  const removed = new Set(keys)
  return current.filter((tag) => !removed.has(tag.Key ?? ''))
}
