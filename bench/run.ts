import { createKafkaClient } from '../src/adapters/kafka/kafka-client.ts'
import { createRedisClient } from '../src/adapters/redis/redis-client.ts'
import { analytics } from './analytics.ts'
import { catchUp } from './catch-up.ts'
import { ACCOUNT, endpoints } from './common.ts'
import { fanOut } from './fan-out.ts'
import { firehoseDelivery } from './firehose-delivery.ts'
import { firehoseGateway } from './firehose-gateway.ts'
import { startGatewayProcess } from './gateway-process.ts'
import { ingest } from './ingest.ts'
import { kcl } from './kcl.ts'
import { largeRecords } from './large-records.ts'
import { PEERS_ENABLED, startPeers, type Peer } from './peers.ts'
import { propagation } from './propagation.ts'
import { redisCommands } from './redis-commands.ts'
import { smallWrites } from './small-writes.ts'

/*
 * npm run bench — the gateway against the same work done directly on Kafka with kafkajs, in the same run, on
 * the local stack (or the servers in KAFKA_BROKERS / REDIS_URL / S3_ENDPOINT). Settings: BENCH_REPETITIONS (3),
 * BENCH_INGEST_REQUESTS (200 PutRecords of 500 records per repetition), BENCH_CATCHUP_RECORDS (500000),
 * BENCH_PROPAGATION_SECONDS (10), BENCH_SMALL_WRITES_SECONDS (5 per offered rate). The emulators kinesalite and
 * kinesis-local run the same loads unless BENCH_PEERS=0; BENCH_PEER_SECONDS (20) bounds each of their loads.
 * Fan-out, Redis and large records: BENCH_FANOUT_RECORDS (20000), BENCH_FANOUT_RATE (2000 records/s),
 * BENCH_REDIS_CALLS (200 of each operation), BENCH_LARGE_REQUESTS (200 calls per load).
 * Firehose delivery to S3: BENCH_FIREHOSE_MB (60 MiB of records). Firehose through the gateway (firehose-gateway.ts):
 * BENCH_FIREHOSE_REQUESTS (200 PutRecordBatch / PutRecords calls), BENCH_FIREHOSE_LATENCY_PUTS (50),
 * BENCH_FIREHOSE_STREAMS (50 delivery streams buffering) of BENCH_FIREHOSE_BUFFER_MB (2 MiB each).
 * Ingest and catch-up also run on a gateway of BENCH_WORKERS (2) worker processes, GATEWAY_WORKERS as users set it.
 * BENCH_GATEWAY_NODE_ARGS passes Node options to the gateway process, e.g. "--cpu-prof --cpu-prof-dir=prof".
 * KCL (a KCL 3.x application in Java, built with Maven; BENCH_KCL=0 skips it): BENCH_KCL_RATE (1000 records/s),
 * BENCH_KCL_SECONDS (15), BENCH_KCL_BURST (20000 records).
 * Kinesis Data Analytics (a filter and a tumbling window on a gateway process of their own): BENCH_ANALYTICS_RECORDS
 * (100000 records pre-loaded), BENCH_ANALYTICS_RATE (200 records/s) for BENCH_ANALYTICS_SECONDS (10) of latency.
 */

/** Ingest and catch-up also run on a gateway with this many worker processes (GATEWAY_WORKERS). */
const BENCH_WORKERS = Number(process.env.BENCH_WORKERS ?? 2)
const KCL_ENABLED = process.env.BENCH_KCL !== '0'

async function main(): Promise<void> {
  const stack = await endpoints()
  const gateway = await startGatewayProcess(stack)
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'bench' })
  const redis = createRedisClient(stack.redisUrl, 'bench')
  const peers: Peer[] = []
  let ingestRate = Number.NaN
  try {
    if (PEERS_ENABLED) peers.push(...(await startPeers()))
    const workers = await startGatewayProcess(stack, { GATEWAY_WORKERS: String(BENCH_WORKERS) })
    try {
      ingestRate = await ingest(gateway, kafka, redis, peers, { count: BENCH_WORKERS, gateway: workers })
      await smallWrites(gateway, peers)
      await catchUp(gateway, kafka, peers, { count: BENCH_WORKERS, gateway: workers })
    } finally {
      await workers.stop()
    }
    await propagation(gateway, ACCOUNT)
    await fanOut(gateway, kafka)
    await redisCommands(stack)
    await largeRecords(stack)
    if (KCL_ENABLED) await kcl(stack, ingestRate)
    await firehoseDelivery(stack)
    await firehoseGateway(stack)
    await analytics(stack)
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()))
    await gateway.stop()
    await redis.quit()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
