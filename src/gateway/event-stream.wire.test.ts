import http from 'node:http'
import http2 from 'node:http2'
import {
  KinesisClient,
  SubscribeToShardCommand,
  type SubscribeToShardCommandOutput,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { GatewaySettings } from './settings.ts'
import {
  AwsError,
  defineService,
  eventStream,
  type EventStreamOutput,
  type Operation,
  type StreamEvent,
} from '../aws/index.ts'
import { createLogger } from './logger.ts'
import { decodeCbor } from './protocol/cbor-reader.ts'
import { encodeCbor } from './protocol/cbor-writer.ts'
import { structure } from '../../test/support/shapes.ts'
import { createGatewayServer, type GatewayServer } from './server.ts'
import { decodeEventStream } from '../../test/support/event-stream-frames.ts'

/** A service error as a Kinesis operation would throw it. */
const ResourceInUseException = (message: string): AwsError =>
  new AwsError('ResourceInUseException', message, 400)

/** SubscribeToShard's event stream: Kinesis names internal failures InternalFailureException. */
const kinesisEventStream = (initial: object, events: AsyncIterable<StreamEvent>) =>
  eventStream(initial, events, { internalFailureException: 'InternalFailureException' })
const TEST_SETTINGS: GatewaySettings = {
  port: 0,
  host: '127.0.0.1',
  tls: undefined,
  defaultAccountId: '000000000000',
  defaultRegion: 'us-east-1',
}

const CONSUMER_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/s/consumer/c:1700000000'
const SUBSCRIBE_INPUT = {
  ConsumerARN: CONSUMER_ARN,
  ShardId: 'shardId-000000000000',
  StartingPosition: { Type: 'TRIM_HORIZON' as const },
}
const ARRIVAL = 1700000000000

function subscribeToShardEvent(
  sequence: number,
  data: Buffer = Buffer.from(`record ${sequence}`),
): StreamEvent {
  return {
    type: 'event',
    eventType: 'SubscribeToShardEvent',
    payload: {
      Records: [
        {
          SequenceNumber: String(sequence),
          ApproximateArrivalTimestamp: new Date(ARRIVAL + sequence),
          Data: data,
          PartitionKey: 'pk',
        },
      ],
      ContinuationSequenceNumber: String(sequence),
      MillisBehindLatest: 0,
      ChildShards: [],
    },
  }
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async generator, as streaming operations write them
async function* fromList(events: readonly StreamEvent[], thenThrow?: Error): AsyncGenerator<StreamEvent> {
  yield* events
  if (thenThrow !== undefined) throw thenThrow
}

/** An endless, fast event source that counts how many events were pulled from it and notes when it is stopped. */
function endlessSource(recordBytes: number) {
  let pulled = 0
  let resolveStopped: () => void = () => undefined
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve))
  // eslint-disable-next-line @typescript-eslint/require-await -- never waits: as fast as it is pulled
  async function* generate(): AsyncGenerator<StreamEvent> {
    try {
      for (let sequence = 0; ; sequence++) {
        pulled += 1
        yield subscribeToShardEvent(sequence, Buffer.alloc(recordBytes, sequence % 256))
      }
    } finally {
      resolveStopped()
    }
  }
  return { events: generate(), pulled: () => pulled, stopped }
}

type Scenario = (input: Record<string, unknown>) => Promise<EventStreamOutput>

const threeEvents: Scenario = () =>
  Promise.resolve(kinesisEventStream({}, fromList([0, 1, 2].map((n) => subscribeToShardEvent(n)))))

/** A test fake of Kinesis's SubscribeToShard: each test sets the scenario it plays. */
function createFakeSubscribeToShard() {
  let scenario = threeEvents
  const fakeSubscribeToShard: Operation = {
    name: 'SubscribeToShard',
    input: structure({
      ConsumerARN: 'string',
      ShardId: 'string',
      StartingPosition: structure({ Type: 'string', SequenceNumber: 'string', Timestamp: 'timestamp' }),
    }),
    handle: (input) => scenario(input as Record<string, unknown>),
  }
  return {
    service: defineService({
      name: 'Kinesis_20131202',
      signingName: 'kinesis',
      protocols: ['aws-json-1.1', 'aws-cbor-1.1'],
      operations: [fakeSubscribeToShard],
    }),
    play(next: Scenario) {
      scenario = next
    },
    reset() {
      scenario = threeEvents
    },
  }
}

function kinesisClient(url: string): KinesisClient {
  return new KinesisClient({
    endpoint: url,
    region: 'eu-west-1',
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
  })
}

interface StreamedResponse {
  status: number
  headers: Record<string, unknown>
  body: Buffer
}

function readHttp2(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body: Buffer | string,
): Promise<StreamedResponse> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': '/', ...headers })
    const chunks: Buffer[] = []
    let status = 0
    let responseHeaders: Record<string, unknown> = {}
    stream.on('response', (received) => {
      status = Number(received[':status'])
      responseHeaders = received
    })
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => {
      resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks) })
    })
    stream.on('error', reject)
    stream.end(body)
  })
}

/** A one-shot signal between a test and its fake. */
function latch(): { open: () => void; opened: Promise<void> } {
  let open: () => void = () => undefined
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Reads an SDK event stream one event at a time, as a reader that takes its time does. */
function eventReader(output: SubscribeToShardCommandOutput): () => Promise<SubscribeToShardEventStream> {
  if (output.EventStream === undefined) throw new Error('The output has no event stream')
  const events = output.EventStream[Symbol.asyncIterator]()
  return async () => {
    const next = await events.next()
    if (next.done === true) throw new Error('The event stream ended')
    return next.value
  }
}

async function collectUntilError(
  output: SubscribeToShardCommandOutput,
): Promise<{ received: SubscribeToShardEventStream[]; error: unknown }> {
  const received: SubscribeToShardEventStream[] = []
  try {
    for await (const event of output.EventStream ?? []) received.push(event)
  } catch (error) {
    return { received, error }
  }
  return { received, error: undefined }
}

describe('event streams on the wire (SubscribeToShard)', () => {
  let gateway: GatewayServer
  let url: string
  const lines: string[] = []
  const fake = createFakeSubscribeToShard()
  const logs = (): Record<string, unknown>[] =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  const requestLine = (requestId: string | undefined) =>
    logs().find((entry) => entry.msg === 'request' && entry.requestId === requestId)

  beforeAll(async () => {
    gateway = createGatewayServer({
      settings: TEST_SETTINGS,
      services: [fake.service],
      healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
      logger: createLogger('info', (line) => lines.push(line)),
    })
    url = `http://127.0.0.1:${(await gateway.listen()).port}`
  })

  afterEach(() => {
    fake.reset()
  })

  afterAll(async () => {
    await gateway.close()
  })

  describe('with the AWS SDK for JavaScript over HTTP/2', () => {
    it('delivers the events decoded: blobs as Uint8Array, timestamps as Date', async () => {
      const client = kinesisClient(url)
      try {
        const output = await client.send(new SubscribeToShardCommand(SUBSCRIBE_INPUT))
        expect(output.$metadata.httpStatusCode).toBe(200)
        const { received, error } = await collectUntilError(output)
        expect(error).toBeUndefined()

        expect(received).toHaveLength(3)
        const first = received[0]?.SubscribeToShardEvent
        expect(first?.ContinuationSequenceNumber).toBe('0')
        expect(first?.MillisBehindLatest).toBe(0)
        expect(first?.ChildShards).toEqual([])
        const record = received[2]?.SubscribeToShardEvent?.Records?.[0]
        expect(record?.Data).toBeInstanceOf(Uint8Array)
        expect(Buffer.from(record?.Data ?? []).toString()).toBe('record 2')
        expect(record?.ApproximateArrivalTimestamp).toEqual(new Date(ARRIVAL + 2))
        expect(record?.SequenceNumber).toBe('2')

        await vi.waitFor(() => {
          expect(requestLine(output.$metadata.requestId)).toMatchObject({
            httpVersion: '2.0',
            target: 'Kinesis_20131202.SubscribeToShard',
            status: 200,
            events: 3,
          })
        })
        expect(typeof requestLine(output.$metadata.requestId)?.latencyMs).toBe('number')
      } finally {
        client.destroy()
      }
    })

    it('surfaces an exception event as the modeled error while iterating', async () => {
      fake.play(() =>
        Promise.resolve(
          kinesisEventStream(
            {},
            fromList([
              subscribeToShardEvent(0),
              subscribeToShardEvent(1),
              {
                type: 'exception',
                exceptionType: 'ResourceInUseException',
                message: 'Another active subscription exists for this consumer.',
              },
              subscribeToShardEvent(2),
            ]),
          ),
        ),
      )
      const client = kinesisClient(url)
      try {
        const output = await client.send(new SubscribeToShardCommand(SUBSCRIBE_INPUT))
        const { received, error } = await collectUntilError(output)
        expect(received).toHaveLength(2)
        expect(error).toMatchObject({
          name: 'ResourceInUseException',
          message: 'Another active subscription exists for this consumer.',
        })
        await vi.waitFor(() => {
          expect(requestLine(output.$metadata.requestId)).toMatchObject({
            status: 200,
            events: 2,
            errorType: 'ResourceInUseException',
          })
        })
      } finally {
        client.destroy()
      }
    })

    it('turns an error thrown by the events into InternalFailureException, logged, without details', async () => {
      fake.play(() =>
        Promise.resolve(
          kinesisEventStream(
            {},
            fromList([subscribeToShardEvent(0)], new Error('broker lost, internal details')),
          ),
        ),
      )
      const client = kinesisClient(url)
      try {
        const output = await client.send(new SubscribeToShardCommand(SUBSCRIBE_INPUT))
        const { received, error } = await collectUntilError(output)
        expect(received).toHaveLength(1)
        expect(error).toMatchObject({ name: 'InternalFailureException' })
        expect((error as Error).message).not.toContain('internal details')
        expect(logs().find((entry) => entry.msg === 'event stream failed')).toMatchObject({
          requestId: output.$metadata.requestId,
          error: 'broker lost, internal details',
        })
      } finally {
        client.destroy()
      }
    })

    it('sends an AwsError thrown by the events with its type and message', async () => {
      fake.play(() =>
        Promise.resolve(
          kinesisEventStream({}, fromList([], ResourceInUseException('The consumer is being deleted.'))),
        ),
      )
      const client = kinesisClient(url)
      try {
        const output = await client.send(new SubscribeToShardCommand(SUBSCRIBE_INPUT))
        const { received, error } = await collectUntilError(output)
        expect(received).toEqual([])
        expect(error).toMatchObject({
          name: 'ResourceInUseException',
          message: 'The consumer is being deleted.',
        })
      } finally {
        client.destroy()
      }
    })

    it('answers an error thrown before the stream as an ordinary error response', async () => {
      fake.play(() => Promise.reject(ResourceInUseException('Consumer c is not ACTIVE.')))
      const client = kinesisClient(url)
      try {
        const error = (await client
          .send(new SubscribeToShardCommand(SUBSCRIBE_INPUT))
          .catch((e: unknown) => e)) as {
          name: string
          message: string
          $metadata: { httpStatusCode: number }
        }
        expect(error.name).toBe('ResourceInUseException')
        expect(error.message).toBe('Consumer c is not ACTIVE.')
        expect(error.$metadata.httpStatusCode).toBe(400)
      } finally {
        client.destroy()
      }
    })

    it('pulls events only as fast as a paused reader lets it, and stops them when the client goes away', async () => {
      const source = endlessSource(8 * 1024)
      fake.play(() => Promise.resolve(kinesisEventStream({}, source.events)))
      const client = kinesisClient(url)
      const subscription = new AbortController()
      try {
        const output = await client.send(new SubscribeToShardCommand(SUBSCRIBE_INPUT), {
          abortSignal: subscription.signal,
        })
        const nextEvent = eventReader(output)
        expect((await nextEvent()).SubscribeToShardEvent?.ContinuationSequenceNumber).toBe('0')

        // The reader pauses: the source is held back by HTTP/2 flow control.
        await sleep(300)
        const pulledWhilePaused = source.pulled()
        await sleep(300)
        expect(source.pulled()).toBe(pulledWhilePaused)
        expect(pulledWhilePaused).toBeLessThan(64)

        // It reads on, and the source follows.
        for (let sequence = 1; sequence <= 100; sequence++) {
          const event = await nextEvent()
          expect(event.SubscribeToShardEvent?.ContinuationSequenceNumber).toBe(String(sequence))
        }
        expect(source.pulled()).toBeGreaterThan(100)

        // The reader cancels the call: the SDK resets the HTTP/2 stream and the gateway stops the source.
        subscription.abort()
        await source.stopped
      } finally {
        client.destroy()
      }
    })
  })

  describe('raw requests', () => {
    it('answers a CBOR request with CBOR payloads inside the event frames', async () => {
      const session = http2.connect(url)
      try {
        const response = await readHttp2(
          session,
          {
            'content-type': 'application/x-amz-cbor-1.1',
            'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
          },
          encodeCbor(SUBSCRIBE_INPUT),
        )
        expect(response.status).toBe(200)
        expect(response.headers['content-type']).toBe('application/vnd.amazon.eventstream')
        expect(response.headers['x-amzn-requestid']).toEqual(expect.any(String))

        const messages = decodeEventStream(response.body)
        expect(messages.map((message) => message.headers)).toEqual([
          {
            ':message-type': 'event',
            ':event-type': 'initial-response',
            ':content-type': 'application/x-amz-cbor-1.1',
          },
          ...[0, 1, 2].map(() => ({
            ':message-type': 'event',
            ':event-type': 'SubscribeToShardEvent',
            ':content-type': 'application/x-amz-cbor-1.1',
          })),
        ])
        expect(decodeCbor(messages[0]?.payload ?? Buffer.alloc(0))).toEqual({})
        const event = messages[1]
        // Tag 1 holding epoch milliseconds (1700000000000), as AWS CBOR 1.1 writes timestamps.
        expect(event?.payload.toString('hex')).toContain('c11b0000018bcfe56800')
        const payload = decodeCbor(event?.payload ?? Buffer.alloc(0)) as {
          Records: { Data: unknown; ApproximateArrivalTimestamp: unknown }[]
          ContinuationSequenceNumber: string
        }
        expect(payload.Records[0]?.Data).toBeInstanceOf(Uint8Array)
        expect(Buffer.from(payload.Records[0]?.Data as Uint8Array).toString()).toBe('record 0')
        expect(payload.Records[0]?.ApproximateArrivalTimestamp).toEqual(new Date(ARRIVAL))
        expect(payload.ContinuationSequenceNumber).toBe('0')
      } finally {
        session.close()
      }
    })

    it('streams over HTTP/1.1 with chunked encoding', async () => {
      const response = await new Promise<StreamedResponse>((resolve, reject) => {
        const request = http.request(
          url,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
            },
          },
          (incoming) => {
            const chunks: Buffer[] = []
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
            incoming.on('end', () => {
              resolve({
                status: incoming.statusCode ?? 0,
                headers: incoming.headers,
                body: Buffer.concat(chunks),
              })
            })
          },
        )
        request.on('error', reject)
        request.end(JSON.stringify(SUBSCRIBE_INPUT))
      })
      expect(response.status).toBe(200)
      expect(response.headers['transfer-encoding']).toBe('chunked')
      expect(response.headers['content-type']).toBe('application/vnd.amazon.eventstream')
      const messages = decodeEventStream(response.body)
      expect(messages.map((message) => message.headers[':event-type'])).toEqual([
        'initial-response',
        'SubscribeToShardEvent',
        'SubscribeToShardEvent',
        'SubscribeToShardEvent',
      ])
      expect(JSON.parse(messages[3]?.payload.toString() ?? '')).toMatchObject({
        Records: [
          { Data: Buffer.from('record 2').toString('base64'), ApproximateArrivalTimestamp: 1700000000.002 },
        ],
      })
    })

    it('stops the events when an HTTP/2 client cancels its stream', async () => {
      const source = endlessSource(1024)
      fake.play(() => Promise.resolve(kinesisEventStream({}, source.events)))
      const session = http2.connect(url)
      session.on('error', () => undefined)
      try {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
        })
        stream.on('error', () => undefined)
        stream.end(JSON.stringify(SUBSCRIBE_INPUT))
        await new Promise((resolve) => stream.once('data', resolve))
        stream.close(http2.constants.NGHTTP2_CANCEL)
        await source.stopped

        // The session is still usable for the next call.
        fake.reset()
        const next = await readHttp2(
          session,
          {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
          },
          JSON.stringify(SUBSCRIBE_INPUT),
        )
        expect(decodeEventStream(next.body)).toHaveLength(4)
      } finally {
        session.close()
      }
      await vi.waitFor(() => {
        expect(logs().some((entry) => entry.aborted === true && entry.httpVersion === '2.0')).toBe(true)
      })
    })

    it('stops the events of a client that went away before the operation returned them', async () => {
      let returnStream: () => void = () => undefined
      let pulled = 0
      const stopped = latch()
      const events: AsyncIterableIterator<StreamEvent> = {
        [Symbol.asyncIterator]: () => events,
        next: () => {
          pulled += 1
          return Promise.resolve({ done: false, value: subscribeToShardEvent(pulled) })
        },
        return: () => {
          stopped.open()
          return Promise.resolve({ done: true, value: undefined })
        },
      }
      const handled = latch()
      fake.play(
        () =>
          new Promise((resolve) => {
            handled.open()
            returnStream = () => {
              resolve(kinesisEventStream({}, events))
            }
          }),
      )
      const session = http2.connect(url)
      session.on('error', () => undefined)
      const stream = session.request({
        ':method': 'POST',
        ':path': '/',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
      })
      stream.on('error', () => undefined)
      stream.end(JSON.stringify(SUBSCRIBE_INPUT))
      await handled.opened
      session.destroy()
      await sleep(20)

      returnStream()
      await stopped.opened
      expect(pulled).toBe(0)
    })

    it('stops the events when an HTTP/1.1 client goes away', async () => {
      const source = endlessSource(1024)
      fake.play(() => Promise.resolve(kinesisEventStream({}, source.events)))
      const request = http.request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
        },
      })
      request.on('error', () => undefined)
      request.on('response', (incoming) => {
        incoming.once('data', () => request.destroy())
      })
      request.end(JSON.stringify(SUBSCRIBE_INPUT))
      await source.stopped
    })

    it('holds back the events of an HTTP/1.1 client that does not read', async () => {
      const source = endlessSource(8 * 1024)
      fake.play(() => Promise.resolve(kinesisEventStream({}, source.events)))
      const request = http.request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
        },
      })
      request.on('error', () => undefined)
      request.on('response', (incoming) => incoming.pause())
      request.end(JSON.stringify(SUBSCRIBE_INPUT))
      try {
        await vi.waitFor(() => {
          expect(source.pulled()).toBeGreaterThan(0)
        })
        await sleep(300)
        const pulledWhilePaused = source.pulled()
        await sleep(300)
        expect(source.pulled()).toBe(pulledWhilePaused)
      } finally {
        request.destroy()
      }
      await source.stopped
    })
  })
})
