// Express against raw node:http on the data path. The streams service runs on the in-memory adapters, so the
// only difference between the two servers is the HTTP layer in front of the same AWS pipeline:
//   node:http  the gateway's request handler as the gateway serves it (its listeners, HTTP/1.1)
//   Express 5  the same listeners, with an Express app in front whose `POST /` route calls that same handler
// A child process drives each server in turn with the same HTTP/1.1 keep-alive load: PutRecord (1 KiB record)
// and GetRecords (Limit 100 on a pre-filled shard). Figures are medians of the repetitions; server CPU is this
// process's CPU time (process.cpuUsage) over the load, divided by the requests served.
//
//   npx tsx bench/http-server.ts        BENCH_HTTP_REQUESTS (default 20000), BENCH_REPETITIONS (default 3)

import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import { fileURLToPath } from 'node:url'

import express from 'express'

import { MemoryRecordLog } from '../test/support/memory/memory-record-log.ts'
import { MemoryStreamCatalog } from '../test/support/memory/memory-stream-catalog.ts'
import { DEFAULT_MAX_REQUEST_BYTES } from '../src/gateway/body.ts'
import { ConnectionTracker } from '../src/gateway/connections.ts'
import { createDispatcher } from '../src/gateway/dispatch.ts'
import type { Service } from '../src/aws/index.ts'
import { createLogger } from '../src/gateway/index.ts'
import { createListeners, type Listeners, type TransportHandler } from '../src/gateway/listeners.ts'
import { createRequestHandler } from '../src/gateway/request-handler.ts'
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_REQUEST_BODY_TIMEOUT_MS,
} from '../src/gateway/settings.ts'
import { shardIteratorKey } from '../src/mapping/shard-iterators.ts'
import { DEFAULT_TOPIC_TEMPLATE, parseTopicTemplate } from '../src/mapping/topic-names.ts'
import { systemClock } from '../src/ports/clock.ts'
import { createStreamsService } from '../src/streams/service.ts'
import { format, median, percentile, printTable } from './table.ts'

const REQUESTS = Number(process.env.BENCH_HTTP_REQUESTS ?? 20_000)
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3)
const WARM_UP_REQUESTS = Math.min(REQUESTS, 2_000)
const CONNECTIONS = 16
const RECORD_BYTES = 1024
const GET_LIMIT = 100
/** Distinct PutRecord bodies, cycled through. */
const PUT_BODIES = 100
const PREFILLED_RECORDS = 1_000
const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const READ_STREAM = 'reads'
const LOAD_GENERATOR_ARG = 'load-generator'

type Variant = 'node:http' | 'Express 5'
type OperationName = 'PutRecord' | 'GetRecords'
const VARIANTS: readonly Variant[] = ['node:http', 'Express 5']
const OPERATIONS: readonly OperationName[] = ['PutRecord', 'GetRecords']

/** Parent → load generator. */
type Order =
  | { kind: 'connect'; port: number; connections: number }
  | { kind: 'run'; requests: number; messages: Uint8Array[] }
  | { kind: 'disconnect' }

/** Load generator → parent. */
type Report =
  | { kind: 'connected' }
  | { kind: 'finished'; seconds: number; p50Ms: number; p99Ms: number; failures: number }
  | { kind: 'disconnected' }

interface Measurement {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  cpuMicrosPerRequest: number
}

// ---------------------------------------------------------------------------------------------------------
// The servers

function streamsService(): Service {
  return createStreamsService({
    catalog: new MemoryStreamCatalog(),
    recordLog: new MemoryRecordLog(systemClock),
    clock: systemClock,
    settings: {
      topicTemplate: parseTopicTemplate(DEFAULT_TOPIC_TEMPLATE),
      iteratorKey: shardIteratorKey(randomBytes(32)),
      creatingDelayMs: 0,
      updatingDelayMs: 0,
      deletingDelayMs: 0,
      shardLimit: 500,
      onDemandShardCount: 4,
    },
  })
}

/** The gateway's listeners (plaintext port, HTTP/1.1) in front of `variant`'s handler of the shared service. */
function startServer(variant: Variant, service: Service): Listeners {
  const logger = createLogger('silent')
  const connections = new ConnectionTracker(
    { maxConnections: DEFAULT_MAX_CONNECTIONS, http2IdleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS },
    logger,
  )
  const gatewayHandler = createRequestHandler({
    aws: {
      dispatcher: createDispatcher([service]),
      callerDefaults: { defaultAccountId: ACCOUNT, defaultRegion: REGION },
      verifySignature: undefined,
      maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
      requestBodyTimeoutMs: DEFAULT_REQUEST_BODY_TIMEOUT_MS,
      logger,
    },
    routes: [],
    connections,
    logger,
  })
  const handler = variant === 'node:http' ? gatewayHandler : expressHandler(gatewayHandler)
  return createListeners(
    handler,
    { host: '127.0.0.1', port: 0, tls: undefined, closeGraceMs: 1_000 },
    connections,
    logger,
  )
}

/**
 * The AWS pipeline as an Express route. The route calls the gateway's own handler, so request ids, the log line
 * and connection tracking cost the same on both sides and only Express's routing and request/response
 * decoration are added.
 */
function expressHandler(gatewayHandler: TransportHandler): TransportHandler {
  const app = express()
  // As the gateway's Express app for operational routes is set up: no X-Powered-By header, no ETag.
  app.disable('x-powered-by')
  app.disable('etag')
  // No body parser: the pipeline reads the request stream itself (size limit, single-chunk fast path), so
  // express.raw() would only buffer the body once more and leave the pipeline an already consumed stream.
  app.post('/', (req, res) => {
    gatewayHandler(req, res)
  })
  return (req, res) => {
    if (req instanceof http.IncomingMessage && res instanceof http.ServerResponse) app(req, res)
  }
}

// ---------------------------------------------------------------------------------------------------------
// Requests

const AUTHORIZATION =
  `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/${REGION}/kinesis/aws4_request, ` +
  `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`

function headersFor(port: number, operation: string, contentLength: number): Record<string, string> {
  return {
    host: `127.0.0.1:${port}`,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `Kinesis_20131202.${operation}`,
    'x-amz-date': '20260101T000000Z',
    authorization: AUTHORIZATION,
    'content-length': String(contentLength),
  }
}

/** A complete HTTP/1.1 request, head and body, ready to be written to a socket. */
function requestMessage(port: number, operation: string, document: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(document))
  const head = Object.entries(headersFor(port, operation, body.length))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return Buffer.concat([Buffer.from(`POST / HTTP/1.1\r\n${head}\r\n`), body])
}

/** One call outside the measurement (setup), through the server under test. */
async function call<T>(port: number, operation: string, document: unknown): Promise<T> {
  const body = JSON.stringify(document)
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: headersFor(port, operation, Buffer.byteLength(body)),
    body,
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${operation}: ${response.status} ${text}`)
  return (text === '' ? {} : JSON.parse(text)) as T
}

async function createActiveStream(port: number, streamName: string): Promise<void> {
  await call(port, 'CreateStream', { StreamName: streamName, ShardCount: 1 })
  for (let attempt = 0; ; attempt++) {
    const { StreamDescriptionSummary: summary } = await call<{
      StreamDescriptionSummary: { StreamStatus: string }
    }>(port, 'DescribeStreamSummary', { StreamName: streamName })
    if (summary.StreamStatus === 'ACTIVE') return
    if (attempt > 100) throw new Error(`${streamName} did not become ACTIVE`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function prefill(port: number): Promise<void> {
  await createActiveStream(port, READ_STREAM)
  for (let written = 0; written < PREFILLED_RECORDS; written += 500) {
    await call(port, 'PutRecords', {
      StreamName: READ_STREAM,
      Records: Array.from({ length: 500 }, () => ({
        PartitionKey: randomBytes(8).toString('hex'),
        Data: randomBytes(RECORD_BYTES).toString('base64'),
      })),
    })
  }
}

const putDocuments = Array.from({ length: PUT_BODIES }, () => ({
  PartitionKey: randomBytes(8).toString('hex'),
  Data: randomBytes(RECORD_BYTES).toString('base64'),
}))

/**
 * The messages of one run, and what to do after it. PutRecord writes to a stream of its own, deleted after the
 * run so that the record log does not grow from run to run; GetRecords reads the first 100 records of the
 * pre-filled shard with one fresh iterator.
 */
async function prepareRun(
  port: number,
  operation: OperationName,
  run: number,
): Promise<{ messages: Uint8Array[]; cleanUp: () => Promise<void> }> {
  if (operation === 'PutRecord') {
    const streamName = `writes-${run}`
    await createActiveStream(port, streamName)
    return {
      messages: putDocuments.map((document) =>
        requestMessage(port, 'PutRecord', { StreamName: streamName, ...document }),
      ),
      cleanUp: async () => {
        await call(port, 'DeleteStream', { StreamName: streamName })
      },
    }
  }
  const { ShardIterator } = await call<{ ShardIterator: string }>(port, 'GetShardIterator', {
    StreamName: READ_STREAM,
    ShardId: 'shardId-000000000000',
    ShardIteratorType: 'TRIM_HORIZON',
  })
  return {
    messages: [requestMessage(port, 'GetRecords', { ShardIterator, Limit: GET_LIMIT })],
    cleanUp: () => Promise.resolve(),
  }
}

// ---------------------------------------------------------------------------------------------------------
// The parent: servers, runs, table

class LoadGenerator {
  private readonly child: ChildProcess

  constructor() {
    this.child = fork(fileURLToPath(import.meta.url), [LOAD_GENERATOR_ARG], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: 'inherit',
    })
  }

  /** Sends an order and waits for the load generator's answer. */
  ask(order: Order): Promise<Report> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => {
        reject(new Error(`the load generator exited (${code})`))
      }
      this.child.once('exit', onExit)
      this.child.once('message', (message) => {
        this.child.off('exit', onExit)
        resolve(message as Report)
      })
      this.child.send(order)
    })
  }

  stop(): void {
    this.child.disconnect()
  }
}

async function measure(
  generator: LoadGenerator,
  port: number,
  operation: OperationName,
  run: number,
  requests: number,
): Promise<Measurement> {
  const { messages, cleanUp } = await prepareRun(port, operation, run)
  await generator.ask({ kind: 'connect', port, connections: CONNECTIONS })
  const cpuBefore = process.cpuUsage()
  const report = await generator.ask({ kind: 'run', requests, messages })
  const cpu = process.cpuUsage(cpuBefore)
  await generator.ask({ kind: 'disconnect' })
  await cleanUp()
  if (report.kind !== 'finished') throw new Error(`unexpected report ${report.kind}`)
  if (report.failures > 0) throw new Error(`${operation}: ${report.failures} requests did not answer 200`)
  return {
    requestsPerSecond: requests / report.seconds,
    p50Ms: report.p50Ms,
    p99Ms: report.p99Ms,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / requests,
  }
}

async function main(): Promise<void> {
  const service = streamsService()
  const servers = VARIANTS.map((variant) => ({ variant, listeners: startServer(variant, service) }))
  const ports = new Map<Variant, number>()
  for (const { variant, listeners } of servers) ports.set(variant, (await listeners.listen()).port)
  const portOf = (variant: Variant): number => ports.get(variant) ?? 0

  const generator = new LoadGenerator()
  const results = new Map<string, Measurement[]>()
  try {
    await prefill(portOf('node:http'))
    let run = 0
    process.stderr.write(`warming up (${WARM_UP_REQUESTS} requests per server and operation)\n`)
    for (const operation of OPERATIONS)
      for (const variant of VARIANTS)
        await measure(generator, portOf(variant), operation, run++, WARM_UP_REQUESTS)
    // The servers take turns within each repetition, so that drift (other load on the machine) hits both.
    for (let repetition = 1; repetition <= REPETITIONS; repetition++) {
      for (const operation of OPERATIONS) {
        for (const variant of VARIANTS) {
          const measurement = await measure(generator, portOf(variant), operation, run++, REQUESTS)
          const key = `${variant} ${operation}`
          results.set(key, [...(results.get(key) ?? []), measurement])
          process.stderr.write(
            `repetition ${repetition}/${REPETITIONS} ${key}: ${format(measurement.requestsPerSecond)} requests/s, ` +
              `${format(measurement.cpuMicrosPerRequest)} µs CPU/request\n`,
          )
        }
      }
    }
  } finally {
    generator.stop()
    await Promise.all(servers.map(({ listeners }) => listeners.close()))
  }

  const rows: string[][] = []
  for (const operation of OPERATIONS) {
    const medians = VARIANTS.map((variant) => {
      const runs = results.get(`${variant} ${operation}`) ?? []
      const of = (pick: (measurement: Measurement) => number): number => median(runs.map(pick))
      return [
        of((m) => m.requestsPerSecond),
        of((m) => m.p50Ms),
        of((m) => m.p99Ms),
        of((m) => m.cpuMicrosPerRequest),
      ]
    })
    const [raw = [], viaExpress = []] = medians
    rows.push([VARIANTS[0] ?? '', operation, ...figures(raw)])
    rows.push([VARIANTS[1] ?? '', operation, ...figures(viaExpress)])
    rows.push([
      'raw / Express',
      operation,
      ...raw.map((value, column) => `${format(value / (viaExpress[column] ?? Number.NaN), 2)}x`),
    ])
  }
  printTable(
    `HTTP layer on the data path: ${format(REQUESTS)} requests x ${REPETITIONS} repetitions, ` +
      `${CONNECTIONS} keep-alive connections, medians (ratio row: raw value / Express value)`,
    ['server', 'operation', 'requests/s', 'p50 ms', 'p99 ms', 'CPU µs/request'],
    rows,
  )
}

function figures([requestsPerSecond = 0, p50Ms = 0, p99Ms = 0, cpuMicros = 0]: readonly number[]): string[] {
  return [format(requestsPerSecond), format(p50Ms, 2), format(p99Ms, 2), format(cpuMicros)]
}

// ---------------------------------------------------------------------------------------------------------
// The load generator (child process): one request in flight per keep-alive connection

/** An HTTP/1.1 client connection that sends pre-encoded requests and reads responses framed by Content-Length. */
class ClientConnection {
  private chunks: Buffer[] = []
  private received = 0
  /** Head and body of the response being read, once its head has arrived. */
  private responseLength: number | undefined
  private status = 0
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk)
    })
    socket.on('error', (error) => {
      this.waiting?.reject(error)
    })
    socket.on('close', () => {
      this.waiting?.reject(new Error('the server closed the connection'))
    })
  }

  static open(port: number): Promise<ClientConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new ClientConnection(socket))
      })
    })
  }

  /** Sends one request; resolves with the response's status once the whole response has arrived. */
  send(message: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
      this.socket.write(message)
    })
  }

  close(): void {
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.received += chunk.length
    if (this.responseLength === undefined) {
      const head = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks)
      this.chunks = [head]
      const headEnd = head.indexOf('\r\n\r\n')
      if (headEnd === -1) return
      const headText = head.toString('latin1', 0, headEnd)
      const contentLength = /\r\ncontent-length: *(\d+)/i.exec(headText)?.[1]
      if (contentLength === undefined) {
        this.fail(new Error(`a response without Content-Length: ${headText}`))
        return
      }
      this.status = Number(headText.slice(9, 12))
      this.responseLength = headEnd + 4 + Number(contentLength)
    }
    if (this.received < this.responseLength) return
    if (this.received > this.responseLength) {
      this.fail(new Error('more bytes than the response announced'))
      return
    }
    const waiting = this.waiting
    this.chunks = []
    this.received = 0
    this.responseLength = undefined
    this.waiting = undefined
    waiting?.resolve(this.status)
  }

  private fail(error: Error): void {
    this.waiting?.reject(error)
    this.socket.destroy()
  }
}

function runLoadGenerator(): void {
  let connections: ClientConnection[] = []
  const reply = (report: Report): void => {
    process.send?.(report)
  }

  process.on('message', (message) => {
    const order = message as Order
    const handle = async (): Promise<void> => {
      switch (order.kind) {
        case 'connect':
          connections = await Promise.all(
            Array.from({ length: order.connections }, () => ClientConnection.open(order.port)),
          )
          reply({ kind: 'connected' })
          return
        case 'run':
          reply(await drive(connections, order.requests, order.messages))
          return
        case 'disconnect':
          for (const connection of connections) connection.close()
          connections = []
          reply({ kind: 'disconnected' })
          return
      }
    }
    handle().catch((error: unknown) => {
      console.error(error)
      process.exit(1)
    })
  })
}

async function drive(
  connections: readonly ClientConnection[],
  requests: number,
  messages: Uint8Array[],
): Promise<Report> {
  const latenciesMs: number[] = []
  let issued = 0
  let failures = 0
  const worker = async (connection: ClientConnection): Promise<void> => {
    while (issued < requests) {
      const message = messages[issued % messages.length] as Uint8Array
      issued++
      const sent = performance.now()
      const status = await connection.send(message)
      latenciesMs.push(performance.now() - sent)
      if (status !== 200) failures++
    }
  }
  const started = performance.now()
  await Promise.all(connections.map(worker))
  const seconds = (performance.now() - started) / 1000
  return {
    kind: 'finished',
    seconds,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    failures,
  }
}

if (process.argv[2] === LOAD_GENERATOR_ARG) {
  runLoadGenerator()
} else {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
