import {
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  type ObjectStore,
} from '../../../src/ports/object-store.ts'

export interface StoredObject {
  readonly body: Buffer
  readonly contentType: string | undefined
  readonly contentEncoding: string | undefined
}

/** An ObjectStore in memory; `down` makes every call fail as an S3 outage would. */
export class MemoryObjectStore implements ObjectStore {
  readonly buckets = new Map<string, Map<string, StoredObject>>()
  down = false
  puts = 0

  ensureBucket(bucket: string): Promise<void> {
    return this.run(() => {
      if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map())
    })
  }

  put(
    bucket: string,
    key: string,
    body: Buffer,
    contentType?: string,
    contentEncoding?: string,
  ): Promise<void> {
    return this.run(() => {
      const objects = this.buckets.get(bucket)
      if (objects === undefined) throw new ObjectStoreUnavailableError(`NoSuchBucket: ${bucket}`)
      objects.set(key, { body: Buffer.from(body), contentType, contentEncoding })
      this.puts++
    })
  }

  get(bucket: string, key: string): Promise<Buffer> {
    return this.run(() => {
      const object = this.buckets.get(bucket)?.get(key)
      if (object === undefined) throw new ObjectNotFoundError(key)
      return object.body
    })
  }

  list(bucket: string, prefix: string): Promise<string[]> {
    return this.run(() =>
      [...(this.buckets.get(bucket)?.keys() ?? [])].filter((key) => key.startsWith(prefix)).sort(),
    )
  }

  ping(): Promise<void> {
    return this.run(() => undefined)
  }

  /** Every object of a bucket, by key. */
  objects(bucket: string): Map<string, StoredObject> {
    return this.buckets.get(bucket) ?? new Map<string, StoredObject>()
  }

  private run<T>(work: () => T): Promise<T> {
    if (this.down) return Promise.reject(new ObjectStoreUnavailableError('the S3 server is down'))
    try {
      return Promise.resolve(work())
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }
}
