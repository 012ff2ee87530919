import type { Operation } from '../../aws/index.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { deleteItem } from './delete-item.ts'
import { getItem } from './get-item.ts'
import { putItem } from './put-item.ts'
import { query } from './query.ts'
import { scan } from './scan.ts'
import { createTable, deleteTable, describeTableOperation, listTables, updateTable } from './tables.ts'
import { updateItem } from './update-item.ts'

/** The DynamoDB operations served: what KCL calls for its lease, coordinator-state and worker-metrics tables. */
export function dynamoDbOperations(deps: DynamoDbDeps): Operation[] {
  return [
    createTable(deps),
    describeTableOperation(deps),
    updateTable(deps),
    deleteTable(deps),
    listTables(deps),
    getItem(deps),
    putItem(deps),
    updateItem(deps),
    deleteItem(deps),
    scan(deps),
    query(deps),
  ] as Operation[]
}
