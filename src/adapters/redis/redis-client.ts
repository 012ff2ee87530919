import { Redis } from 'ioredis'

/**
 * A Redis connection that fails commands quickly while the server is unreachable, so that callers can answer
 * with a retriable error instead of holding requests. Reconnection delays grow to 2 s, and queued commands
 * fail only every third attempt; the command timeout bounds the wait however long the outage has lasted, and
 * also when the connection hangs without closing.
 */
export function createRedisClient(url: string, connectionName = 'kinesis-kafka-gateway'): Redis {
  return new Redis(url, {
    connectionName,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    commandTimeout: 2_000,
    connectTimeout: 3_000,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  })
}

export async function connectRedis(client: Redis): Promise<void> {
  if (client.status === 'wait') await client.connect()
}
