import type { Redis } from 'ioredis'

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
} from '../../ports/table-store.ts'

export interface RedisTableStoreOptions {
  /** Starts every key; default `kinesis:`. */
  keyPrefix?: string
}

// KEYS: tables hash, items hash, size counter. ARGV: table name, item key, expected present (0/1), expected text,
// next present (0/1), next text, expected table definition. 1 swapped, 0 changed, -1 no such table, -2 table
// definition changed. The item is written only if it and its table's definition are still what the caller read,
// in one step, so conditions hold across replicas.
const SWAP_ITEM = `
local meta = redis.call('HGET', KEYS[1], ARGV[1])
if not meta then return -1 end
if meta ~= ARGV[7] then return -2 end
local current = redis.call('HGET', KEYS[2], ARGV[2])
if ARGV[3] == '1' then
  if current ~= ARGV[4] then return 0 end
elseif current then
  return 0
end
local delta = 0
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[6])
  delta = #ARGV[6]
else
  redis.call('HDEL', KEYS[2], ARGV[2])
end
if current then delta = delta - #current end
redis.call('INCRBY', KEYS[3], delta)
return 1
`

const SWAP_OUTCOMES = new Map<number, SwapOutcome>([
  [1, 'swapped'],
  [0, 'changed'],
  [-1, 'no-table'],
  [-2, 'table-changed'],
])

// KEYS: tables hash. ARGV: name, expected definition, next definition.
const REPLACE_TABLE = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`

// KEYS: tables hash, items hash, size counter. ARGV: name, table id.
const DELETE_TABLE = `
local meta = redis.call('HGET', KEYS[1], ARGV[1])
if not meta or not string.find(meta, '"id":"' .. ARGV[2] .. '"', 1, true) then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('UNLINK', KEYS[2], KEYS[3])
return 1
`

/**
 * Tables in Redis: per account and region one hash of table definitions (JSON, by name); per table one hash of
 * items (JSON, by encoded primary key) and a counter of their bytes. Item writes are Lua compare-and-set
 * scripts on the item's stored text; Redis's AOF makes them durable.
 */
export class RedisTableStore implements TableStore {
  private readonly prefix: string
  /** The text each item was stored as by swapItem, so that versionOf does not serialise it again. */
  private readonly storedTexts = new WeakMap<ItemDocument, string>()

  constructor(
    private readonly redis: Redis,
    options: RedisTableStoreOptions = {},
  ) {
    this.prefix = `${options.keyPrefix ?? 'kinesis:'}dynamodb:`
  }

  async createTable(scope: TableScope, table: TableDefinition): Promise<boolean> {
    const created = await this.run(() =>
      this.redis.hsetnx(this.tablesKey(scope), table.TableName, JSON.stringify(table)),
    )
    return created === 1
  }

  async getTable(scope: TableScope, name: string): Promise<Versioned<TableDefinition> | undefined> {
    const text = await this.run(() => this.redis.hget(this.tablesKey(scope), name))
    return text === null ? undefined : { value: JSON.parse(text) as TableDefinition, version: text }
  }

  async replaceTable(
    scope: TableScope,
    current: Versioned<TableDefinition>,
    next: TableDefinition,
  ): Promise<boolean> {
    const replaced = await this.run(() =>
      this.redis.eval(
        REPLACE_TABLE,
        1,
        this.tablesKey(scope),
        next.TableName,
        current.version,
        JSON.stringify(next),
      ),
    )
    return replaced === 1
  }

  async deleteTable(scope: TableScope, table: TableDefinition): Promise<boolean> {
    const ref = { scope, name: table.TableName, id: table.id }
    const deleted = await this.run(() =>
      this.redis.eval(
        DELETE_TABLE,
        3,
        this.tablesKey(scope),
        this.itemsKey(ref),
        this.sizeKey(ref),
        table.TableName,
        table.id,
      ),
    )
    return deleted === 1
  }

  async listTables(scope: TableScope): Promise<string[]> {
    const names = await this.run(() => this.redis.hkeys(this.tablesKey(scope)))
    return names.sort()
  }

  async tableStats(table: TableRef): Promise<TableStats> {
    const [count, size] = await this.run(() =>
      Promise.all([this.redis.hlen(this.itemsKey(table)), this.redis.get(this.sizeKey(table))]),
    )
    return { itemCount: count, sizeBytes: Number(size ?? 0) }
  }

  async getItem(table: TableRef, key: string): Promise<Versioned<ItemDocument> | undefined> {
    const text = await this.run(() => this.redis.hget(this.itemsKey(table), key))
    return text === null ? undefined : { value: JSON.parse(text) as ItemDocument, version: text }
  }

  async swapItem(
    table: TableRef,
    key: string,
    expected: Versioned<ItemDocument> | undefined,
    next: ItemDocument | undefined,
    tableVersion: string,
  ): Promise<SwapOutcome> {
    const text = next === undefined ? '' : JSON.stringify(next)
    if (next !== undefined) this.storedTexts.set(next, text)
    const result = await this.run(() =>
      this.redis.eval(
        SWAP_ITEM,
        3,
        this.tablesKey(table.scope),
        this.itemsKey(table),
        this.sizeKey(table),
        table.name,
        key,
        expected === undefined ? '0' : '1',
        expected?.version ?? '',
        next === undefined ? '0' : '1',
        text,
        tableVersion,
      ),
    )
    const outcome = SWAP_OUTCOMES.get(result as number)
    if (outcome === undefined) throw new Error(`The item swap script answered ${String(result)}`)
    return outcome
  }

  versionOf(item: ItemDocument): string {
    return this.storedTexts.get(item) ?? JSON.stringify(item)
  }

  async items(table: TableRef): Promise<ItemDocument[]> {
    const texts = await this.run(() => this.redis.hvals(this.itemsKey(table)))
    return texts.map((text) => JSON.parse(text) as ItemDocument)
  }

  private tablesKey(scope: TableScope): string {
    return `${this.prefix}${scope.accountId}:${scope.region}:tables`
  }

  private itemsKey(table: TableRef): string {
    return `${this.prefix}items:${table.id}`
  }

  private sizeKey(table: TableRef): string {
    return `${this.prefix}size:${table.id}`
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new TableStoreUnavailableError(`The table store is unavailable (Redis: ${reason})`, {
        cause: error,
      })
    }
  }
}
