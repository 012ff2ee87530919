import type { Clock } from '../ports/clock.ts'
import type { TableStore } from '../ports/table-store.ts'

export interface DynamoDbDeps {
  readonly tables: TableStore
  readonly clock: Clock
  readonly settings: DynamoDbSettings
}

export interface DynamoDbSettings {
  /** How long a new table, or a new global secondary index, stays CREATING before it is ACTIVE. */
  readonly creatingDelayMs: number
}
