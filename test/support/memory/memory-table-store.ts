import {
  TableStoreUnavailableError,
  type ItemDocument,
  type SwapOutcome,
  type TableDefinition,
  type TableRef,
  type TableScope,
  type TableStats,
  type TableStore,
  type Versioned,
} from '../../../src/ports/table-store.ts'

/** TableStore in memory, with the Redis adapter's compare-and-set semantics (versions are the stored text). */
export class MemoryTableStore implements TableStore {
  private readonly tables = new Map<string, string>()
  private readonly itemsById = new Map<string, Map<string, string>>()
  /** While set, every call fails as the Redis adapter does when Redis is unreachable. */
  unavailable = false

  createTable(scope: TableScope, table: TableDefinition): Promise<boolean> {
    return this.call(() => {
      const key = tableKey(scope, table.TableName)
      if (this.tables.has(key)) return false
      this.tables.set(key, JSON.stringify(table))
      this.itemsById.set(table.id, new Map())
      return true
    })
  }

  getTable(scope: TableScope, name: string): Promise<Versioned<TableDefinition> | undefined> {
    return this.call(() => {
      const text = this.tables.get(tableKey(scope, name))
      return text === undefined ? undefined : { value: JSON.parse(text) as TableDefinition, version: text }
    })
  }

  replaceTable(
    scope: TableScope,
    current: Versioned<TableDefinition>,
    next: TableDefinition,
  ): Promise<boolean> {
    return this.call(() => {
      const key = tableKey(scope, next.TableName)
      if (this.tables.get(key) !== current.version) return false
      this.tables.set(key, JSON.stringify(next))
      return true
    })
  }

  deleteTable(scope: TableScope, table: TableDefinition): Promise<boolean> {
    return this.call(() => {
      const key = tableKey(scope, table.TableName)
      const text = this.tables.get(key)
      if (text === undefined || (JSON.parse(text) as TableDefinition).id !== table.id) return false
      this.tables.delete(key)
      this.itemsById.delete(table.id)
      return true
    })
  }

  versionOf(item: ItemDocument): string {
    return JSON.stringify(item)
  }

  listTables(scope: TableScope): Promise<string[]> {
    return this.call(() => {
      const prefix = tableKey(scope, '')
      return [...this.tables.keys()]
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length))
        .sort()
    })
  }

  tableStats(table: TableRef): Promise<TableStats> {
    return this.call(() => {
      const items = [...(this.itemsById.get(table.id)?.values() ?? [])]
      return { itemCount: items.length, sizeBytes: items.reduce((sum, text) => sum + text.length, 0) }
    })
  }

  getItem(table: TableRef, key: string): Promise<Versioned<ItemDocument> | undefined> {
    return this.call(() => {
      const text = this.itemsById.get(table.id)?.get(key)
      return text === undefined ? undefined : { value: JSON.parse(text) as ItemDocument, version: text }
    })
  }

  swapItem(
    table: TableRef,
    key: string,
    expected: Versioned<ItemDocument> | undefined,
    next: ItemDocument | undefined,
    tableVersion: string,
  ): Promise<SwapOutcome> {
    return this.call(() => {
      const definition = this.tables.get(tableKey(table.scope, table.name))
      if (definition === undefined) return 'no-table'
      if (definition !== tableVersion) return 'table-changed'
      const items = this.itemsById.get(table.id)
      if (items === undefined) return 'no-table'
      if (items.get(key) !== expected?.version) return 'changed'
      if (next === undefined) items.delete(key)
      else items.set(key, JSON.stringify(next))
      return 'swapped'
    })
  }

  items(table: TableRef): Promise<ItemDocument[]> {
    return this.call(() =>
      [...(this.itemsById.get(table.id)?.values() ?? [])].map((text) => JSON.parse(text) as ItemDocument),
    )
  }

  private async call<T>(work: () => T): Promise<T> {
    await Promise.resolve()
    if (this.unavailable) throw new TableStoreUnavailableError('The table store is unavailable (memory fake)')
    return work()
  }
}

function tableKey(scope: TableScope, name: string): string {
  return `${scope.accountId}:${scope.region}:${name}`
}
