import { Redis } from 'ioredis'

/**
 * A Redis connection that fails commands quickly while the server is unreachable, so that callers can answer
 * with a retriable error instead of holding requests.
 */
export function createRedisClient(url: string, connectionName = 'kinesis-kafka-gateway'): Redis {
  return new Redis(url, {
    connectionName,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 3_000,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  })
}

export async function connectRedis(client: Redis): Promise<void> {
  if (client.status === 'wait') await client.connect()
}
