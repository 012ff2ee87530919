import type {
  ItemDocument,
  TableDefinition,
  TableRef,
  TableScope,
  Versioned,
} from '../../ports/table-store.ts'

/** How long a table definition read by this process is used for item operations without reading it again. */
export const TABLE_REUSE_MS = 1_000
const MAX_ITEMS = 5_000

/**
 * What this process last read or wrote of table definitions and items, so that the item operations KCL makes
 * all the time (a lease renewal is an UpdateItem every few seconds per lease) take one Redis round trip instead
 * of three. Nothing here is ever trusted as the truth:
 *
 * - a table definition is reused for TABLE_REUSE_MS by reads; a write uses the last one seen however old, and
 *   its script writes only if the stored definition is still exactly that one (a write that goes through makes
 *   the definition as fresh as a read would);
 * - an item is only a guess for a compare-and-set: the write goes through only if the stored item is exactly
 *   the remembered one, and a condition that fails on a guess is checked again on the item read afresh.
 */
export class RecentTables {
  private readonly tables = new Map<
    string,
    { readonly table: Versioned<TableDefinition>; readonly at: number }
  >()
  private readonly items = new Map<string, Versioned<ItemDocument>>()

  constructor(private readonly now: () => number) {}

  table(scope: TableScope, name: string): Versioned<TableDefinition> | undefined {
    const key = tableKey(scope, name)
    const entry = this.tables.get(key)
    if (entry === undefined) return undefined
    return this.now() - entry.at < TABLE_REUSE_MS ? entry.table : undefined
  }

  /** The definition last seen, however long ago: a guess for a write, which checks it. */
  lastSeenTable(scope: TableScope, name: string): Versioned<TableDefinition> | undefined {
    return this.tables.get(tableKey(scope, name))?.table
  }

  rememberTable(scope: TableScope, name: string, table: Versioned<TableDefinition> | undefined): void {
    const key = tableKey(scope, name)
    if (table === undefined) this.tables.delete(key)
    else this.tables.set(key, { table, at: this.now() })
  }

  forgetTable(scope: TableScope, name: string): void {
    this.tables.delete(tableKey(scope, name))
  }

  item(table: TableRef, key: string): Versioned<ItemDocument> | undefined {
    return this.items.get(itemKey(table, key))
  }

  /** Remembers the item as stored now (undefined: absent, nothing to remember); the oldest go first. */
  rememberItem(table: TableRef, key: string, item: Versioned<ItemDocument> | undefined): void {
    const entryKey = itemKey(table, key)
    this.items.delete(entryKey)
    if (item === undefined) return
    this.items.set(entryKey, item)
    if (this.items.size > MAX_ITEMS) {
      const oldest = this.items.keys().next().value
      if (oldest !== undefined) this.items.delete(oldest)
    }
  }
}

function tableKey(scope: TableScope, name: string): string {
  return `${scope.accountId}\n${scope.region}\n${name}`
}

function itemKey(table: TableRef, key: string): string {
  return `${table.id}\n${key}`
}
