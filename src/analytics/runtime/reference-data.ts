import type { ReferenceDataSourceDescription } from '@aws-sdk/client-kinesis-analytics'

import type { ObjectStore } from '../../ports/object-store.ts'
import { recordDecoder } from '../input/record-decoder.ts'
import type { ReferenceTable } from '../sql/index.ts'

// Reference data (S3ReferenceDataSource): the object is read when the application starts (and when a new version
// of it runs) and becomes the rows of its in-application table. CSV objects are split by the schema's row
// delimiter; JSON objects are one JSON record per line. Rows that do not decode are left out and counted.

export interface LoadedReferenceTable extends ReferenceTable {
  /** Rows of the object that did not decode (left out). */
  readonly skipped: number
}

export async function loadReferenceTables(
  objects: ObjectStore,
  sources: readonly ReferenceDataSourceDescription[],
): Promise<LoadedReferenceTable[]> {
  const tables: LoadedReferenceTable[] = []
  for (const source of sources) {
    const schema = source.ReferenceSchema
    const s3 = source.S3ReferenceDataSourceDescription
    const name = source.TableName ?? ''
    if (schema === undefined) throw new Error(`reference data source ${name} has no schema`)
    const columns = (schema.RecordColumns ?? []).map((column) => ({
      name: column.Name ?? '',
      sqlType: column.SqlType ?? '',
    }))
    const bucket = bucketOfArn(s3?.BucketARN ?? '')
    if (bucket === undefined || s3?.FileKey === undefined) {
      throw new Error(`reference data source ${name} names no S3 object`)
    }
    const body = await objects.get(bucket, s3.FileKey)
    const decode = recordDecoder(schema)
    const records =
      schema.RecordFormat?.RecordFormatType === 'JSON'
        ? body
            .toString('utf8')
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => Buffer.from(line, 'utf8'))
        : [body]
    const rows: Record<string, unknown>[] = []
    let skipped = 0
    for (const record of records) {
      const decoded = decode(record)
      rows.push(...decoded.rows)
      skipped += decoded.errors.length
    }
    tables.push({ name, columns, rows, skipped })
  }
  return tables
}

/** `arn:aws:s3:::bucket` → `bucket`. */
export function bucketOfArn(arn: string): string | undefined {
  const match = /^arn:[^:]+:s3:::([^/]+)$/.exec(arn)
  return match?.[1]
}
