import type { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'

import { createRedisClient } from '../../src/adapters/redis/redis-client.ts'
import { RedisApplicationCheckpoints } from '../../src/adapters/redis/redis-application-checkpoints.ts'
import {
  ApplicationCheckpointsUnavailableError,
  type ApplicationCheckpoint,
  type ApplicationCheckpoints,
} from '../../src/ports/application-checkpoints.ts'
import { MemoryApplicationCheckpoints } from '../support/memory/memory-application-checkpoints.ts'
import { uniqueName } from './fixture/names.ts'
import { deleteKeysWithPrefix, unreachableRedisUrl } from './fixture/redis.ts'

function checkpoint(offset: number): ApplicationCheckpoint {
  return {
    runRequestedAtMillis: 1_700_000_000_000,
    codeHash: 'abc',
    offsets: { '0': offset, '1': 7 },
    state: { version: 1, time: 1_700_000_000_500, pumps: { P: [{ groups: [['AMZN', 2]] }] } },
    savedAtMillis: 1_700_000_001_000,
  }
}

/** The behaviour every ApplicationCheckpoints shares; `open` gives a fresh, empty store. */
function describeCheckpointsContract(name: string, open: () => ApplicationCheckpoints): void {
  describe(`${name} honours the ApplicationCheckpoints contract`, () => {
    it('saves after the sequence it read and reads back what it saved', async () => {
      const store = open()
      expect(await store.load('group-a', 0)).toBeUndefined()
      expect(await store.save('group-a', 0, 0, checkpoint(1))).toBe(true)
      expect(await store.load('group-a', 0)).toEqual({ ...checkpoint(1), sequence: 1 })
      expect(await store.save('group-a', 0, 1, checkpoint(2))).toBe(true)
      expect(await store.load('group-a', 0)).toEqual({ ...checkpoint(2), sequence: 2 })
      expect(await store.load('group-b', 0)).toBeUndefined()
      await store.remove('group-a')
      expect(await store.load('group-a', 0)).toBeUndefined()
      expect(await store.save('group-a', 0, 0, checkpoint(3))).toBe(true)
    })

    it("keeps each slice's checkpoints apart, with sequences of their own, and forgets every slice at once", async () => {
      const store = open()
      expect(await store.save('group-a', 0, 0, checkpoint(1))).toBe(true)
      expect(await store.save('group-a', 2, 0, checkpoint(20))).toBe(true)
      expect(await store.save('group-a', 2, 1, checkpoint(21))).toBe(true)
      expect(await store.save('group-a', 2, 1, checkpoint(22))).toBe(false)
      expect(await store.load('group-a', 0)).toEqual({ ...checkpoint(1), sequence: 1 })
      expect(await store.load('group-a', 1)).toBeUndefined()
      expect(await store.load('group-a', 2)).toEqual({ ...checkpoint(21), sequence: 2 })
      await store.remove('group-a')
      expect(await store.load('group-a', 0)).toBeUndefined()
      expect(await store.load('group-a', 2)).toBeUndefined()
    })

    it('refuses a save from a stale sequence (another worker saved meanwhile) and keeps the newer one', async () => {
      const store = open()
      expect(await store.save('group-a', 0, 0, checkpoint(1))).toBe(true)
      expect(await store.save('group-a', 0, 0, checkpoint(9))).toBe(false)
      expect(await store.save('group-a', 0, 5, checkpoint(9))).toBe(false)
      expect(await store.load('group-a', 0)).toEqual({ ...checkpoint(1), sequence: 1 })
    })
  })
}

describeCheckpointsContract('MemoryApplicationCheckpoints', () => new MemoryApplicationCheckpoints())

const clients: Redis[] = []
const prefixes: string[] = []

describeCheckpointsContract('RedisApplicationCheckpoints', () => {
  const keyPrefix = `${uniqueName('application-checkpoints')}:`
  prefixes.push(keyPrefix)
  const redis = createRedisClient(inject('stack').redisUrl, 'application-checkpoints-contract')
  clients.push(redis)
  return new RedisApplicationCheckpoints(redis, { keyPrefix })
})

describe('RedisApplicationCheckpoints while Redis is unreachable', () => {
  it('fails with ApplicationCheckpointsUnavailableError', async () => {
    const redis = createRedisClient(await unreachableRedisUrl(), 'application-checkpoints-down')
    redis.on('error', () => undefined)
    clients.push(redis)
    const store = new RedisApplicationCheckpoints(redis)
    await expect(store.load('group', 0)).rejects.toThrow(ApplicationCheckpointsUnavailableError)
    await expect(store.save('group', 0, 0, checkpoint(1))).rejects.toThrow(
      ApplicationCheckpointsUnavailableError,
    )
  })
})

afterAll(async () => {
  const redis = clients[0]
  if (redis !== undefined) for (const prefix of prefixes) await deleteKeysWithPrefix(redis, prefix)
  for (const client of clients) client.disconnect()
})
