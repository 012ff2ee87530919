/**
 * Where record format conversion finds a table's columns: AWS reads them from the Glue Data Catalog
 * (SchemaConfiguration's DatabaseName and TableName); here from a local schema source.
 */
export interface TableSchemas {
  /** The table's columns in order, or undefined when the source has no such table. */
  columns(databaseName: string, tableName: string): Promise<readonly TableColumn[] | undefined>
}

/** A column as Glue describes it: its name and its Hive type (`string`, `int`, `bigint`, `timestamp`, ...). */
export interface TableColumn {
  readonly name: string
  readonly type: string
}

export class TableSchemasUnavailableError extends Error {
  override name = 'TableSchemasUnavailableError'
}
