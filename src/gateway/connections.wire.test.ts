import http2 from 'node:http2'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { defineService, EMPTY_INPUT } from '../aws/index.ts'
import { createLogger } from './logger.ts'
import { createGatewayServer, type GatewayServer } from './server.ts'
import type { GatewaySettings } from './settings.ts'

// The connection layer driven with raw sockets and node:http2 clients on loopback, with short limits set here.

interface Running {
  gateway: GatewayServer
  port: number
  logs: () => Record<string, unknown>[]
  /** Answers the DescribeStreamSummary calls waiting so far. */
  release: () => void
}

const running: Running[] = []

afterEach(async () => {
  for (const t of running.splice(0)) {
    t.release()
    await t.gateway.close()
  }
})

async function startGateway(limits: Partial<GatewaySettings>): Promise<Running> {
  const lines: string[] = []
  const waiting: (() => void)[] = []
  const service = defineService({
    name: 'Kinesis_20131202',
    signingName: 'kinesis',
    protocols: ['aws-json-1.1'],
    operations: [
      {
        name: 'DescribeLimits',
        input: EMPTY_INPUT,
        handle: () => Promise.resolve({ ShardLimit: 1 }),
      },
      {
        name: 'DescribeStreamSummary',
        input: EMPTY_INPUT,
        handle: () =>
          new Promise((resolve) => {
            waiting.push(() => {
              resolve({ StreamDescriptionSummary: {} })
            })
          }),
      },
    ],
  })
  const gateway = createGatewayServer({
    settings: {
      port: 0,
      host: '127.0.0.1',
      defaultAccountId: '000000000000',
      defaultRegion: 'us-east-1',
      ...limits,
    },
    services: [service],
    healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
    logger: createLogger('info', (line) => lines.push(line)),
    closeGraceMs: 5_000,
  })
  const { port } = await gateway.listen()
  const t: Running = {
    gateway,
    port,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    release: () => {
      for (const answer of waiting.splice(0)) answer()
    },
  }
  running.push(t)
  return t
}

/** A raw TCP connection that records what it receives and when it closes. */
interface RawConnection {
  socket: net.Socket
  received: () => Buffer
  /** Resolves true once the server closed the connection, false if it is still open after `ms`. */
  closedWithin: (ms: number) => Promise<boolean>
}

function connect(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let closed = false
    const closeWaiters: (() => void)[] = []
    const socket = net.connect(port, '127.0.0.1', () => {
      resolve({
        socket,
        received: () => Buffer.concat(chunks),
        closedWithin: (ms) =>
          new Promise((done) => {
            if (closed) {
              done(true)
              return
            }
            const timer = setTimeout(() => {
              done(false)
            }, ms)
            closeWaiters.push(() => {
              clearTimeout(timer)
              done(true)
            })
          }),
      })
    })
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      closed = true
      for (const waiter of closeWaiters.splice(0)) waiter()
    })
    socket.once('error', reject)
  })
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')

function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9)
  header.writeUIntBE(payload.length, 0, 3)
  header[3] = type
  header[4] = flags
  header.writeUInt32BE(streamId, 5)
  return Buffer.concat([header, payload])
}

const EMPTY_SETTINGS = frame(0x4, 0, 0)
const GOAWAY = 0x7
const FRAME_SIZE_ERROR = 0x6

/** The frames in what a server sent (a client preface is not expected here). */
function framesOf(bytes: Buffer): { type: number; streamId: number; payload: Buffer }[] {
  const frames = []
  let offset = 0
  while (offset + 9 <= bytes.length) {
    const length = bytes.readUIntBE(offset, 3)
    const type = bytes[offset + 3] as number
    const streamId = bytes.readUInt32BE(offset + 5) & 0x7fffffff
    frames.push({ type, streamId, payload: bytes.subarray(offset + 9, offset + 9 + length) })
    offset += 9 + length
  }
  return frames
}

function goawayErrorCode(bytes: Buffer): number | undefined {
  const goaway = framesOf(bytes).find((received) => received.type === GOAWAY)
  return goaway?.payload.readUInt32BE(4)
}

/** A string for HPACK: length (7-bit prefix, no Huffman) and bytes. */
function hpackString(text: string): Buffer {
  if (text.length > 126) throw new Error('short strings only')
  return Buffer.concat([Buffer.from([text.length]), Buffer.from(text)])
}

/** HEADERS (END_HEADERS) of a JSON 1.1 POST on stream 1, encoded with HPACK literals and the static table. */
function postHeaders(target: string): Buffer {
  const block = Buffer.concat([
    Buffer.from([0x83, 0x86, 0x84]), // :method POST, :scheme http, :path /
    Buffer.from([0x01]), // :authority, literal without indexing
    hpackString('localhost'),
    Buffer.from([0x0f, 0x10]), // content-type (static index 31), literal without indexing
    hpackString('application/x-amz-json-1.1'),
    Buffer.from([0x00]), // a new name, literal without indexing
    hpackString('x-amz-target'),
    hpackString(target),
  ])
  return frame(0x1, 0x4, 1, block)
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('HTTP/2 connections', () => {
  it('closes a session left idle: GOAWAY, then the socket', async () => {
    const t = await startGateway({ http2IdleTimeoutMs: 200 })
    const connection = await connect(t.port)
    connection.socket.write(Buffer.concat([PREFACE, EMPTY_SETTINGS]))

    expect(await connection.closedWithin(3_000)).toBe(true)
    expect(goawayErrorCode(connection.received())).toBe(0)
  })

  it('closes a session idle after its requests, not one with a request in flight', async () => {
    const t = await startGateway({ http2IdleTimeoutMs: 300 })
    const session = http2.connect(`http://127.0.0.1:${String(t.port)}`)
    session.on('error', () => undefined)
    let goaway = false
    session.on('goaway', () => {
      goaway = true
    })
    const request = (target: string) =>
      new Promise<number>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': target,
        })
        let status = 0
        stream.on('response', (headers) => {
          status = Number(headers[':status'])
        })
        stream.on('error', reject)
        stream.resume()
        stream.on('end', () => {
          resolve(status)
        })
        stream.end('{}')
      })

    const slow = request('Kinesis_20131202.DescribeStreamSummary')
    await sleep(800)
    expect(goaway).toBe(false)
    t.release()
    expect(await slow).toBe(200)

    await sleep(800)
    expect(goaway).toBe(true)
    session.destroy()
  })

  it('closes the socket after the GOAWAY that answers a protocol error', async () => {
    const t = await startGateway({ http2IdleTimeoutMs: 300 })
    const connection = await connect(t.port)
    // A frame header announcing 16 MiB, over the 16 KiB maximum frame size.
    const oversized = Buffer.from([0xff, 0xff, 0xff, 0x0, 0x0, 0x0, 0x0, 0x0, 0x1])
    connection.socket.write(Buffer.concat([PREFACE, EMPTY_SETTINGS, oversized]))

    expect(await connection.closedWithin(3_000)).toBe(true)
    expect(goawayErrorCode(connection.received())).toBe(FRAME_SIZE_ERROR)
  })

  it('on close, sends GOAWAY, lets the stream in flight finish, then closes the socket', async () => {
    const t = await startGateway({})
    const connection = await connect(t.port)
    connection.socket.write(
      Buffer.concat([
        PREFACE,
        EMPTY_SETTINGS,
        postHeaders('Kinesis_20131202.DescribeStreamSummary'),
        frame(0x0, 0x1, 1, Buffer.from('{}')), // DATA, END_STREAM
      ]),
    )
    await sleep(100)

    const closed = t.gateway.close()
    await sleep(100)
    expect(framesOf(connection.received()).some((received) => received.type === GOAWAY)).toBe(true)
    expect(await connection.closedWithin(200)).toBe(false)

    t.release()
    expect(await connection.closedWithin(3_000)).toBe(true)
    const response = framesOf(connection.received()).filter((received) => received.streamId === 1)
    expect(response.map((received) => received.type)).toContain(0x1)
    await closed
  })
})

describe('request bodies that never complete', () => {
  it('answers 408 over HTTP/1.1 and closes the connection', async () => {
    const t = await startGateway({ requestBodyTimeoutMs: 200 })
    const connection = await connect(t.port)
    connection.socket.write(
      'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n' +
        'X-Amz-Target: Kinesis_20131202.DescribeLimits\r\nContent-Length: 100\r\n\r\n{"Stream',
    )

    expect(await connection.closedWithin(3_000)).toBe(true)
    expect(connection.received().toString()).toMatch(/^HTTP\/1\.1 408 /)
    const logged = t.logs().find((entry) => entry.msg === 'request')
    expect(logged).toMatchObject({ status: 408, errorType: 'RequestTimeout' })
  })

  it('answers 408 over HTTP/2 and closes the stream, keeping the session', async () => {
    const t = await startGateway({ requestBodyTimeoutMs: 200 })
    const session = http2.connect(`http://127.0.0.1:${String(t.port)}`)
    session.on('error', () => undefined)
    try {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.DescribeLimits',
      })
      stream.on('error', () => undefined)
      stream.write('{"Stream')
      const status = await new Promise<number>((resolve) => {
        stream.on('response', (headers) => {
          resolve(Number(headers[':status']))
        })
      })
      expect(status).toBe(408)
      await new Promise((resolve) => stream.on('close', resolve))

      const health = session.request({ ':method': 'GET', ':path': '/health' })
      const healthStatus = await new Promise<number>((resolve) => {
        health.on('response', (headers) => {
          resolve(Number(headers[':status']))
        })
      })
      health.resume()
      expect(healthStatus).toBe(200)
    } finally {
      session.destroy()
    }
  })
})

describe('the connection limit', () => {
  it('refuses connections beyond it, with one log line, and accepts again below it', async () => {
    const t = await startGateway({ maxConnections: 3 })
    const held = await Promise.all([connect(t.port), connect(t.port), connect(t.port)])
    await sleep(50)

    const refused = await Promise.all(Array.from({ length: 10 }, () => connect(t.port)))
    for (const connection of refused) expect(await connection.closedWithin(2_000)).toBe(true)
    for (const connection of held) expect(await connection.closedWithin(0)).toBe(false)
    const limitLines = t
      .logs()
      .filter((entry) => entry.msg === 'connection limit reached: refusing new connections')
    expect(limitLines).toEqual([expect.objectContaining({ level: 'warn', maxConnections: 3 })])

    for (const connection of held) connection.socket.destroy()
    await sleep(100)
    const response = await fetch(`http://127.0.0.1:${String(t.port)}/health`)
    expect(response.status).toBe(200)
    expect(t.logs().find((entry) => entry.msg === 'accepting connections again')).toMatchObject({
      refused: 10,
    })
  })
})
