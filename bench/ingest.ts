import type { Redis } from 'ioredis'
import type { Kafka } from 'kafkajs'

import { fromHexHashKey, hashKeyOfPartitionKey } from '../src/mapping/hash-keys.ts'
import {
  ACCOUNT,
  BATCH,
  CLIENTS,
  createStream,
  load,
  putRecordsBodies,
  RECORD_BYTES,
  REPETITIONS,
  SHARDS,
  topicOf,
  ingestRow,
  medianRate,
  type Run,
} from './common.ts'
import type { GatewayProcess } from './gateway-process.ts'
import type { KinesisHttp1 } from './kinesis-http1.ts'
import { KinesisHttp2 } from './kinesis-http2.ts'
import { loadWithin, PEER_SECONDS, type Peer } from './peers.ts'
import { format, printTable, ratioLine } from './table.ts'

/**
 * Scenario 1: PutRecords of 500 records, 4 shards, 8 concurrent clients; the gateway against a kafkajs producer
 * and the emulators.
 */
const INGEST_REQUESTS = Number(process.env.BENCH_INGEST_REQUESTS ?? 200)

async function redisCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats')
  let total = 0
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    if (match[1] !== 'info') total += Number(match[2])
  return total
}

/** Returns the gateway's ingest rate (records/s, median of the repetitions). */
export async function ingest(
  gateway: GatewayProcess,
  kafka: Kafka,
  redis: Redis,
  peers: readonly Peer[] = [],
  workers?: { count: number; gateway: GatewayProcess },
): Promise<number> {
  const clients = Array.from({ length: CLIENTS }, () => new KinesisHttp2(gateway.endpoint, ACCOUNT))
  const workerClients = Array.from(
    { length: workers === undefined ? 0 : CLIENTS },
    () => new KinesisHttp2(workers?.gateway.endpoint ?? '', ACCOUNT),
  )
  const streamName = `bench-ingest-${Date.now()}`
  const first = clients[0] as KinesisHttp2
  await createStream(first, streamName)
  const bodies = putRecordsBodies(streamName, 16)
  const topic = topicOf(streamName)

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
  await producer.connect()
  const directBatches = bodies.map((body) =>
    (JSON.parse(body.toString()) as { Records: { PartitionKey: string; Data: string }[] }).Records.map(
      (record) => ({
        key: record.PartitionKey,
        value: Buffer.from(record.Data, 'base64'),
        partition: Number(fromHexHashKey(hashKeyOfPartitionKey(record.PartitionKey)) % BigInt(SHARDS)),
      }),
    ),
  )

  const gatewayRuns: Run[] = []
  const workerRuns: Run[] = []
  const directRuns: Run[] = []
  let redisPerCall = 0
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const cpuBefore = gateway.cpuSeconds()
    const redisBefore = await redisCalls(redis)
    const viaGateway = await load(INGEST_REQUESTS, async (index) => {
      await putRecords(clients[index % CLIENTS] as KinesisHttp2, bodies[index % bodies.length] as Buffer)
    })
    redisPerCall = ((await redisCalls(redis)) - redisBefore) / INGEST_REQUESTS
    gatewayRuns.push({
      ...viaGateway,
      records: INGEST_REQUESTS * BATCH,
      cpuSeconds: gateway.cpuSeconds() - cpuBefore,
    })

    if (workers !== undefined) {
      const workersCpuBefore = workers.gateway.cpuSeconds()
      const viaWorkers = await load(INGEST_REQUESTS, async (index) => {
        await putRecords(
          workerClients[index % CLIENTS] as KinesisHttp2,
          bodies[index % bodies.length] as Buffer,
        )
      })
      workerRuns.push({
        ...viaWorkers,
        records: INGEST_REQUESTS * BATCH,
        cpuSeconds: workers.gateway.cpuSeconds() - workersCpuBefore,
      })
    }

    const direct = await load(INGEST_REQUESTS, async (index) => {
      await producer.send({ topic, acks: -1, messages: directBatches[index % directBatches.length] ?? [] })
    })
    directRuns.push({ ...direct, records: INGEST_REQUESTS * BATCH })
  }
  await producer.disconnect()
  await first.json('DeleteStream', { StreamName: streamName })
  for (const client of [...clients, ...workerClients]) client.close()

  const peerRuns: { peer: Peer; runs: Run[] }[] = []
  for (const peer of peers) peerRuns.push({ peer, runs: await ingestOnPeer(peer) })

  printTable(
    `Ingest: PutRecords of ${BATCH} x ${RECORD_BYTES} B, ${SHARDS} shards, ${CLIENTS} concurrent clients, median of ${REPETITIONS}`,
    ['', 'records/s', 'MB/s', 'p50 ms', 'p99 ms', 'server CPU µs/record'],
    [
      ingestRow('gateway (HTTP/2, JSON)', gatewayRuns),
      ...(workers === undefined
        ? []
        : [ingestRow(`gateway, GATEWAY_WORKERS=${workers.count} (HTTP/2, JSON)`, workerRuns)]),
      ingestRow('direct kafkajs producer', directRuns),
      ...peerRuns.map(({ peer, runs }) => ingestRow(`${peer.name} (${peer.protocol})`, runs)),
    ],
  )
  for (const { peer, runs } of peerRuns) {
    const requests = runs.map((run) => run.records / BATCH)
    if (Math.min(...requests) < INGEST_REQUESTS)
      process.stdout.write(
        `${peer.name}: ${requests.join(', ')} PutRecords instead of ${INGEST_REQUESTS} per repetition (stopped after ${PEER_SECONDS} s)\n`,
      )
  }
  const peerRates = peerRuns.map(({ peer, runs }) => ({ name: peer.name, rate: medianRate(runs) }))
  const ratios = [ratioLine('gateway', medianRate(gatewayRuns), medianRate(directRuns), peerRates)]
  if (workers !== undefined)
    ratios.push(
      ratioLine(`${workers.count} workers`, medianRate(workerRuns), medianRate(directRuns), peerRates),
    )
  process.stdout.write(
    `${ratios.join('\n')}\nRedis commands per PutRecords on a warm gateway: ${format(redisPerCall, 2)}\n`,
  )
  return medianRate(gatewayRuns)
}

/** The same load on an emulator, each repetition stopped after PEER_SECONDS. */
async function ingestOnPeer(peer: Peer): Promise<Run[]> {
  const client = peer.client(CLIENTS)
  const streamName = `bench-ingest-${Date.now()}`
  await createStream(client, streamName, SHARDS)
  const bodies = putRecordsBodies(streamName, 16)
  const runs: Run[] = []
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const cpuBefore = peer.cpuSeconds()
    const { requests, ...measured } = await loadWithin(INGEST_REQUESTS, PEER_SECONDS, async (index) => {
      await putRecords(client, bodies[index % bodies.length] as Buffer)
    })
    runs.push({ ...measured, records: requests * BATCH, cpuSeconds: peer.cpuSeconds() - cpuBefore })
  }
  await client.json('DeleteStream', { StreamName: streamName })
  client.close()
  return runs
}

export async function putRecords(client: KinesisHttp1 | KinesisHttp2, body: Buffer): Promise<void> {
  const response = await client.call('PutRecords', body)
  if (response.status !== 200 || !response.body.includes('"FailedRecordCount":0')) {
    throw new Error(`PutRecords failed: ${response.status} ${response.body.subarray(0, 200).toString()}`)
  }
}
