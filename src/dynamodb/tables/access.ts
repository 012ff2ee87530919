import { randomUUID } from 'node:crypto'

import { ServiceUnavailable, type RequestContext } from '../../aws/index.ts'
import type { TableDefinition, TableRef, TableScope, Versioned } from '../../ports/table-store.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { outageAnswer, ResourceNotFoundException } from '../errors.ts'
import type { Item } from '../values/attribute-value.ts'
import { RecentTables } from './recent-tables.ts'

/** One RecentTables per table store: every replica of the service in a process shares what it saw. */
const recentByStore = new WeakMap<DynamoDbDeps['tables'], RecentTables>()

export function recentOf(deps: DynamoDbDeps): RecentTables {
  let recent = recentByStore.get(deps.tables)
  if (recent === undefined) {
    recent = new RecentTables(() => deps.clock.now())
    recentByStore.set(deps.tables, recent)
  }
  return recent
}

export function scopeOf(context: RequestContext): TableScope {
  return { accountId: context.accountId, region: context.region }
}

export function refOf(scope: TableScope, table: TableDefinition): TableRef {
  return { scope, name: table.TableName, id: table.id }
}

export function newTableId(): string {
  return randomUUID()
}

/** Store outages become 503 ServiceUnavailable; everything else passes through. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw outageAnswer(error) ?? error
  }
}

export function isActive(createdAt: number, deps: DynamoDbDeps): boolean {
  return deps.clock.now() - createdAt >= deps.settings.creatingDelayMs
}

/** A table that item operations may use: it exists and is no longer CREATING (DynamoDB: not found until then). */
export async function usableTable(
  deps: DynamoDbDeps,
  scope: TableScope,
  name: string,
): Promise<TableDefinition> {
  let found = recentOf(deps).table(scope, name)
  if (found === undefined) {
    found = await guarded(() => deps.tables.getTable(scope, name))
    recentOf(deps).rememberTable(scope, name, found)
  }
  if (found === undefined || !isActive(found.value.createdAt, deps)) throw ResourceNotFoundException()
  return found.value
}

export async function existingTable(
  deps: DynamoDbDeps,
  scope: TableScope,
  name: string,
): Promise<Versioned<TableDefinition>> {
  const found = await guarded(() => deps.tables.getTable(scope, name))
  recentOf(deps).rememberTable(scope, name, found)
  if (found === undefined) throw ResourceNotFoundException()
  return found
}

/** Compare-and-set attempts before a write under heavy contention gives up with a retriable error. */
const MAX_ATTEMPTS = 100

export interface ItemChange {
  readonly before: Item | undefined
  readonly after: Item | undefined
}

/**
 * Reads the item, lets `decide` compute what it becomes (undefined: deleted; it throws to refuse, e.g. a failed
 * condition), and writes that only if the item is still what was read; otherwise reads again. So a condition
 * is always checked against the item the write replaces, whichever replica of the gateway wrote last. The first
 * attempt starts from the item as this process last saw it, when it did, instead of reading it: a write that
 * goes through proves the guess right, and a refusal is only ever given on an item read afresh.
 */
export async function changeItem(
  deps: DynamoDbDeps,
  table: TableRef,
  key: string,
  decide: (current: Item | undefined) => Item | undefined,
): Promise<ItemChange> {
  let guess = recentOf(deps).item(table, key)
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const guessed = guess !== undefined
    const current = guess ?? (await guarded(() => deps.tables.getItem(table, key)))
    guess = undefined
    const before = current?.value as Item | undefined
    let after: Item | undefined
    try {
      after = decide(before)
    } catch (error) {
      if (guessed) continue
      throw error
    }
    if (before === undefined && after === undefined) return { before, after }
    const outcome = await guarded(() => deps.tables.swapItem(table, key, current, after))
    if (outcome === 'swapped') {
      recentOf(deps).rememberItem(
        table,
        key,
        after === undefined ? undefined : { value: after, version: deps.tables.versionOf(after) },
      )
      return { before, after }
    }
    recentOf(deps).rememberItem(table, key, undefined)
    if (outcome === 'no-table') {
      recentOf(deps).forgetTable(table.scope, table.name)
      throw ResourceNotFoundException()
    }
  }
  throw ServiceUnavailable('Too many concurrent writes to the same item; retry the request')
}
