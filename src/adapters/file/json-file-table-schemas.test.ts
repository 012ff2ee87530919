import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { TableSchemasUnavailableError } from '../../ports/table-schemas.ts'
import { jsonFileTableSchemas } from './json-file-table-schemas.ts'

describe('table schemas from a JSON file of Glue tables', () => {
  const directory = mkdtempSync(join(tmpdir(), 'schemas-'))
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true })
  })

  it('answers the columns of a table by database and name, undefined for another', async () => {
    const path = join(directory, 'tables.json')
    writeFileSync(
      path,
      JSON.stringify([
        {
          DatabaseName: 'analytics',
          Name: 'events',
          StorageDescriptor: {
            Columns: [
              { Name: 'id', Type: 'bigint' },
              { Name: 'name', Type: 'string' },
            ],
          },
        },
        { DatabaseName: 'other', Name: 'events', StorageDescriptor: { Columns: [] } },
      ]),
    )
    const schemas = jsonFileTableSchemas(path)
    expect(await schemas.columns('analytics', 'events')).toEqual([
      { name: 'id', type: 'bigint' },
      { name: 'name', type: 'string' },
    ])
    expect(await schemas.columns('analytics', 'missing')).toBeUndefined()
  })

  it('throws TableSchemasUnavailableError when the file cannot be read or is not a list of tables', async () => {
    await expect(jsonFileTableSchemas(join(directory, 'absent.json')).columns('a', 'b')).rejects.toThrow(
      TableSchemasUnavailableError,
    )
    const path = join(directory, 'object.json')
    writeFileSync(path, '{"tables":[]}')
    await expect(jsonFileTableSchemas(path).columns('a', 'b')).rejects.toThrow(/JSON array of Glue tables/)
  })
})
