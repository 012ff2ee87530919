import type { SourceSchema } from '@aws-sdk/client-kinesis-analytics'

import { flattenedArray, isJsonPath, parseJsonPath } from './json-path.ts'
import { isSqlType, parseSqlType } from './sql-types.ts'

/**
 * What is wrong with a schema (an input's or a reference table's) that the records could not be read with;
 * undefined when it is usable. The service model checked the members' presence and lengths.
 */
export function schemaProblem(schema: SourceSchema): string | undefined {
  const format = schema.RecordFormat
  const columns = schema.RecordColumns ?? []
  const names = new Set<string>()
  for (const column of columns) {
    const name = column.Name ?? ''
    if (name === '') return 'Column names must not be empty.'
    if (names.has(name)) return `Column name ${name} is used more than once in the schema.`
    names.add(name)
    const type = parseSqlType(column.SqlType ?? '')
    if (!isSqlType(type)) return `${type.problem} (column ${name})`
  }
  if (format?.RecordFormatType === 'JSON') {
    if (format.MappingParameters?.JSONMappingParameters === undefined) {
      return 'JSONMappingParameters are required for the JSON record format.'
    }
    const rowPath = parseJsonPath(format.MappingParameters.JSONMappingParameters.RecordRowPath ?? '')
    if (!isJsonPath(rowPath)) return rowPath.problem
    let flattened: string | undefined
    for (const column of columns) {
      if (column.Mapping === undefined || column.Mapping === '') {
        return `Column ${column.Name ?? ''} needs a Mapping for the JSON record format.`
      }
      const path = parseJsonPath(column.Mapping)
      if (!isJsonPath(path)) return path.problem
      const array = flattenedArray(path)
      if (array === undefined) continue
      if (flattened !== undefined && flattened !== array) {
        return `Only one array can be flattened in a schema: ${flattened} and ${array} both are.`
      }
      flattened = array
    }
  }
  if (format?.RecordFormatType === 'CSV' && format.MappingParameters?.CSVMappingParameters === undefined) {
    return 'CSVMappingParameters are required for the CSV record format.'
  }
  return undefined
}
