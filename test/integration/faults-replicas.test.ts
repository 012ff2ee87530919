import { DeleteStreamCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { failureKey, startGatewayProcess, type GatewayProcess } from '../../bench/gateway-process.ts'
import { kinesisClient, testAccountId } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream, readShard } from './fixture/streams.ts'

const GATEWAY_ENVIRONMENT = { LOG_LEVEL: 'error', STREAM_CREATING_DELAY_MS: '200' }

/**
 * Two gateway replicas as separate processes; one is killed with SIGKILL in the middle of a PutRecords run and
 * started again on its address. Every record a client was told is stored is read back exactly once, in order
 * per partition key, and no client error is a 4xx.
 */
describe('kill -9 of one of two gateway replicas under PutRecords', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let killed: GatewayProcess
  let survivor: GatewayProcess

  beforeAll(async () => {
    ;[killed, survivor] = await Promise.all([
      startGatewayProcess(stack, GATEWAY_ENVIRONMENT, { output: 'ignore' }),
      startGatewayProcess(stack, GATEWAY_ENVIRONMENT, { output: 'ignore' }),
    ])
  })

  afterAll(async () => {
    await Promise.all([killed.stop(), survivor.stop()])
  })

  it('loses no acknowledged record and duplicates none', async () => {
    const streamName = uniqueName('kill-replica')
    const toKilled = kinesisClient(killed.endpoint, accountId, 'HTTP/1.1')
    const toSurvivor = kinesisClient(survivor.endpoint, accountId, 'HTTP/2')
    await createActiveStream(toSurvivor, streamName, 2)

    const first = produce(toKilled, streamName, 'a')
    const second = produce(toSurvivor, streamName, 'b')
    await first.acknowledgedAtLeast(50)
    await killed.kill()
    await first.failedAtLeast(1)
    const port = Number(new URL(killed.endpoint).port)
    killed = await startGatewayProcess(stack, GATEWAY_ENVIRONMENT, { port, output: 'ignore' })
    const restarted = first.acknowledged.length
    await first.acknowledgedAtLeast(restarted + 50)
    const [fromKilled, fromSurvivor] = await Promise.all([first.stop(), second.stop()])

    const stored = [
      ...(await readShard(toSurvivor, streamName, 'shardId-000000000000')),
      ...(await readShard(toSurvivor, streamName, 'shardId-000000000001')),
    ]
    const acknowledged = [...fromKilled.acknowledged, ...fromSurvivor.acknowledged]
    const storedSet = new Set(stored)
    process.stdout.write(
      `[faults] kill -9 of a replica: ${String(acknowledged.length)} acknowledged, ${String(stored.length)} stored; ` +
        `errors through the killed replica ${JSON.stringify(fromKilled.failures)}, through the other ${JSON.stringify(fromSurvivor.failures)}\n`,
    )
    expect(acknowledged.filter((value) => !storedSet.has(value))).toEqual([])
    expect(storedSet.size).toBe(stored.length)
    expect(outOfOrder(stored)).toEqual([])
    // The killed replica's clients see dropped connections (which the SDKs retry) or 5xx, never a 4xx.
    expect(Object.keys(fromKilled.failures).filter((failure) => failure.startsWith('4'))).toEqual([])
    expect(fromSurvivor.failures).toEqual({})

    await toSurvivor.send(new DeleteStreamCommand({ StreamName: streamName }))
    toKilled.destroy()
    toSurvivor.destroy()
  }, 120_000)
})

/** Values are `<producer><key>-<sequence>`; the values of each key must come in sequence order. */
function outOfOrder(stored: readonly string[]): string[] {
  const last = new Map<string, number>()
  const wrong: string[] = []
  for (const value of stored) {
    const [key, sequence] = value.split('-') as [string, string]
    if ((last.get(key) ?? -1) >= Number(sequence)) wrong.push(value)
    last.set(key, Number(sequence))
  }
  return wrong
}

interface Production {
  readonly acknowledged: readonly string[]
  acknowledgedAtLeast(count: number): Promise<void>
  failedAtLeast(count: number): Promise<void>
  stop(): Promise<{ acknowledged: string[]; failures: Record<string, number> }>
}

/** PutRecords of 10 records over 4 partition keys, one request after the other, without SDK retries. */
function produce(client: KinesisClient, streamName: string, producer: string): Production {
  const acknowledged: string[] = []
  const failures: Record<string, number> = {}
  const state = { running: true, failed: 0, sequence: 0 }
  const loop = (async () => {
    while (state.running) {
      const values = Array.from({ length: 10 }, () => {
        state.sequence++
        return `${producer}${String(state.sequence % 4)}-${String(state.sequence)}`
      })
      try {
        const result = await client.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: values.map((value) => ({ PartitionKey: value.split('-')[0], Data: Buffer.from(value) })),
          }),
        )
        result.Records?.forEach((entry, index) => {
          if (entry.ErrorCode === undefined) acknowledged.push(values[index] ?? '')
          else failures[`entry ${entry.ErrorCode}`] = (failures[`entry ${entry.ErrorCode}`] ?? 0) + 1
        })
      } catch (error) {
        const key = failureKey(error)
        failures[key] = (failures[key] ?? 0) + 1
        state.failed++
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  })()
  const until = async (condition: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 60_000
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`the producer did not see ${what} within 60 s`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  return {
    acknowledged,
    acknowledgedAtLeast: (count) =>
      until(() => acknowledged.length >= count, `${String(count)} acknowledgements`),
    failedAtLeast: (count) => until(() => state.failed >= count, `${String(count)} failures`),
    stop: async () => {
      state.running = false
      await loop
      return { acknowledged, failures }
    },
  }
}
