import type { ObjectStore } from '../../ports/object-store.ts'
import type { S3Output } from './delivery-config.ts'
import type { Destination, DestinationBatch, DestinationResult } from './destination.ts'
import { deliveryPrefix } from './object-keys.ts'
import { concatenated, writeObject } from './s3-objects.ts'

/**
 * The S3 destination: one object per batch, the records concatenated as sent, the prefix evaluated with the
 * oldest record's arrival time and the batch's partition keys. The bucket is created on first use (a local
 * stack starts empty; AWS would report the missing bucket and keep retrying).
 */
export function s3Destination(store: ObjectStore, output: S3Output): Destination {
  let bucketReady: Promise<void> | undefined
  return {
    async deliver(batch: DestinationBatch): Promise<DestinationResult> {
      bucketReady ??= store.ensureBucket(output.bucket).catch((error: unknown) => {
        bucketReady = undefined
        throw error
      })
      await bucketReady
      const values = { timestamp: batch.oldestArrival, partitionKeys: batch.partitionKeys }
      await writeObject(
        store,
        output,
        deliveryPrefix(output.naming, values),
        values,
        concatenated(batch.records),
      )
      return { failed: [] }
    },
  }
}
