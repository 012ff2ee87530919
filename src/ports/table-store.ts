/**
 * The tables and items of the DynamoDB-compatible service: table definitions per account and region, and each
 * table's items by primary key. Writes are compare-and-set on what was read (the version of `getItem`), so
 * that a conditional write holds across every replica of the gateway: the service reads, decides, and writes
 * only if the item is still what it read, retrying otherwise.
 */
export interface TableStore {
  /** False when a table of that name exists already. */
  createTable(scope: TableScope, table: TableDefinition): Promise<boolean>
  getTable(scope: TableScope, name: string): Promise<Versioned<TableDefinition> | undefined>
  /** Replaces a definition if it is still the version read; false otherwise (read again and retry). */
  replaceTable(
    scope: TableScope,
    current: Versioned<TableDefinition>,
    next: TableDefinition,
  ): Promise<boolean>
  /** Removes the table and its items; false when it no longer existed. */
  deleteTable(scope: TableScope, table: TableDefinition): Promise<boolean>
  /** Names of the scope's tables, in ascending order. */
  listTables(scope: TableScope): Promise<string[]>
  tableStats(table: TableRef): Promise<TableStats>

  getItem(table: TableRef, key: string): Promise<Versioned<ItemDocument> | undefined>
  /**
   * Writes `next` (undefined: deletes the item) if the item is still `expected` (undefined: absent) and the
   * table's definition is still `tableVersion` (its version as read). 'changed' when the item is not (read it
   * again and retry); 'no-table' when the table was deleted meanwhile; 'table-changed' when its definition is
   * no longer `tableVersion` (read the table again and retry).
   */
  swapItem(
    table: TableRef,
    key: string,
    expected: Versioned<ItemDocument> | undefined,
    next: ItemDocument | undefined,
    tableVersion: string,
  ): Promise<SwapOutcome>
  /** The version `swapItem` gives the item it stores as `item`. */
  versionOf(item: ItemDocument): string
  /** Every item of the table, in no particular order. */
  items(table: TableRef): Promise<ItemDocument[]>
}

export type SwapOutcome = 'swapped' | 'changed' | 'no-table' | 'table-changed'

export interface TableScope {
  readonly accountId: string
  readonly region: string
}

/** One table of a scope; `id` tells a table from an earlier one of the same name. */
export interface TableRef {
  readonly scope: TableScope
  readonly name: string
  readonly id: string
}

/** A stored item: attribute names to DynamoDB attribute values, as JSON. */
export type ItemDocument = Readonly<Record<string, unknown>>

export interface Versioned<T> {
  readonly value: T
  /** Opaque; changes with every write. */
  readonly version: string
}

export interface TableStats {
  readonly itemCount: number
  readonly sizeBytes: number
}

export interface KeyElement {
  readonly AttributeName: string
  readonly KeyType: 'HASH' | 'RANGE'
}

export interface AttributeDefinition {
  readonly AttributeName: string
  readonly AttributeType: 'S' | 'N' | 'B'
}

export interface Throughput {
  readonly ReadCapacityUnits: number
  readonly WriteCapacityUnits: number
}

export interface IndexDefinition {
  readonly IndexName: string
  readonly KeySchema: readonly KeyElement[]
  readonly Projection: { readonly ProjectionType: string; readonly NonKeyAttributes?: readonly string[] }
  readonly ProvisionedThroughput?: Throughput
  /** Epoch milliseconds: the index is CREATING for a while after. */
  readonly createdAt: number
}

export interface TableDefinition {
  readonly id: string
  readonly TableName: string
  readonly KeySchema: readonly KeyElement[]
  readonly AttributeDefinitions: readonly AttributeDefinition[]
  readonly BillingMode: 'PAY_PER_REQUEST' | 'PROVISIONED'
  readonly ProvisionedThroughput?: Throughput | undefined
  readonly DeletionProtectionEnabled: boolean
  readonly GlobalSecondaryIndexes: readonly IndexDefinition[]
  /** Epoch milliseconds. */
  readonly createdAt: number
}

export class TableStoreUnavailableError extends Error {
  override name = 'TableStoreUnavailableError'
}
