import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readlinkSync } from 'node:fs'
import { promisify } from 'node:util'

import { EventStreamCodec } from '@smithy/eventstream-codec'
import type { Kafka } from 'kafkajs'

import {
  ACCOUNT,
  BATCH,
  CLIENTS,
  createStream,
  load,
  RECORD_BYTES,
  REPETITIONS,
  SHARDS,
  waitFor,
} from './common.ts'
import type { GatewayProcess } from './gateway-process.ts'
import { connectHttp2, KinesisHttp2 } from './kinesis-http2.ts'
import { format, median, percentile, printTable } from './table.ts'

/**
 * Scenario 5: 5 registered consumers subscribe (LATEST) to every shard of a 4-shard stream while 20k records of
 * 1 KiB are put; the bytes the gateway reads from Kafka against the record bytes it delivers. Once paced (the
 * consumers keep up, as with a steady producer) and once as a burst from 8 clients (the consumers fall behind).
 */
const CONSUMERS = 5
const FANOUT_REQUESTS = Math.ceil(Number(process.env.BENCH_FANOUT_RECORDS ?? 20_000) / BATCH)
const FANOUT_RATE = Number(process.env.BENCH_FANOUT_RATE ?? 2_000)
const TARGET_KAFKA_BYTES_PER_DELIVERED_BYTE = 0.3
const SOCKET_SAMPLE_MS = 200
const execFileAsync = promisify(execFile)
const eventStream = new EventStreamCodec(
  (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
)

type Producer = 'paced' | 'burst'

interface FanOutRun {
  deliveredRecords: number
  deliveredBytes: number
  kafkaBytes: number
  closedConnections: number
  seconds: number
  latenciesMs: number[]
  gatewayCpuSeconds: number
  benchCpuSeconds: number
}

export async function fanOut(gateway: GatewayProcess, kafka: Kafka): Promise<void> {
  const brokerPorts = await kafkaPorts(kafka)
  const paced: FanOutRun[] = []
  const burst: FanOutRun[] = []
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    paced.push(await fanOutOnce(gateway, brokerPorts, 'paced'))
    burst.push(await fanOutOnce(gateway, brokerPorts, 'burst'))
  }

  const ratio = (runs: FanOutRun[]): number => median(runs.map((run) => run.kafkaBytes / run.deliveredBytes))
  const row = (name: string, runs: FanOutRun[]): string[] => {
    const latencies = runs.flatMap((run) => run.latenciesMs)
    return [
      name,
      `${format(median(runs.map((run) => run.deliveredRecords)))} / ${format(FANOUT_REQUESTS * BATCH * CONSUMERS)}`,
      format(median(runs.map((run) => run.deliveredBytes)) / 1e6, 1),
      format(median(runs.map((run) => run.kafkaBytes)) / 1e6, 1),
      format(ratio(runs), 3),
      format(median(runs.map((run) => run.deliveredRecords / run.seconds))),
      format(percentile(latencies, 50), 1),
      format(percentile(latencies, 99), 1),
      format(median(runs.map((run) => run.gatewayCpuSeconds)), 1),
      format(median(runs.map((run) => run.benchCpuSeconds)), 1),
    ]
  }
  printTable(
    `Fan-out: ${CONSUMERS} consumers x ${SHARDS} shards (SubscribeToShard, LATEST), ${format(FANOUT_REQUESTS * BATCH)} records of ${RECORD_BYTES} B put in PutRecords of ${BATCH}, median of ${REPETITIONS}`,
    [
      'producer',
      'delivered',
      'delivered MB',
      'read from Kafka MB',
      'Kafka B / delivered B',
      'delivered/s',
      'p50 ms',
      'p99 ms',
      'gateway CPU s',
      'bench CPU s',
    ],
    [row(`paced, ${format(FANOUT_RATE)} records/s`, paced), row(`burst, ${CLIENTS} clients`, burst)],
  )
  const closed = [...paced, ...burst].reduce((sum, run) => sum + run.closedConnections, 0)
  process.stdout.write(
    `Kafka bytes read per byte delivered, paced: ${format(ratio(paced), 3)} (target <= ${TARGET_KAFKA_BYTES_PER_DELIVERED_BYTE}; ` +
      `one read per record is ~${format(1 / CONSUMERS, 2)}): ` +
      `${ratio(paced) <= TARGET_KAFKA_BYTES_PER_DELIVERED_BYTE ? 'met' : 'MISSED'}; burst: ${format(ratio(burst), 3)}` +
      `${closed > 0 ? `; ${closed} Kafka connection(s) closed while measured, counted up to their last sample` : ''}\n`,
  )
}

async function fanOutOnce(
  gateway: GatewayProcess,
  brokerPorts: number[],
  producer: Producer,
): Promise<FanOutRun> {
  const clients = Array.from({ length: CLIENTS }, () => new KinesisHttp2(gateway.endpoint, ACCOUNT))
  const first = clients[0] as KinesisHttp2
  const streamName = `bench-fanout-${Date.now()}`
  await createStream(first, streamName)
  await waitUntilServed(first, streamName)
  const consumerArns = await registerConsumers(first, streamName)
  const bodies = indexedBodies(streamName, FANOUT_REQUESTS)

  const sentAt: number[] = []
  const latenciesMs: number[] = []
  let deliveredRecords = 0
  let deliveredBytes = 0
  let lastDeliveryAt = 0
  const subscriptions = consumerArns.flatMap((consumerArn) =>
    Array.from({ length: SHARDS }, (_, shard) =>
      subscribe(
        gateway.endpoint,
        {
          ConsumerARN: consumerArn,
          ShardId: `shardId-${String(shard).padStart(12, '0')}`,
          StartingPosition: { Type: 'LATEST' },
        },
        (records) => {
          const receivedAt = performance.now()
          for (const record of records) {
            deliveredRecords++
            deliveredBytes += Buffer.byteLength(record.Data, 'base64')
            const request = Buffer.from(record.Data.slice(0, 8), 'base64').readUInt32BE(0)
            latenciesMs.push(receivedAt - (sentAt[request] ?? receivedAt))
          }
          lastDeliveryAt = receivedAt
        },
      ),
    ),
  )
  // The gateway fixes a subscription's starting position before it answers: once every call has answered,
  // every record put from now on is delivered to every subscription.
  await Promise.all(subscriptions.map((subscription) => subscription.answered))

  const counter = new KafkaSocketBytes(gateway.pid, brokerPorts)
  const started = performance.now()
  const gatewayCpuBefore = gateway.cpuSeconds()
  const benchCpuBefore = process.cpuUsage()
  const send = async (index: number): Promise<void> => {
    sentAt[index] = performance.now()
    await putRecords(clients[index % CLIENTS] as KinesisHttp2, bodies[index] as Buffer)
  }
  if (producer === 'burst') await load(FANOUT_REQUESTS, send)
  else await paced(FANOUT_REQUESTS, send)
  const expected = FANOUT_REQUESTS * BATCH * CONSUMERS
  await waitFor(
    () =>
      Promise.resolve(
        deliveredRecords >= expected || subscriptions.every((subscription) => subscription.ended()),
      ),
    60_000,
  ).catch(() => undefined)
  const kafka = await counter.stop()
  const gatewayCpuSeconds = gateway.cpuSeconds() - gatewayCpuBefore
  const benchCpu = process.cpuUsage(benchCpuBefore)

  const failures = subscriptions.flatMap((subscription) => subscription.close())
  if (failures.length > 0) throw new AggregateError(failures, 'a subscription failed')
  await first.json('DeleteStream', { StreamName: streamName, EnforceConsumerDeletion: true })
  for (const client of clients) client.close()
  return {
    deliveredRecords,
    deliveredBytes,
    kafkaBytes: kafka.bytes,
    closedConnections: kafka.closed,
    seconds: (lastDeliveryAt - started) / 1000,
    latenciesMs,
    gatewayCpuSeconds,
    benchCpuSeconds: (benchCpu.user + benchCpu.system) / 1e6,
  }
}

/** One call every BATCH / FANOUT_RATE seconds, whether or not the previous ones have answered. */
async function paced(requests: number, send: (index: number) => Promise<void>): Promise<void> {
  const intervalMs = (BATCH * 1000) / FANOUT_RATE
  const started = performance.now()
  const calls: Promise<void>[] = []
  for (let index = 0; index < requests; index++) {
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, started + index * intervalMs - performance.now())),
    )
    calls.push(send(index))
  }
  await Promise.all(calls)
}

async function putRecords(client: KinesisHttp2, body: Buffer): Promise<void> {
  const response = await client.call('PutRecords', body)
  if (response.status !== 200 || !response.body.includes('"FailedRecordCount":0')) {
    throw new Error(`PutRecords failed: ${response.status} ${response.body.subarray(0, 200).toString()}`)
  }
}

interface Subscription {
  /** Settles when the gateway has answered the call. */
  answered: Promise<void>
  /** Whether the gateway has ended the subscription. */
  ended(): boolean
  /** Ends the subscription; returns the errors it met. */
  close(): unknown[]
}

/**
 * SubscribeToShard on an HTTP/2 session of its own, decoding only what the measurement needs: 20 of them share
 * the bench process with the producer, and must keep up with what the gateway sends.
 */
function subscribe(
  endpoint: string,
  input: object,
  onRecords: (records: readonly { Data: string }[]) => void,
): Subscription {
  const session = connectHttp2(endpoint)
  const request = session.request({
    ':method': 'POST',
    ':path': '/',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
    authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0`,
  })
  const errors: unknown[] = []
  let closed = false
  let ended = false
  request.once('close', () => {
    ended = true
  })
  const answered = new Promise<void>((resolve, reject) => {
    request.once('response', (headers) => {
      if (headers[':status'] === 200) resolve()
      else reject(new Error(`SubscribeToShard answered ${headers[':status']}`))
    })
    request.once('error', reject)
  })
  // Chunks are joined only once a whole message has arrived: an event may span a hundred of them.
  let chunks: Buffer[] = []
  let buffered = 0
  request.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    buffered += chunk.length
    while (buffered >= 4) {
      if ((chunks[0] as Buffer).length < 4) chunks = [Buffer.concat(chunks, buffered)]
      const length = (chunks[0] as Buffer).readUInt32BE(0)
      if (buffered < length) break
      const joined = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, buffered)
      const message = eventStream.decode(joined.subarray(0, length))
      chunks = joined.length > length ? [joined.subarray(length)] : []
      buffered -= length
      const payload = (): unknown => JSON.parse(Buffer.from(message.body).toString())
      if (message.headers[':message-type']?.value === 'exception') errors.push(payload())
      else if (message.headers[':event-type']?.value === 'SubscribeToShardEvent') {
        onRecords((payload() as { Records: { Data: string }[] }).Records)
      }
    }
  })
  request.on('error', (error: unknown) => {
    if (!closed) errors.push(error)
  })
  request.end(JSON.stringify(input))
  return {
    answered,
    ended: () => ended,
    close: () => {
      closed = true
      request.close()
      session.close()
      return errors
    },
  }
}

/**
 * Waits until every shard answers GetRecords. A broker takes a moment to serve a new topic's partitions, and a
 * subscription whose first read comes too early ends with ResourceNotFoundException; that is not what this
 * scenario measures.
 */
async function waitUntilServed(client: KinesisHttp2, streamName: string): Promise<void> {
  for (let shard = 0; shard < SHARDS; shard++) {
    await waitFor(async () => {
      try {
        const { ShardIterator } = await client.json<{ ShardIterator: string }>('GetShardIterator', {
          StreamName: streamName,
          ShardId: `shardId-${String(shard).padStart(12, '0')}`,
          ShardIteratorType: 'LATEST',
        })
        await client.json('GetRecords', { ShardIterator })
        return true
      } catch {
        return false
      }
    })
  }
}

async function registerConsumers(client: KinesisHttp2, streamName: string): Promise<string[]> {
  const streamArn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${streamName}`
  const arns: string[] = []
  for (let index = 0; index < CONSUMERS; index++) {
    const { Consumer } = await client.json<{ Consumer: { ConsumerARN: string } }>('RegisterStreamConsumer', {
      StreamARN: streamArn,
      ConsumerName: `bench-${index}`,
    })
    arns.push(Consumer.ConsumerARN)
  }
  for (const arn of arns) {
    await waitFor(async () => {
      const described = await client.json<{ ConsumerDescription: { ConsumerStatus: string } }>(
        'DescribeStreamConsumer',
        { ConsumerARN: arn },
      )
      return described.ConsumerDescription.ConsumerStatus === 'ACTIVE'
    })
  }
  return arns
}

/** One PutRecords body per request; every record's Data starts with its request's index, for latency. */
function indexedBodies(streamName: string, requests: number): Buffer[] {
  return Array.from({ length: requests }, (_, request) =>
    Buffer.from(
      JSON.stringify({
        StreamName: streamName,
        Records: Array.from({ length: BATCH }, () => {
          const data = randomBytes(RECORD_BYTES)
          data.writeUInt32BE(request, 0)
          return { PartitionKey: randomBytes(8).toString('hex'), Data: data.toString('base64') }
        }),
      }),
    ),
  )
}

/** The ports the gateway reaches Kafka on: the brokers as the cluster advertises them. */
async function kafkaPorts(kafka: Kafka): Promise<number[]> {
  const admin = kafka.admin()
  await admin.connect()
  const { brokers } = await admin.describeCluster()
  await admin.disconnect()
  return [...new Set(brokers.map((broker) => broker.port))]
}

/**
 * Bytes the gateway process received on its TCP connections to the brokers, from the kernel's per-socket
 * counter (tcp_info bytes_received, as `ss -i` shows it). The process's sockets are found by inode in
 * /proc/<pid>/fd, and sampled every 200 ms so that connections opened meanwhile are counted from zero; a
 * connection that closes is counted up to its last sample (`closed` says how many did).
 */
class KafkaSocketBytes {
  private readonly baseline: Promise<Map<string, number>>
  private readonly latest = new Map<string, number>()
  private readonly timer: NodeJS.Timeout
  private sampling: Promise<void> = Promise.resolve()

  constructor(
    private readonly pid: number,
    private readonly brokerPorts: readonly number[],
  ) {
    this.baseline = this.sample()
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(async () => {
        for (const [inode, bytes] of await this.sample()) this.latest.set(inode, bytes)
      })
    }, SOCKET_SAMPLE_MS)
  }

  async stop(): Promise<{ bytes: number; closed: number }> {
    clearInterval(this.timer)
    await this.sampling
    const baseline = await this.baseline
    const final = await this.sample()
    for (const [inode, bytes] of final) this.latest.set(inode, bytes)
    let bytes = 0
    let closed = 0
    for (const [inode, received] of this.latest) {
      bytes += received - (baseline.get(inode) ?? 0)
      if (!final.has(inode)) closed++
    }
    for (const inode of baseline.keys()) if (!this.latest.has(inode)) closed++
    return { bytes, closed }
  }

  /** bytes_received by socket inode, for the process's established connections to a broker port. */
  private async sample(): Promise<Map<string, number>> {
    const inodes = new Set<string>()
    for (const fd of readdirSync(`/proc/${this.pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${this.pid}/fd/${fd}`))
        if (match?.[1] !== undefined) inodes.add(match[1])
      } catch {
        // closed since it was listed
      }
    }
    const filter = `( ${this.brokerPorts.map((port) => `dport = :${port}`).join(' or ')} )`
    const { stdout } = await execFileAsync('ss', ['-tieH', 'state', 'established', filter])
    const sockets = new Map<string, number>()
    let inode: string | undefined
    for (const line of stdout.split('\n')) {
      if (!line.startsWith('\t') && !line.startsWith(' ')) {
        inode = /\bino:(\d+)/.exec(line)?.[1]
        continue
      }
      const received = /\bbytes_received:(\d+)/.exec(line)?.[1]
      if (inode !== undefined && inodes.has(inode)) sockets.set(inode, Number(received ?? 0))
    }
    return sockets
  }
}
