// KCL applications (test/java: KclScenario, KCL 3.x polling; Kcl1Scenario, KCL 1.x) through the events of a
// consumer's life, on the real stack with the gateway in this process: a worker that crashes and another that
// resumes from the Redis checkpoints, two workers sharing a stream's shards and one taking over when the other
// dies, a shard split while consuming, and the lease table outliving a Redis restart.

import { DescribeStreamSummaryCommand, ListShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis'
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { testAccountId } from './fixture/gateway.ts'
import {
  ensureJavaClient,
  HALTED_EXIT_CODE,
  passed,
  type JavaClient,
  type JavaProcess,
  type JavaScenario,
} from './fixture/java-client.ts'
import {
  checkpoints,
  createStream,
  deleteStreamAndTables,
  lastPerShard,
  processedRecords,
  putRecords,
  sequenceAfter,
  shardLeases,
  sortedByData,
  startKclGateway,
  tableItems,
  type KclGateway,
  type KinesisRecord,
} from './fixture/kcl.ts'
import { uniqueName } from './fixture/names.ts'
import { startRecordingProxy, tabulate } from './fixture/recording-proxy.ts'
import { stackControl, type StackControl } from './fixture/stack-control.ts'

const access = await stackControl(inject('infrastructureSource'), inject('stack'), (line) => {
  process.stdout.write(`[kcl] ${line}\n`)
})
if ('skipReason' in access) {
  process.stdout.write(`[kcl] skipping the Redis restart case: ${access.skipReason}\n`)
}

/** Records per GetRecords: small, so that a worker stopped mid-stream has checkpointed part of each shard. */
const MAX_RECORDS = 10

async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string | (() => string | Promise<string>),
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${String(timeoutMs)} ms waiting until ${typeof what === 'string' ? what : await what()}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

function dataOf(records: readonly KinesisRecord[]): Set<string> {
  return new Set(records.map((record) => record.data))
}

describe('KCL applications through crashes, rebalancing, resharding and a Redis restart', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let java: JavaClient
  let gateway: KclGateway
  const running: JavaProcess[] = []

  beforeAll(async () => {
    java = await ensureJavaClient((line) => {
      process.stdout.write(`[integration] ${line}\n`)
    })
    gateway = await startKclGateway(stack, accountId)
  }, 600_000)

  afterAll(async () => {
    for (const worker of running) worker.kill()
    await gateway.stop()
  })

  function startWorker(
    streamName: string,
    application: string,
    options: Record<string, string>,
    scenario: JavaScenario = 'kcl-polling',
  ): JavaProcess {
    const worker = java.start(gateway.endpoint, scenario, accountId, [
      `-Dkcl.stream=${streamName}`,
      `-Dkcl.application=${application}`,
      `-Dkcl.maxRecords=${String(MAX_RECORDS)}`,
      ...Object.entries(options).map(([name, value]) => `-Dkcl.${name}=${value}`),
    ])
    running.push(worker)
    return worker
  }

  /** Waits until the workers together have processed every one of `records`. */
  async function processedAll(workers: JavaProcess[], records: readonly KinesisRecord[], timeoutMs: number) {
    const wanted = dataOf(records)
    await waitUntil(
      () => {
        const seen = new Set(workers.flatMap((worker) => [...dataOf(processedRecords(worker.lines))]))
        return [...wanted].every((data) => seen.has(data))
      },
      timeoutMs,
      () =>
        `the workers processed all ${String(wanted.size)} records; they printed:\n${workers
          .map((worker) => worker.lines.filter((line) => !line.startsWith('PROCESSED ')).join('\n'))
          .join('\n--\n')}`,
    )
  }

  /** Closes the worker's input, which shuts it down gracefully, and checks that it passed. */
  async function stopGracefully(worker: JavaProcess, scenario: JavaScenario = 'kcl-polling'): Promise<void> {
    worker.closeInput()
    passed(scenario, await worker.exited)
  }

  /** Waits until every shard's checkpoint is the sequence number of the last record put into it. */
  async function checkpointedAll(application: string, records: readonly KinesisRecord[]): Promise<void> {
    const expected = lastPerShard(records)
    await waitUntil(
      async () => {
        const saved = await checkpoints(gateway.dynamo, application)
        return [...expected].every(([shardId, sequenceNumber]) => saved.get(shardId) === sequenceNumber)
      },
      30_000,
      async () =>
        `every shard is checkpointed at its last record: ${JSON.stringify([...(await checkpoints(gateway.dynamo, application))])}`,
    )
  }

  /** The owner of each lease; none while KCL has not created its lease table yet. */
  async function leaseOwners(application: string): Promise<(string | undefined)[]> {
    try {
      return [...(await shardLeases(gateway.dynamo, application)).values()].map((lease) => lease.leaseOwner)
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return []
      throw error
    }
  }

  it('a worker that crashes mid-stream is followed by one that resumes from the checkpoints, losing nothing', async () => {
    const streamName = uniqueName('kcl-crash')
    const application = uniqueName('kcl-app-crash')
    try {
      await createStream(gateway.kinesis, streamName, 2)
      const put = await putRecords(gateway.kinesis, streamName, { count: 200 })

      const first = startWorker(streamName, application, { haltAfter: '100', worker: 'first' })
      const crashed = await first.exited
      expect(crashed.exitCode, crashed.stderr).toBe(HALTED_EXIT_CODE)
      const firstProcessed = processedRecords(first.lines)
      const saved = await checkpoints(gateway.dynamo, application)

      // Mid-stream: some records checkpointed, not all of them.
      const checkpointed = put.filter((record) => {
        const checkpoint = saved.get(record.shardId)
        return (
          checkpoint !== undefined &&
          /^\d+$/.test(checkpoint) &&
          !sequenceAfter(record.sequenceNumber, checkpoint)
        )
      })
      expect(checkpointed.length).toBeGreaterThan(0)
      expect(checkpointed.length).toBeLessThan(put.length)
      // The un-checkpointed tail: what the crashed worker processed after its last checkpoint, at most a batch a shard.
      const tail = firstProcessed.filter((record) => !dataOf(checkpointed).has(record.data))
      expect(tail.length).toBeLessThanOrEqual(2 * MAX_RECORDS)

      const rest = put.filter((record) => !dataOf(checkpointed).has(record.data))
      const second = startWorker(streamName, application, { records: String(rest.length), worker: 'second' })
      passed('kcl-polling', await second.exited)
      const secondProcessed = processedRecords(second.lines)

      // Exactly the records after the checkpoints: none before them again, none lost.
      expect(sortedByData(secondProcessed)).toEqual(sortedByData(rest))
      expect(new Set([...dataOf(firstProcessed), ...dataOf(secondProcessed)])).toEqual(dataOf(put))
      expect(await checkpoints(gateway.dynamo, application)).toEqual(lastPerShard(put))
      process.stdout.write(
        `[kcl] crash: ${String(firstProcessed.length)} processed before the crash, ${String(checkpointed.length)} ` +
          `checkpointed, ${String(tail.length)} processed again after it\n`,
      )
    } finally {
      await deleteStreamAndTables(gateway, streamName, application)
    }
  }, 180_000)

  // KCL 1.x: its lease taker balances the leases among the workers it sees (KCL 3.x assigns them by the workers'
  // load, so two idle workers on one machine may well leave one of them without leases).
  it('two KCL 1.x workers share the shards, and the survivor takes every lease when one dies', async () => {
    const streamName = uniqueName('kcl-pair')
    const application = uniqueName('kcl-app-pair')
    const proxy = await startRecordingProxy(gateway.endpoint)
    try {
      await createStream(gateway.kinesis, streamName, 4)
      const before = await putRecords(gateway.kinesis, streamName, { count: 200 })
      const workerOptions = (worker: string) => ({ worker, dynamoDbEndpoint: proxy.endpoint })
      const a = startWorker(streamName, application, workerOptions('worker-a'), 'kcl-1x')
      const b = startWorker(streamName, application, workerOptions('worker-b'), 'kcl-1x')
      await waitUntil(
        async () => new Set(await leaseOwners(application)).size === 2,
        60_000,
        async () => `both workers hold leases (owners: ${(await leaseOwners(application)).join(', ')})`,
      )
      await processedAll([a, b], before, 60_000)
      const owners = await leaseOwners(application)
      expect(owners).toHaveLength(4)

      b.kill()
      await b.exited
      const after = await putRecords(gateway.kinesis, streamName, { from: 200, count: 200 })
      await processedAll([a], after, 60_000)
      await waitUntil(
        async () => (await leaseOwners(application)).every((owner) => owner === 'worker-a'),
        30_000,
        'worker-a holds every lease',
      )
      await checkpointedAll(application, [...before, ...after])
      await stopGracefully(a, 'kcl-1x')
      // Nothing lost; a record is processed again only where a lease changed hands before its checkpoint.
      const all = [...before, ...after]
      const processed = [...processedRecords(a.lines), ...processedRecords(b.lines)]
      expect(dataOf(processed)).toEqual(dataOf(all))
      expect(
        await checkpoints(gateway.dynamo, application),
        a.lines.filter((line) => !line.startsWith('PROCESSED ')).join('\n'),
      ).toEqual(lastPerShard(all))
      process.stdout.write(
        `[kcl] two workers: leases ${owners.join(', ')}; ${String(processed.length - all.length)} records processed twice\n` +
          `[kcl] two KCL 1.x workers, DynamoDB requests (count | operation | members):\n${tabulate(
            proxy.requests,
          )
            .map((row) => `  ${row}`)
            .join('\n')}\n`,
      )
    } finally {
      await proxy.close()
      await deleteStreamAndTables(gateway, streamName, application)
    }
  }, 180_000)

  it('a shard split while consuming: the children are processed after their parent ended', async () => {
    const streamName = uniqueName('kcl-split')
    const application = uniqueName('kcl-app-split')
    try {
      await createStream(gateway.kinesis, streamName, 2)
      const keys = 20
      const before = await putRecords(gateway.kinesis, streamName, { count: 100, keys })
      const worker = startWorker(streamName, application, {})
      await processedAll([worker], before, 90_000)

      const parent = 'shardId-000000000000'
      const { Shards = [] } = await gateway.kinesis.send(new ListShardsCommand({ StreamName: streamName }))
      const range = Shards.find((shard) => shard.ShardId === parent)?.HashKeyRange
      const middle = (BigInt(range?.StartingHashKey ?? '0') + BigInt(range?.EndingHashKey ?? '0')) / 2n
      await gateway.kinesis.send(
        new SplitShardCommand({
          StreamName: streamName,
          ShardToSplit: parent,
          NewStartingHashKey: String(middle),
        }),
      )
      await waitUntil(
        async () => {
          const { StreamDescriptionSummary } = await gateway.kinesis.send(
            new DescribeStreamSummaryCommand({ StreamName: streamName }),
          )
          return StreamDescriptionSummary?.StreamStatus === 'ACTIVE'
        },
        30_000,
        'the stream is ACTIVE again',
      )
      const after = await putRecords(gateway.kinesis, streamName, { from: 100, count: 100, keys })
      const children = [...new Set(after.map((record) => record.shardId))].filter(
        (shardId) => !before.some((record) => record.shardId === shardId),
      )
      expect(children).toHaveLength(2)
      await processedAll([worker], after, 90_000)
      await checkpointedAll(
        application,
        [...before, ...after].filter((record) => record.shardId !== parent),
      )
      await stopGracefully(worker)

      const leases = await shardLeases(gateway.dynamo, application)
      expect(leases.get(parent)?.checkpoint).toBe('SHARD_END')
      expect(leases.get(parent)?.childShardIds.toSorted()).toEqual(children.toSorted())
      for (const child of children) {
        expect(leases.get(child)?.parentShardIds, JSON.stringify([...leases.values()])).toEqual([parent])
      }
      const lastPut = lastPerShard([...before, ...after])
      for (const child of children) expect(leases.get(child)?.checkpoint).toBe(lastPut.get(child))

      // The worker's own order: the parent's end checkpoint before any record of a child.
      const lines = worker.lines
      const parentEnd = lines.indexOf(`CHECKPOINTED ${parent} SHARD_END`)
      expect(parentEnd).toBeGreaterThan(-1)
      for (const child of children) {
        const firstOfChild = lines.findIndex((line) => line.startsWith(`PROCESSED ${child} `))
        expect(firstOfChild).toBeGreaterThan(parentEnd)
      }
      // Per partition key, records are processed in the order they were put (record-<n>, n ascending).
      const byKey = new Map<number, number[]>()
      for (const { data } of processedRecords(lines)) {
        const n = Number(data.slice('record-'.length))
        byKey.set(n % keys, [...(byKey.get(n % keys) ?? []), n])
      }
      for (const numbers of byKey.values()) expect(numbers).toEqual(numbers.toSorted((x, y) => x - y))
      expect(sortedByData(processedRecords(lines))).toEqual(sortedByData([...before, ...after]))
    } finally {
      await deleteStreamAndTables(gateway, streamName, application)
    }
  }, 240_000)

  it.skipIf('skipReason' in access)(
    'the lease table and checkpoints outlive a Redis restart, and a new worker resumes from them',
    async () => {
      const control = 'control' in access ? access.control : (undefined as unknown as StackControl)
      const streamName = uniqueName('kcl-redis')
      const application = uniqueName('kcl-app-redis')
      try {
        await createStream(gateway.kinesis, streamName, 2)
        const before = await putRecords(gateway.kinesis, streamName, { count: 100 })
        const first = startWorker(streamName, application, { records: '100' })
        passed('kcl-polling', await first.exited)
        const leases = await shardLeases(gateway.dynamo, application)
        const table = await tableItems(gateway.dynamo, application)
        expect([...leases.values()].map((lease) => lease.checkpoint)).toEqual(
          [...leases.keys()].map((shardId) => lastPerShard(before).get(shardId)),
        )

        await control.stop('redis')
        await control.start('redis')
        // The gateway reconnects on its own; until then its answers are 503s.
        await waitUntil(
          () =>
            shardLeases(gateway.dynamo, application).then(
              () => true,
              () => false,
            ),
          30_000,
          'the gateway reads the lease table again',
        )
        expect(await tableItems(gateway.dynamo, application)).toEqual(table)

        const after = await putRecords(gateway.kinesis, streamName, { from: 100, count: 100 })
        const second = startWorker(streamName, application, { records: '100' })
        passed('kcl-polling', await second.exited)
        expect(sortedByData(processedRecords(second.lines))).toEqual(sortedByData(after))
        expect(await checkpoints(gateway.dynamo, application)).toEqual(lastPerShard([...before, ...after]))
      } finally {
        await control.start('redis')
        await deleteStreamAndTables(gateway, streamName, application)
      }
    },
    180_000,
  )
})
