import { Client } from 'minio'

import {
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  type ObjectStore,
} from '../../ports/object-store.ts'

export interface S3ConnectionOptions {
  endpoint: string
  accessKey: string
  secretKey: string
  region: string
}

/** The ObjectStore on any S3-compatible server (MinIO in production, S3Proxy in local runs), path-style. */
export class MinioObjectStore implements ObjectStore {
  private readonly client: Client
  private readonly region: string

  constructor(options: S3ConnectionOptions) {
    const url = new URL(options.endpoint)
    const useSSL = url.protocol === 'https:'
    this.region = options.region
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port === '' ? (useSSL ? 443 : 80) : Number(url.port),
      useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      pathStyle: true,
    })
  }

  async ensureBucket(bucket: string): Promise<void> {
    await unavailableOnFailure(async () => {
      if (await this.client.bucketExists(bucket)) return
      try {
        await this.client.makeBucket(bucket, this.region)
      } catch (error) {
        // Another writer (a delivery stream sharing the bucket, another process) created it meanwhile.
        if (errorCode(error) !== 'BucketAlreadyOwnedByYou') throw error
      }
    })
  }

  async put(
    bucket: string,
    key: string,
    body: Buffer,
    contentType = 'application/octet-stream',
    contentEncoding?: string,
  ): Promise<void> {
    const metadata: Record<string, string> = { 'Content-Type': contentType }
    if (contentEncoding !== undefined) metadata['Content-Encoding'] = contentEncoding
    await unavailableOnFailure(() => this.client.putObject(bucket, key, body, body.length, metadata))
  }

  async get(bucket: string, key: string): Promise<Buffer> {
    return unavailableOnFailure(async () => {
      const stream = await this.client.getObject(bucket, key)
      const chunks: Buffer[] = []
      for await (const chunk of stream) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks)
    })
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    return unavailableOnFailure(async () => {
      const keys: string[] = []
      for await (const item of this.client.listObjectsV2(bucket, prefix, true)) {
        const name: unknown = Reflect.get(item as object, 'name')
        if (typeof name === 'string') keys.push(name)
      }
      return keys
    })
  }

  async ping(): Promise<void> {
    await unavailableOnFailure(() => this.client.listBuckets())
  }
}

async function unavailableOnFailure<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (error) {
    const code = errorCode(error)
    if (code === 'NoSuchKey' || code === 'NotFound') throw new ObjectNotFoundError(code, { cause: error })
    const message = error instanceof Error ? error.message : String(error)
    throw new ObjectStoreUnavailableError(`the S3 server did not complete the request: ${message}`, {
      cause: error,
    })
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined
}
