// Writing one object: the records' bytes concatenated as sent, compressed, under a key as Firehose names it.

import type { ObjectStore } from '../../ports/object-store.ts'
import { compressObject } from './compression.ts'
import type { S3Output } from './delivery-config.ts'
import { objectKey, type KeyValues } from './object-keys.ts'

const CONTENT_TYPE = 'application/octet-stream'

export interface WrittenObject {
  readonly key: string
  readonly bytes: number
}

/** Writes `data` under `<evaluatedPrefix><name>-<version>-<time>-<uuid><ext>`; rejects when S3 fails. */
export async function writeObject(
  store: ObjectStore,
  output: S3Output,
  evaluatedPrefix: string,
  values: KeyValues,
  data: Buffer,
): Promise<WrittenObject> {
  const key = objectKey(output.naming, evaluatedPrefix, values)
  const entryName = key.slice(key.lastIndexOf('/') + 1, key.length - output.naming.extension.length)
  const object = await compressObject(output.compression, data, entryName)
  await store.put(output.bucket, key, object.body, CONTENT_TYPE, object.contentEncoding)
  return { key, bytes: object.body.length }
}

/** Concatenates the records' data with no delimiter, as Firehose does. */
export function concatenated(records: readonly { readonly data: Buffer }[]): Buffer {
  return Buffer.concat(records.map((record) => record.data))
}
