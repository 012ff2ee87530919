import { createKafkaClient } from '../src/adapters/kafka/kafka-client.ts'
import { createRedisClient } from '../src/adapters/redis/redis-client.ts'
import { catchUp } from './catch-up.ts'
import { ACCOUNT, endpoints } from './common.ts'
import { startGatewayProcess } from './gateway-process.ts'
import { ingest } from './ingest.ts'
import { propagation } from './propagation.ts'

/*
 * npm run bench — the gateway against the same work done directly on Kafka with kafkajs, in the same run, on
 * the local stack (or the servers in KAFKA_BROKERS / REDIS_URL / S3_ENDPOINT). Settings: BENCH_REPETITIONS (3),
 * BENCH_INGEST_REQUESTS (200 PutRecords of 500 records per repetition), BENCH_CATCHUP_RECORDS (100000),
 * BENCH_PROPAGATION_SECONDS (10).
 */

async function main(): Promise<void> {
  const stack = await endpoints()
  const gateway = await startGatewayProcess(stack)
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'bench' })
  const redis = createRedisClient(stack.redisUrl, 'bench')
  try {
    await ingest(gateway, kafka, redis)
    await catchUp(gateway, kafka)
    await propagation(gateway, ACCOUNT)
  } finally {
    await gateway.stop()
    await redis.quit()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
