import { randomBytes } from 'node:crypto'

import type { Redis } from 'ioredis'

/**
 * A secret every gateway replica must share (e.g. the key sealing shard iterators): the first replica creates
 * it, the others read it. Stored in Redis, which persists it with AOF.
 */
export async function sharedSecret(redis: Redis, key: string, bytes = 32): Promise<Buffer> {
  await redis.set(key, randomBytes(bytes).toString('base64'), 'NX')
  const stored = await redis.get(key)
  if (stored === null) throw new Error(`the shared secret ${key} could not be stored in Redis`)
  const secret = Buffer.from(stored, 'base64')
  if (secret.length !== bytes) throw new Error(`the shared secret ${key} in Redis is not ${bytes} bytes long`)
  return secret
}
