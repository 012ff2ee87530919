import type { IndexDefinition, KeyElement, TableDefinition } from '../../ports/table-store.ts'
import { invalid } from '../errors.ts'
import type { Condition } from '../expressions/ast.ts'
import { evaluate } from '../expressions/evaluate.ts'
import { itemSize, type AttributeValue, type Item } from '../values/attribute-value.ts'
import { compareByKey, findIndex, keyAttributes } from './keys.ts'

/** DynamoDB stops a Scan or Query page after 1 MB of items read. */
const PAGE_BYTES = 1024 * 1024

/** What a Scan or Query reads: the table, or one of its global secondary indexes (only items carrying its keys). */
export interface ReadSource {
  readonly schemas: readonly (readonly KeyElement[])[]
  readonly index: IndexDefinition | undefined
  readonly order: (a: Item, b: Item) => number
}

export function readSource(table: TableDefinition, indexName: string | undefined): ReadSource {
  if (indexName === undefined) {
    return { schemas: [table.KeySchema], index: undefined, order: compareByKey(table.KeySchema) }
  }
  const index = findIndex(table, indexName)
  if (index === undefined) {
    throw invalid(`The table does not have the specified index: ${indexName}`)
  }
  const byIndex = compareByKey(index.KeySchema)
  const byTable = compareByKey(table.KeySchema)
  return {
    schemas: [index.KeySchema, table.KeySchema],
    index,
    order: (a, b) => byIndex(a, b) || byTable(a, b),
  }
}

/** The items a source holds, in its order, each as the source projects it. */
export function sourceItems(source: ReadSource, table: TableDefinition, items: readonly Item[]): Item[] {
  const { index } = source
  const present =
    index === undefined
      ? [...items]
      : items.filter((item) => index.KeySchema.every((element) => item[element.AttributeName] !== undefined))
  present.sort(source.order)
  if (index === undefined || index.Projection.ProjectionType === 'ALL') return present
  const kept = new Set([
    ...table.KeySchema.map((element) => element.AttributeName),
    ...index.KeySchema.map((element) => element.AttributeName),
    ...(index.Projection.NonKeyAttributes ?? []),
  ])
  return present.map((item) => {
    const projected: Record<string, AttributeValue> = {}
    for (const name of Object.keys(item)) if (kept.has(name)) projected[name] = item[name] as AttributeValue
    return projected
  })
}

export interface PageRequest {
  readonly exclusiveStartKey: Item | undefined
  readonly limit: number | undefined
  readonly filter: Condition | undefined
}

export interface Page {
  readonly items: Item[]
  readonly scannedCount: number
  readonly lastEvaluatedKey: Item | undefined
}

/** One page of ordered items: after the start key, up to Limit items (or 1 MB) read, then filtered. */
export function readPage(source: ReadSource, ordered: readonly Item[], request: PageRequest): Page {
  let start = 0
  if (request.exclusiveStartKey !== undefined) {
    const startKey = request.exclusiveStartKey
    while (start < ordered.length && source.order(ordered[start] as Item, startKey) <= 0) start++
  }
  const items: Item[] = []
  let scanned = 0
  let bytes = 0
  let position = start
  while (position < ordered.length) {
    if (request.limit !== undefined && scanned >= request.limit) break
    if (bytes >= PAGE_BYTES) break
    const item = ordered[position] as Item
    position++
    scanned++
    bytes += itemSize(item)
    if (request.filter === undefined || evaluate(request.filter, item)) items.push(item)
  }
  const stopped =
    scanned > 0 && (position < ordered.length || (request.limit !== undefined && scanned >= request.limit))
  const last = ordered[position - 1]
  return {
    items,
    scannedCount: scanned,
    lastEvaluatedKey: stopped && last !== undefined ? keyAttributes(last, source.schemas) : undefined,
  }
}
