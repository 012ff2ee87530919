// What Query and Scan share: where the page starts, which table or index they read, the stored items, and the
// answer made of a page.

import type { RequestContext } from '../../aws/index.ts'
import type { TableDefinition } from '../../ports/table-store.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { invalid } from '../errors.ts'
import type { Path } from '../expressions/ast.ts'
import { guarded, refOf, scopeOf, usableTable } from '../tables/access.ts'
import { readSource, type Page, type ReadSource } from '../tables/read-pages.ts'
import { itemFromWire, itemToWire, type Item } from '../values/attribute-value.ts'
import { asValidation, projected } from './request-expressions.ts'

export interface OpenedRead {
  readonly startKey: Item | undefined
  readonly table: TableDefinition
  readonly source: ReadSource
  /** The table's stored items, read when asked for (Query checks its key condition first). */
  readonly storedItems: () => Promise<Item[]>
}

/** The start key, the table (usable) and the index or table read; refuses a consistent read of an index. */
export async function openRead(
  deps: DynamoDbDeps,
  input: {
    TableName?: string | undefined
    IndexName?: string | undefined
    ExclusiveStartKey?: Record<string, unknown> | undefined
    ConsistentRead?: boolean | undefined
  },
  context: RequestContext,
): Promise<OpenedRead> {
  const exclusiveStartKey = input.ExclusiveStartKey
  const startKey =
    exclusiveStartKey === undefined ? undefined : asValidation(() => itemFromWire(exclusiveStartKey))
  const scope = scopeOf(context)
  const table = await usableTable(deps, scope, input.TableName as string)
  const source = readSource(table, input.IndexName)
  if (source.index !== undefined && input.ConsistentRead === true) {
    throw invalid('Consistent reads are not supported on global secondary indexes')
  }
  const storedItems = async (): Promise<Item[]> =>
    (await guarded(() => deps.tables.items(refOf(scope, table)))) as Item[]
  return { startKey, table, source, storedItems }
}

/** A page as Query and Scan answer it: the items projected (none for Select COUNT), counts, the last key. */
export function pageOutput(
  page: Page,
  select: string | undefined,
  projection: readonly Path[] | undefined,
): Record<string, unknown> {
  return {
    ...(select === 'COUNT'
      ? {}
      : { Items: page.items.map((item) => itemToWire(projected(item, projection))) }),
    Count: page.items.length,
    ScannedCount: page.scannedCount,
    LastEvaluatedKey: page.lastEvaluatedKey === undefined ? undefined : itemToWire(page.lastEvaluatedKey),
  }
}
