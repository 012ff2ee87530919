import http2 from 'node:http2'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewaySettings } from './settings.ts'
import { createLogger } from './logger.ts'
import { createGatewayServer, type GatewayServer } from './server.ts'
import { detectProtocol, HTTP2_PREFACE } from './sniff.ts'

describe('detectProtocol', () => {
  it('recognizes the complete HTTP/2 preface', () => {
    expect(detectProtocol(HTTP2_PREFACE)).toBe('http2')
    expect(detectProtocol(Buffer.concat([HTTP2_PREFACE, Buffer.from([0, 0, 0, 4])]))).toBe('http2')
  })

  it('waits while the bytes so far are a prefix of the preface', () => {
    expect(detectProtocol(Buffer.alloc(0))).toBeUndefined()
    expect(detectProtocol(Buffer.from('P'))).toBeUndefined()
    expect(detectProtocol(HTTP2_PREFACE.subarray(0, 23))).toBeUndefined()
  })

  it('takes anything else for HTTP/1.1 as soon as a byte differs', () => {
    expect(detectProtocol(Buffer.from('G'))).toBe('http1')
    expect(detectProtocol(Buffer.from('POST / HTTP/1.1\r\n'))).toBe('http1')
    expect(detectProtocol(Buffer.from('PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n'))).toBe('http1')
  })
})

/** Forwards connections to the gateway, delivering the client's first bytes in small, delayed pieces. */
async function startTricklingProxy(
  targetPort: number,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const proxy = net.createServer((client) => {
    const upstream = net.connect({ port: targetPort, host: '127.0.0.1', noDelay: true })
    sockets.add(client).add(upstream)
    upstream.pipe(client)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    let first = true
    client.on('data', (chunk: Buffer) => {
      if (!first) {
        upstream.write(chunk)
        return
      }
      first = false
      client.pause()
      const pieces = [chunk.subarray(0, 3), chunk.subarray(3, 16), chunk.subarray(16)]
      const sendNext = (): void => {
        const piece = pieces.shift()
        if (piece === undefined) {
          client.resume()
          return
        }
        upstream.write(piece)
        setTimeout(sendNext, 15)
      }
      sendNext()
    })
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const address = proxy.address() as net.AddressInfo
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        proxy.close(() => {
          resolve()
        })
      }),
  }
}

describe('protocol sniffing on the plaintext port', () => {
  let gateway: GatewayServer
  let proxy: { port: number; close: () => Promise<void> }

  beforeAll(async () => {
    const settings: GatewaySettings = {
      port: 0,
      host: '127.0.0.1',
      tls: undefined,
      defaultAccountId: '000000000000',
      defaultRegion: 'us-east-1',
    }
    gateway = createGatewayServer({
      settings,
      services: [],
      healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
      logger: createLogger('silent'),
    })
    const { port } = await gateway.listen()
    proxy = await startTricklingProxy(port)
  })

  afterAll(async () => {
    await proxy.close()
    await gateway.close()
  })

  it('serves HTTP/2 when the preface arrives in pieces', async () => {
    const session = http2.connect(`http://127.0.0.1:${proxy.port}`)
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const stream = session.request({ ':method': 'GET', ':path': '/health' })
        stream.on('response', (headers) => {
          resolve(Number(headers[':status']))
        })
        stream.on('error', reject)
        stream.resume()
      })
      expect(status).toBe(200)
    } finally {
      session.close()
    }
  })

  it('serves HTTP/1.1 when the request line arrives in pieces', async () => {
    const response = await fetch(`http://127.0.0.1:${proxy.port}/health`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true, checks: {} })
  })
})
