import { createRequire } from 'node:module'

import { decodeFetchResponse, FETCH_RESPONSE_VERSION, type FetchResponse } from './fetch-response.ts'
import { encodeProduceRequest, type ProduceRequestArguments } from './produce-request.ts'

/*
 * Where the one-pass encoder and decoder reach into kafkajs (pinned at 2.2.4): its connections' request queue,
 * on which Produce requests written by the one-pass encoder are sent; and its brokers' fetch responses, read by
 * the one-pass decoder. Its private cluster factory, through which the brokers are found, is in
 * ../kafkajs-cluster.ts.
 */

const PRODUCE_API_KEY = 0
const FETCH_API_KEY = 1
/** The first Produce version whose records are record batches (v2 format), as the one-pass encoder writes. */
const FIRST_RECORD_BATCH_PRODUCE_VERSION = 3

interface ProtocolRequest {
  request: { apiVersion: number; apiName?: string; encode(): Promise<unknown> }
  response: { decode(raw: Buffer): Promise<unknown>; parse(decoded: unknown): Promise<unknown> }
  requestTimeout?: number
}

type RequestLookup = (apiKey: number, definition: unknown) => (request: unknown) => ProtocolRequest

/** A kafkajs connection: one socket to a broker, and the queue matching its responses to requests. */
interface InternalConnection {
  readonly clientId: string
  failIfNotConnected(): void
  nextCorrelationId(): number
  readonly requestQueue: {
    push(request: {
      entry: {
        apiKey: number
        apiName: string
        apiVersion: number
        correlationId: number
        resolve(response: { payload: Buffer }): void
        reject(error: unknown): void
      }
      expectResponse: boolean
      requestTimeout?: number
      sendRequest(): void
    }): void
    maybeThrottle(clientSideThrottleTime: number | null | undefined): void
  }
  readonly socket: { write(bytes: Buffer): boolean }
}

export interface InternalBroker {
  lookupRequest: RequestLookup
  readonly connectionPool?: {
    readonly sasl?: unknown
    getConnectionByRequest(request: { request: { apiKey: number } }): Promise<InternalConnection>
  }
  initProducerId(request: {
    transactionTimeout: number
  }): Promise<{ producerId: string | number; producerEpoch: number }>
  produce(request: ProduceRequestArguments & { compression?: number }): Promise<unknown>
  fetch(request: {
    replicaId?: number
    isolationLevel?: number
    maxWaitTime: number
    minBytes: number
    maxBytes: number
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[]
  }): Promise<FetchResponse>
}

/** The part of a kafkajs cluster (InternalCluster, ../kafkajs-cluster.ts) that finds the broker of a node. */
export interface BrokerFinder {
  findBroker(query: { nodeId: string }): Promise<InternalBroker>
}

/**
 * Makes the brokers of `cluster` read Fetch responses with the one-pass decoder; kafkajs's own check of the
 * response's error codes still runs on the result.
 */
export function decodeFetchesInOnePass(cluster: BrokerFinder): void {
  interceptFetches(cluster, (built) => {
    if (built.request.apiVersion !== FETCH_RESPONSE_VERSION) {
      throw new Error(
        `the broker offers Fetch version ${built.request.apiVersion}; version ${FETCH_RESPONSE_VERSION} (Kafka 2.3 or later) is required`,
      )
    }
    return { ...built, response: { ...built.response, decode: decodeFetchResponse } }
  })
}

type RequestTransform = (built: ProtocolRequest) => ProtocolRequest

/**
 * Lets `transform` change the Fetch request that the brokers' fetch builds. kafkajs's broker methods look their
 * request up before their first await, so the lookup is swapped for the duration of that call only.
 */
function interceptFetches(cluster: BrokerFinder, transform: RequestTransform): void {
  const intercepted = new WeakSet<InternalBroker>()
  const findBroker = cluster.findBroker.bind(cluster)
  cluster.findBroker = async (query) => {
    const broker = await findBroker(query)
    if (!intercepted.has(broker)) {
      intercepted.add(broker)
      const original = broker.fetch.bind(broker) as (request: unknown) => Promise<unknown>
      const replacement = (request: unknown): Promise<unknown> => {
        const lookup = broker.lookupRequest
        broker.lookupRequest = (key, definition) => {
          const build = lookup(key, definition)
          return key === FETCH_API_KEY ? (argument) => transform(build(argument)) : build
        }
        try {
          return original(request)
        } finally {
          broker.lookupRequest = lookup
        }
      }
      Reflect.set(broker, 'fetch', replacement)
    }
    return broker
  }
}

const require = createRequire(import.meta.url)
/** kafkajs's definition of the Produce request's versions, which its brokers' request lookup takes. */
const PRODUCE_DEFINITION: unknown = (
  require('kafkajs/src/protocol/requests') as { requests: { Produce: unknown } }
).requests.Produce

/** Request header v1 (every Produce version kafkajs speaks): api key, api version, correlation id, client id. */
function requestHeaderBytes(clientId: string): number {
  return 4 + 2 + 2 + 4 + 2 + Buffer.byteLength(clientId, 'utf8')
}

/**
 * Sends a Produce request on `broker`'s connection as one buffer: the frame and header written into the space
 * the one-pass encoder leaves before the body. A request sent through kafkajs's own framing is copied twice
 * more, each time into a new zero-filled buffer of twice its size (about 1 µs per 1 KiB record). kafkajs still
 * matches the response to the request (its request queue, timeouts, a closed connection failing what is in
 * flight), decodes it and reports the partitions' errors. The gateway always asks for acknowledgements and
 * connects without SASL (kafkajs authenticates in its own send, which this path does not go through).
 */
export async function sendProduceRequest(
  broker: InternalBroker,
  request: ProduceRequestArguments,
): Promise<unknown> {
  const protocol = broker.lookupRequest(PRODUCE_API_KEY, PRODUCE_DEFINITION)(request)
  const { apiVersion, apiName = 'Produce' } = protocol.request
  if (apiVersion < FIRST_RECORD_BATCH_PRODUCE_VERSION) {
    throw new Error(
      `the broker offers Produce version ${apiVersion}; version ${FIRST_RECORD_BATCH_PRODUCE_VERSION} or later (Kafka 0.11 or later) is required`,
    )
  }
  const pool = broker.connectionPool
  if (pool === undefined) throw new Error('this kafkajs version has no connection pool on its brokers')
  if (request.acks === 0 || (pool.sasl !== undefined && pool.sasl !== null)) {
    throw new Error('Produce requests are sent with acknowledgements and without SASL')
  }

  const connection = await pool.getConnectionByRequest({ request: { apiKey: PRODUCE_API_KEY } })
  connection.failIfNotConnected()
  const { clientId } = connection
  const frame = encodeProduceRequest(request, Date.now(), requestHeaderBytes(clientId))
  const correlationId = connection.nextCorrelationId()
  let at = frame.writeInt32BE(frame.length - 4, 0)
  at = frame.writeInt16BE(PRODUCE_API_KEY, at)
  at = frame.writeInt16BE(apiVersion, at)
  at = frame.writeInt32BE(correlationId, at)
  at = frame.writeInt16BE(Buffer.byteLength(clientId, 'utf8'), at)
  frame.write(clientId, at, 'utf8')

  const { payload } = await new Promise<{ payload: Buffer }>((resolve, reject) => {
    connection.requestQueue.push({
      entry: { apiKey: PRODUCE_API_KEY, apiName, apiVersion, correlationId, resolve, reject },
      expectResponse: true,
      ...(protocol.requestTimeout === undefined ? {} : { requestTimeout: protocol.requestTimeout }),
      sendRequest: () => {
        connection.socket.write(frame)
      },
    })
  })
  const decoded = (await protocol.response.decode(payload)) as { clientSideThrottleTime?: number }
  connection.requestQueue.maybeThrottle(decoded.clientSideThrottleTime)
  return protocol.response.parse(decoded)
}
