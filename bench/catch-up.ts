import { randomBytes } from 'node:crypto'

import type { Kafka } from 'kafkajs'

import {
  ACCOUNT,
  BATCH,
  CLIENTS,
  createStream,
  putRecordsBodies,
  RECORD_BYTES,
  REPETITIONS,
  SHARDS,
  topicOf,
} from './common.ts'
import type { GatewayProcess } from './gateway-process.ts'
import type { KinesisHttp1 } from './kinesis-http1.ts'
import { KinesisHttp2 } from './kinesis-http2.ts'
import { putRecords } from './ingest.ts'
import { loadWithin, PEER_SECONDS, type Peer } from './peers.ts'
import { format, median, printTable, ratioLine } from './table.ts'

/**
 * Scenario 3: records pre-loaded, read back with GetRecords Limit 10000 over all shards; against a kafkajs consumer
 * and the emulators.
 */
const CATCHUP_RECORDS = Number(process.env.BENCH_CATCHUP_RECORDS ?? 500_000)

export async function catchUp(
  gateway: GatewayProcess,
  kafka: Kafka,
  peers: readonly Peer[] = [],
  workers?: { count: number; gateway: GatewayProcess },
): Promise<void> {
  const client = new KinesisHttp2(gateway.endpoint, ACCOUNT)
  // One connection per shard reader, as consumers of several shards (KCL workers) open.
  const readers = Array.from({ length: SHARDS }, () => new KinesisHttp2(gateway.endpoint, ACCOUNT))
  const workerReaders = Array.from(
    { length: workers === undefined ? 0 : SHARDS },
    () => new KinesisHttp2(workers?.gateway.endpoint ?? '', ACCOUNT),
  )
  const viaWorkersRates: number[] = []
  const viaWorkersCpu: number[] = []
  const streamName = `bench-catchup-${Date.now()}`
  await createStream(client, streamName)
  const topic = topicOf(streamName)
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const value = randomBytes(RECORD_BYTES)
  for (let written = 0; written < CATCHUP_RECORDS; written += 5000) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: Math.min(5000, CATCHUP_RECORDS - written) }, (_, index) => ({
        key: `key-${written + index}`,
        value,
        partition: (written + index) % SHARDS,
      })),
    })
  }
  await producer.disconnect()

  const viaGateway: number[] = []
  const viaGatewayCpu: number[] = []
  const direct: number[] = []
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const { records, seconds, cpuMicrosPerRecord } = await readAll(readers, streamName, gateway)
    viaGateway.push(records / seconds)
    viaGatewayCpu.push(cpuMicrosPerRecord)
    if (workers !== undefined) {
      const viaWorkers = await readAll(workerReaders, streamName, workers.gateway)
      viaWorkersRates.push(viaWorkers.records / viaWorkers.seconds)
      viaWorkersCpu.push(viaWorkers.cpuMicrosPerRecord)
    }

    const consumer = kafka.consumer({
      groupId: `bench-${Date.now()}-${repetition}`,
      maxBytes: 10 * 1024 * 1024,
    })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const consumed = await new Promise<number>((resolve) => {
      let count = 0
      const begin = process.hrtime.bigint()
      void consumer.run({
        eachBatch: ({ batch }) => {
          count += batch.messages.length
          if (count >= CATCHUP_RECORDS) resolve(count / (Number(process.hrtime.bigint() - begin) / 1e9))
          return Promise.resolve()
        },
      })
    })
    await consumer.disconnect()
    direct.push(consumed)
  }
  await client.json('DeleteStream', { StreamName: streamName })
  for (const reader of [client, ...readers, ...workerReaders]) reader.close()

  const peerRates: { peer: Peer; records: number; rates: number[]; cpu: number[] }[] = []
  for (const peer of peers) peerRates.push({ peer, ...(await catchUpOnPeer(peer)) })

  printTable(
    `Catch-up read: ${format(CATCHUP_RECORDS)} records of ${RECORD_BYTES} B in ${SHARDS} shards, GetRecords Limit 10000, median of ${REPETITIONS}`,
    ['', 'records/s', 'MB/s', 'server CPU µs/record'],
    [
      [
        'gateway GetRecords (HTTP/2, JSON)',
        format(median(viaGateway)),
        format((median(viaGateway) * RECORD_BYTES) / 1e6, 1),
        format(median(viaGatewayCpu), 1),
      ],
      ...(workers === undefined
        ? []
        : [
            [
              `gateway, GATEWAY_WORKERS=${workers.count} (HTTP/2, JSON)`,
              format(median(viaWorkersRates)),
              format((median(viaWorkersRates) * RECORD_BYTES) / 1e6, 1),
              format(median(viaWorkersCpu), 1),
            ],
          ]),
      [
        'direct kafkajs consumer',
        format(median(direct)),
        format((median(direct) * RECORD_BYTES) / 1e6, 1),
        '-',
      ],
      ...peerRates.map(({ peer, rates, cpu }) => [
        `${peer.name} GetRecords (${peer.protocol})`,
        format(median(rates)),
        format((median(rates) * RECORD_BYTES) / 1e6, 1),
        format(median(cpu), 1),
      ]),
    ],
  )
  for (const { peer, records } of peerRates) {
    if (records < CATCHUP_RECORDS)
      process.stdout.write(
        `${peer.name}: ${format(records)} records instead of ${format(CATCHUP_RECORDS)}, loading stopped after ${PEER_SECONDS} s\n`,
      )
  }
  const peerMedians = peerRates.map(({ peer, rates }) => ({ name: peer.name, rate: median(rates) }))
  const ratios = [ratioLine('gateway', median(viaGateway), median(direct), peerMedians)]
  if (workers !== undefined)
    ratios.push(ratioLine(`${workers.count} workers`, median(viaWorkersRates), median(direct), peerMedians))
  process.stdout.write(`${ratios.join('\n')}\n`)
}

/** Reads a stream from TRIM_HORIZON to its end over all shards in parallel. */
/** Reads a stream from TRIM_HORIZON to its end, shard i through `clients[i % clients.length]`. */
async function readAll(
  clients: readonly (KinesisHttp1 | KinesisHttp2)[],
  streamName: string,
  server: { cpuSeconds(): number },
): Promise<{ records: number; seconds: number; cpuMicrosPerRecord: number }> {
  const cpuBefore = server.cpuSeconds()
  const started = process.hrtime.bigint()
  let read = 0
  await Promise.all(
    Array.from({ length: SHARDS }, async (_, shard) => {
      const client = clients[shard % clients.length] as KinesisHttp1 | KinesisHttp2
      const { ShardIterator } = await client.json<{ ShardIterator: string }>('GetShardIterator', {
        StreamName: streamName,
        ShardId: `shardId-${String(shard).padStart(12, '0')}`,
        ShardIteratorType: 'TRIM_HORIZON',
      })
      let iterator: string | undefined = ShardIterator
      while (iterator !== undefined) {
        const page: { Records: unknown[]; NextShardIterator?: string; MillisBehindLatest: number } =
          await client.json('GetRecords', { ShardIterator: iterator, Limit: 10_000 })
        read += page.Records.length
        if (page.Records.length === 0 && page.MillisBehindLatest === 0) break
        iterator = page.NextShardIterator
      }
    }),
  )
  return {
    records: read,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuMicrosPerRecord: ((server.cpuSeconds() - cpuBefore) / read) * 1e6,
  }
}

/** Loads the records through PutRecords (for PEER_SECONDS at most), then reads them back as the gateway is read. */
async function catchUpOnPeer(peer: Peer): Promise<{ records: number; rates: number[]; cpu: number[] }> {
  const client = peer.client(CLIENTS)
  const streamName = `bench-catchup-${Date.now()}`
  await createStream(client, streamName, SHARDS)
  const bodies = putRecordsBodies(streamName, CLIENTS)
  const { requests: sent } = await loadWithin(Math.ceil(CATCHUP_RECORDS / BATCH), PEER_SECONDS, (index) =>
    putRecords(client, bodies[index % CLIENTS] as Buffer),
  )
  const rates: number[] = []
  const cpu: number[] = []
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const { records, seconds, cpuMicrosPerRecord } = await readAll([client], streamName, peer)
    if (records !== sent * BATCH)
      throw new Error(`${peer.name} returned ${records} of ${sent * BATCH} records`)
    rates.push(records / seconds)
    cpu.push(cpuMicrosPerRecord)
  }
  await client.json('DeleteStream', { StreamName: streamName })
  client.close()
  return { records: sent * BATCH, rates, cpu }
}
