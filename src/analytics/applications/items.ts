import type { ApplicationRecord } from '../../ports/application-catalog.ts'
import { ResourceNotFoundException } from '../errors.ts'

// Finding an input, output, reference data source or logging option of an application by its id.

const NOUNS = {
  InputId: 'Input',
  OutputId: 'Output',
  ReferenceId: 'Reference data source',
  CloudWatchLoggingOptionId: 'CloudWatch logging option',
} as const

export type ItemIdMember = keyof typeof NOUNS

/** The index of the item whose `member` is `id`; ResourceNotFoundException when there is none. */
type Identified = { readonly [K in ItemIdMember]?: string | undefined }

export function itemIndex(
  record: ApplicationRecord,
  items: readonly Identified[],
  member: ItemIdMember,
  id: string,
): number {
  const index = items.findIndex((item) => item[member] === id)
  if (index === -1) {
    throw ResourceNotFoundException(
      `${NOUNS[member]} ${id} is not found in application ${record.applicationName}.`,
    )
  }
  return index
}

/** `items` with the one at `index` replaced (or, with undefined, removed). */
export function replaced<Item>(items: readonly Item[], index: number, item: Item | undefined): Item[] {
  const next = [...items]
  if (item === undefined) next.splice(index, 1)
  else next[index] = item
  return next
}
