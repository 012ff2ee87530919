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
  const found = recentOf(deps).table(scope, name) ?? (await readTable(deps, scope, name))
  return activeOrNotFound(deps, found).value
}

async function readTable(
  deps: DynamoDbDeps,
  scope: TableScope,
  name: string,
): Promise<Versioned<TableDefinition> | undefined> {
  const found = await guarded(() => deps.tables.getTable(scope, name))
  recentOf(deps).rememberTable(scope, name, found)
  return found
}

function activeOrNotFound(
  deps: DynamoDbDeps,
  found: Versioned<TableDefinition> | undefined,
): Versioned<TableDefinition> {
  if (found === undefined || !isActive(found.value.createdAt, deps)) throw ResourceNotFoundException()
  return found
}

/** Writes the item at `key` of one table (see changeItem). */
export type ChangeItem = (
  key: string,
  decide: (current: Item | undefined) => Item | undefined,
) => Promise<ItemChange>

/** The write's table definition was not the stored one: it is read again and the write made anew. */
class TableChangedError extends Error {}

/** Tries of a write whose table definition keeps changing under it before it gives up with a retriable error. */
const MAX_TABLE_ATTEMPTS = 3

/**
 * Runs an item write against a table without reading its definition first when this process has seen it before,
 * however long ago: the write's compare-and-set also checks the stored definition is still that one, and a write
 * that ends without writing (refused, or nothing to delete) on a definition not confirmed within TABLE_REUSE_MS
 * reads it again. Either way, a definition found changed makes the write anew on the current one.
 */
export async function withWritableTable<T>(
  deps: DynamoDbDeps,
  scope: TableScope,
  name: string,
  write: (table: TableDefinition, changeItem: ChangeItem) => Promise<T>,
): Promise<T> {
  const recent = recentOf(deps)
  let found = recent.table(scope, name)
  let confirmed = found !== undefined
  found ??= recent.lastSeenTable(scope, name)
  let readAgain = found === undefined
  for (let attempt = 1; ; attempt++) {
    if (readAgain) {
      found = await readTable(deps, scope, name)
      confirmed = true
    }
    const definition = found
    const isCurrent = async (): Promise<boolean> => {
      if (confirmed) return true
      found = await readTable(deps, scope, name)
      confirmed = true
      return found?.version === definition?.version
    }
    try {
      const table = activeOrNotFound(deps, definition)
      return await write(table.value, (key, decide) => changeItem(deps, scope, table, key, decide, isCurrent))
    } catch (error) {
      // A definition found changed is read again, unless isCurrent just did.
      if (error instanceof TableChangedError) readAgain = found === definition
      else if (await isCurrent()) throw error
      else readAgain = false
    }
    if (attempt === MAX_TABLE_ATTEMPTS) {
      throw ServiceUnavailable('The table changed during the write; retry the request')
    }
  }
}

export async function existingTable(
  deps: DynamoDbDeps,
  scope: TableScope,
  name: string,
): Promise<Versioned<TableDefinition>> {
  const found = await readTable(deps, scope, name)
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
async function changeItem(
  deps: DynamoDbDeps,
  scope: TableScope,
  definition: Versioned<TableDefinition>,
  key: string,
  decide: (current: Item | undefined) => Item | undefined,
  isTableCurrent: () => Promise<boolean>,
): Promise<ItemChange> {
  const table = refOf(scope, definition.value)
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
    if (before === undefined && after === undefined) {
      if (!(await isTableCurrent())) throw new TableChangedError()
      return { before, after }
    }
    const outcome = await guarded(() => deps.tables.swapItem(table, key, current, after, definition.version))
    if (outcome === 'swapped') {
      recentOf(deps).rememberTable(scope, table.name, definition)
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
    if (outcome === 'table-changed') throw new TableChangedError()
  }
  throw ServiceUnavailable('Too many concurrent writes to the same item; retry the request')
}
