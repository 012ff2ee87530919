import type { ObjectStore } from '../../ports/object-store.ts'
import type { S3Output } from './delivery-config.ts'
import type { ProcessedRecord } from './delivery-record.ts'
import type { Destination, DestinationBatch, DestinationResult } from './destination.ts'
import { deliveryPrefix } from './object-keys.ts'
import { concatenated, writeObject } from './s3-objects.ts'

/** The body of one object from the records of a batch. */
export type ObjectBody = (records: readonly ProcessedRecord[]) => Buffer

/**
 * The S3 destination: one object per batch, its body the records concatenated as sent (or, with record format
 * conversion, the converter's Parquet file), the prefix evaluated with the oldest record's arrival time and the
 * batch's partition keys. The bucket is created on first use (a local stack starts empty; AWS would report the
 * missing bucket and keep retrying).
 */
export function s3Destination(
  store: ObjectStore,
  output: S3Output,
  body: ObjectBody = concatenated,
): Destination {
  let bucketReady: Promise<void> | undefined
  return {
    async deliver(batch: DestinationBatch): Promise<DestinationResult> {
      bucketReady ??= store.ensureBucket(output.bucket).catch((error: unknown) => {
        bucketReady = undefined
        throw error
      })
      await bucketReady
      const values = { timestamp: batch.oldestArrival, partitionKeys: batch.partitionKeys }
      await writeObject(store, output, deliveryPrefix(output.naming, values), values, body(batch.records))
      return { failed: [] }
    },
  }
}
