import { describe, expect, inject, it } from 'vitest'

import { MinioObjectStore } from '../../src/adapters/s3/minio-object-store.ts'
import { ObjectNotFoundError } from '../../src/ports/object-store.ts'
import { uniqueName } from './fixture/names.ts'

describe('S3 on a real server through the minio client', () => {
  const store = new MinioObjectStore(inject('stack').s3)

  it('creates a bucket, puts, lists and gets objects', async () => {
    const bucket = uniqueName('s3-test')
    await store.ensureBucket(bucket)
    await store.ensureBucket(bucket)
    const body = Buffer.from('{"hello":"s3"}\n')
    await store.put(bucket, '2026/11/26/object-1', body, 'application/json')
    expect(await store.get(bucket, '2026/11/26/object-1')).toEqual(body)
    expect(await store.list(bucket, '2026/')).toEqual(['2026/11/26/object-1'])
    await expect(store.get(bucket, 'missing')).rejects.toBeInstanceOf(ObjectNotFoundError)
  })

  it('lets many writers ensure the same bucket at once (delivery streams sharing a bucket)', async () => {
    const bucket = uniqueName('s3-test-shared')
    await Promise.all(Array.from({ length: 8 }, () => store.ensureBucket(bucket)))
    await store.put(bucket, 'object', Buffer.from('x'))
    expect(await store.list(bucket, '')).toEqual(['object'])
  })
})
