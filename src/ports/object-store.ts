export interface ObjectStore {
  ensureBucket(bucket: string): Promise<void>
  /** `contentEncoding` becomes the object's Content-Encoding (gzip, zip, snappy-java, ...) when given. */
  put(
    bucket: string,
    key: string,
    body: Buffer,
    contentType?: string,
    contentEncoding?: string,
  ): Promise<void>
  get(bucket: string, key: string): Promise<Buffer>
  list(bucket: string, prefix: string): Promise<string[]>
  ping(): Promise<void>
}

export class ObjectStoreUnavailableError extends Error {
  override name = 'ObjectStoreUnavailableError'
}

export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError'
}
