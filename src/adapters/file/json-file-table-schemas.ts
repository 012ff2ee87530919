import { readFile } from 'node:fs/promises'

import {
  TableSchemasUnavailableError,
  type TableColumn,
  type TableSchemas,
} from '../../ports/table-schemas.ts'

/**
 * Table schemas read from a JSON file (FIREHOSE_SCHEMA_FILE), in the shape of Glue's tables:
 *
 *   [{ "DatabaseName": "analytics", "Name": "events",
 *      "StorageDescriptor": { "Columns": [{ "Name": "id", "Type": "bigint" }, ...] } }, ...]
 *
 * (the `TableList` of `aws glue get-tables`, each table with its DatabaseName). The file is read on every
 * look-up, so an edited file applies to the next delivery without a restart.
 */
export function jsonFileTableSchemas(path: string): TableSchemas {
  return {
    async columns(databaseName, tableName) {
      let tables: unknown
      try {
        tables = JSON.parse(await readFile(path, 'utf8'))
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        throw new TableSchemasUnavailableError(`Cannot read the table schemas in ${path}: ${reason}`)
      }
      if (!Array.isArray(tables)) {
        throw new TableSchemasUnavailableError(`${path} must hold a JSON array of Glue tables`)
      }
      const table = (tables as GlueTable[]).find(
        (candidate) => candidate.DatabaseName === databaseName && candidate.Name === tableName,
      )
      if (table === undefined) return undefined
      const columns = table.StorageDescriptor?.Columns
      if (!Array.isArray(columns)) return []
      return columns.map((column): TableColumn => ({ name: String(column.Name), type: String(column.Type) }))
    },
  }
}

interface GlueTable {
  DatabaseName?: unknown
  Name?: unknown
  StorageDescriptor?: { Columns?: { Name?: unknown; Type?: unknown }[] }
}
