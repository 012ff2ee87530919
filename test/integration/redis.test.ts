import { afterAll, describe, expect, inject, it } from 'vitest'

import { connectRedis, createRedisClient } from '../../src/adapters/redis/redis-client.ts'
import { uniqueName } from './fixture/names.ts'

describe('Redis on a real server', () => {
  const redis = createRedisClient(inject('stack').redisUrl, 'redis-test')

  afterAll(async () => {
    await redis.quit()
  })

  it('round-trips a hash and runs with AOF persistence', async () => {
    await connectRedis(redis)
    const key = uniqueName('redis-test')
    await redis.hset(key, { status: 'ACTIVE', shards: '4' })
    expect(await redis.hgetall(key)).toEqual({ status: 'ACTIVE', shards: '4' })
    await redis.del(key)
    const [, appendOnly] = (await redis.config('GET', 'appendonly')) as [string, string]
    expect(appendOnly).toBe('yes')
  })
})
