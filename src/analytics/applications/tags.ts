import type { Tag } from '@aws-sdk/client-kinesis-analytics'

import type { ApplicationTag } from '../../ports/application-catalog.ts'
import { InvalidArgumentException, TooManyTagsException } from '../errors.ts'

/** AWS's limit of user tags per application (the service model allows lists of 200, the service 50). */
export const MAX_TAGS = 50

/** `current` with `added` applied (a key given again replaces its value); refuses duplicates and too many tags. */
export function checkTags(current: readonly ApplicationTag[], added: readonly Tag[]): ApplicationTag[] {
  const keys = new Set<string>()
  for (const tag of added) {
    const key = tag.Key ?? ''
    if (keys.has(key)) throw InvalidArgumentException(`Tag key ${key} is given more than once.`)
    if (key.startsWith('aws:')) throw InvalidArgumentException(`Tag key ${key} may not start with aws:.`)
    keys.add(key)
  }
  const merged = new Map(current.map((tag) => [tag.Key, tag.Value]))
  for (const tag of added) merged.set(tag.Key ?? '', tag.Value)
  if (merged.size > MAX_TAGS) {
    throw TooManyTagsException(
      `Application can have at most ${MAX_TAGS} tags; the request would leave ${merged.size}.`,
    )
  }
  return [...merged].map(([Key, Value]) => (Value === undefined ? { Key } : { Key, Value }))
}
