import { describe, expect, it } from 'vitest'

import type { StreamRecord } from '../../ports/stream-catalog.ts'
import { RecordCache } from './catalog-cache.ts'

describe('RecordCache', () => {
  it('loads a record once and then answers from memory', async () => {
    const cache = new RecordCache<StreamRecord>()
    const store = new DelayedStore({ orders: record('orders', 1) })

    expect(await cache.get('orders', store.loader('orders'))).toEqual(record('orders', 1))
    expect(await cache.get('orders', store.loader('orders'))).toEqual(record('orders', 1))

    expect(store.loads).toBe(1)
  })

  it('shares one load among concurrent misses of the same key', async () => {
    const cache = new RecordCache<StreamRecord>()
    const store = new DelayedStore({ orders: record('orders', 1), other: record('other', 1) })

    const waiting = [
      cache.get('orders', store.loader('orders')),
      cache.get('orders', store.loader('orders')),
      cache.get('other', store.loader('other')),
      cache.get('orders', store.loader('orders')),
    ]

    expect((await Promise.all(waiting)).map((found) => found?.streamName)).toEqual([
      'orders',
      'orders',
      'other',
      'orders',
    ])
    expect(store.loads).toBe(2)
  })

  it('does not remember streams that do not exist', async () => {
    const cache = new RecordCache<StreamRecord>()
    const store = new DelayedStore({})

    expect(await cache.get('missing', store.loader('missing'))).toBeUndefined()
    store.records.missing = record('missing', 1)
    expect(await cache.get('missing', store.loader('missing'))).toEqual(record('missing', 1))
  })

  it('loads again after an invalidation', async () => {
    const cache = new RecordCache<StreamRecord>()
    const store = new DelayedStore({ orders: record('orders', 1) })
    await cache.get('orders', store.loader('orders'))

    store.records.orders = record('orders', 2)
    cache.invalidate('orders')

    expect((await cache.get('orders', store.loader('orders')))?.version).toBe(2)
    expect(store.loads).toBe(2)
  })

  it('hands out, but does not keep, what a load read before an invalidation', async () => {
    const cache = new RecordCache<StreamRecord>()
    const store = new DelayedStore({ orders: record('orders', 1) })

    const before = cache.get('orders', store.loader('orders'))
    store.records.orders = record('orders', 2)
    cache.invalidate('orders')

    expect((await before)?.version).toBe(1)
    expect((await cache.get('orders', store.loader('orders')))?.version).toBe(2)
  })

  it('does not keep what a load read before the cache was cleared', async () => {
    const cache = new RecordCache<StreamRecord>()
    const store = new DelayedStore({ orders: record('orders', 1) })

    const before = cache.get('orders', store.loader('orders'))
    store.records.orders = record('orders', 2)
    cache.clear()
    const after = cache.get('orders', store.loader('orders'))

    expect((await before)?.version).toBe(1)
    expect((await after)?.version).toBe(2)
    expect((await cache.get('orders', store.loader('orders')))?.version).toBe(2)
    expect(store.loads).toBe(2)
  })

  it('passes a failed load to every waiter and tries again on the next miss', async () => {
    const cache = new RecordCache<StreamRecord>()
    const store = new DelayedStore({ orders: record('orders', 1) })
    store.failNext = new Error('store down')

    const waiting = [cache.get('orders', store.loader('orders')), cache.get('orders', store.loader('orders'))]

    for (const outcome of await Promise.allSettled(waiting)) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { message: 'store down' } })
    }
    expect(await cache.get('orders', store.loader('orders'))).toEqual(record('orders', 1))
    expect(store.loads).toBe(2)
  })
})

/** A store that reads a record when a load starts and answers on the next turn of the event loop. */
class DelayedStore {
  loads = 0
  failNext: Error | undefined

  constructor(readonly records: Record<string, StreamRecord>) {}

  loader(name: string): () => Promise<StreamRecord | undefined> {
    return () => {
      this.loads++
      const failure = this.failNext
      this.failNext = undefined
      const found = this.records[name]
      return new Promise((resolve, reject) => {
        setImmediate(() => {
          if (failure === undefined) resolve(found === undefined ? undefined : structuredClone(found))
          else reject(failure)
        })
      })
    }
  }
}

function record(streamName: string, version: number): StreamRecord {
  return {
    accountId: '123456789012',
    region: 'us-east-1',
    streamName,
    streamArn: `arn:aws:kinesis:us-east-1:123456789012:stream/${streamName}`,
    topic: `kinesis.${streamName}`,
    incarnation: 1,
    createdAtMillis: 1_700_000_000_000,
    status: 'ACTIVE',
    mode: 'PROVISIONED',
    retentionPeriodHours: 24,
    encryption: { type: 'NONE' },
    shardLevelMetrics: [],
    maxRecordSizeKiB: 1024,
    shards: [
      {
        index: 0,
        startingHashKey: '0',
        endingHashKey: '340282366920938463463374607431768211455',
        createdAtMillis: 1_700_000_000_000,
      },
    ],
    tags: { team: 'payments' },
    version,
  }
}
