import net from 'node:net'

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { PartitionReader } from '../../src/adapters/kafka/partition-reader.ts'
import { freePort } from '../../src/stack/processes.ts'
import { uniqueName } from './fixture/names.ts'

/** A TCP forwarder to `target`, on `port`; nothing listens there until it is started. */
function forwarder(port: number, target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => undefined)
    }
    client.pipe(upstream).pipe(client)
  })
  return {
    start: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => {
          resolve()
        })
      }),
  }
}

describe('a partition reader whose first connection failed', () => {
  const stack = inject('stack')
  const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'partition-reader-test' })
  const log = new KafkaRecordLog(kafka)
  const topic = uniqueName('partition-reader')

  beforeAll(async () => {
    await log.createTopic(topic, 1, {})
    await log.append(topic, [{ partition: 0, key: Buffer.from('k'), value: Buffer.from('stored') }])
  })

  afterAll(async () => {
    await log.deleteTopic(topic)
    await log.close()
  })

  it('connects again on the next read once Kafka answers, instead of failing with the first error for ever', async () => {
    const [host, brokerPort] = (stack.kafkaBrokers[0] ?? '').split(':')
    const port = await freePort()
    const broker = forwarder(port, { host: host ?? '127.0.0.1', port: Number(brokerPort) })
    const reader = new PartitionReader(
      createKafkaClient({ brokers: [`127.0.0.1:${String(port)}`], clientId: 'partition-reader-outage' }),
    )
    const limits = { maxBytes: 1024 * 1024, maxWaitMs: 0 }
    try {
      await expect(reader.fetch(topic, 0, 0, limits)).rejects.toThrow()
      await broker.start()
      const fetched = await reader.fetch(topic, 0, 0, limits)
      expect(fetched.messages.map((message) => message.value?.toString())).toEqual(['stored'])
    } finally {
      await reader.close().catch(() => undefined)
      await broker.stop()
    }
  })
})
