import { ObjectNotFoundError, type ObjectStore } from '../../../src/ports/object-store.ts'

/** ObjectStore in memory: buckets of objects by key. */
export class MemoryObjectStore implements ObjectStore {
  private readonly buckets = new Map<string, Map<string, Buffer>>()

  ensureBucket(bucket: string): Promise<void> {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map())
    return Promise.resolve()
  }

  put(bucket: string, key: string, body: Buffer): Promise<void> {
    const objects = this.buckets.get(bucket) ?? new Map<string, Buffer>()
    objects.set(key, body)
    this.buckets.set(bucket, objects)
    return Promise.resolve()
  }

  get(bucket: string, key: string): Promise<Buffer> {
    const body = this.buckets.get(bucket)?.get(key)
    if (body === undefined) return Promise.reject(new ObjectNotFoundError(`${bucket}/${key} does not exist`))
    return Promise.resolve(body)
  }

  list(bucket: string, prefix: string): Promise<string[]> {
    return Promise.resolve(
      [...(this.buckets.get(bucket)?.keys() ?? [])].filter((key) => key.startsWith(prefix)).sort(),
    )
  }

  ping(): Promise<void> {
    return Promise.resolve()
  }
}
