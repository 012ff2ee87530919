import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { kinesisClient, startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream, waitUntilActive } from './fixture/streams.ts'

interface Written {
  key: string
  sequence: number
}

/** Writes `<key>:<n>` for each of its keys in a loop until stopped; records what was acknowledged. */
function startProducer(client: KinesisClient, streamName: string, prefix: string) {
  const keys = Array.from({ length: 10 }, (_, index) => `${prefix}${index}`)
  const acknowledged: Written[] = []
  let sequence = 0
  const state = { stopped: false }
  let failures = 0
  const running = (async () => {
    while (!state.stopped) {
      const batch = keys.map((key) => ({ key, sequence }))
      try {
        const result = await client.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: batch.map(({ key, sequence: n }) => ({
              PartitionKey: key,
              Data: Buffer.from(`${key}:${n}`),
            })),
          }),
        )
        result.Records?.forEach((entry, index) => {
          const written = batch[index]
          if (entry.ErrorCode === undefined && written !== undefined) acknowledged.push(written)
        })
      } catch {
        failures++
      }
      sequence++
    }
  })()
  return {
    acknowledged,
    failures: () => failures,
    stop: async () => {
      state.stopped = true
      await running
    },
  }
}

/** Every shard, parents before children (the order a KCL worker processes them in). */
function lineageOrder(shards: readonly Shard[]): Shard[] {
  const ordered: Shard[] = []
  const placed = new Set<string>()
  while (ordered.length < shards.length) {
    const before = ordered.length
    for (const shard of shards) {
      const id = shard.ShardId ?? ''
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (parent): parent is string =>
          parent !== undefined && shards.some((other) => other.ShardId === parent),
      )
      if (!placed.has(id) && parents.every((parent) => placed.has(parent))) {
        ordered.push(shard)
        placed.add(id)
      }
    }
    if (ordered.length === before) throw new Error('the shard lineage has a cycle')
  }
  return ordered
}

async function readWholeShard(client: KinesisClient, streamName: string, shard: Shard): Promise<string[]> {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shard.ShardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  )
  const values: string[] = []
  let iterator = ShardIterator
  while (iterator !== undefined) {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }))
    for (const record of page.Records ?? []) values.push(Buffer.from(record.Data ?? []).toString())
    if (page.NextShardIterator === undefined) {
      expect(shard.SequenceNumberRange?.EndingSequenceNumber).toBeDefined()
      expect(page.ChildShards?.length).toBeGreaterThan(0)
    }
    if (
      (page.Records ?? []).length === 0 &&
      page.MillisBehindLatest === 0 &&
      page.NextShardIterator !== undefined
    ) {
      expect(shard.SequenceNumberRange?.EndingSequenceNumber).toBeUndefined()
      break
    }
    iterator = page.NextShardIterator
  }
  return values
}

describe('resharding under load, through two gateway replicas', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let first: TestGateway
  let second: TestGateway
  let one: KinesisClient
  let two: KinesisClient

  beforeAll(async () => {
    const env = { STREAM_RESHARD_FENCE_MS: '300' }
    first = await startTestGateway(stack, env)
    second = await startTestGateway(stack, env)
    one = kinesisClient(first.endpoint, accountId, 'HTTP/2')
    two = kinesisClient(second.endpoint, accountId, 'HTTP/1.1')
  })

  afterAll(async () => {
    one.destroy()
    two.destroy()
    await Promise.all([first.stop(), second.stop()])
  })

  it('reads every acknowledged record exactly once, in order per partition key, following parent -> child', async () => {
    const streamName = uniqueName('reshard')
    await createActiveStream(one, streamName, 2)
    const producers = [startProducer(one, streamName, 'a'), startProducer(two, streamName, 'b')]
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300))

    await pause()
    await one.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: '85070591730234615865843651857942052864',
      }),
    )
    await waitUntilActive(two, streamName)
    await pause()
    // Children of shard 0 are 2 (lower half) and 3 (upper half); 3 borders shard 1.
    await two.send(
      new MergeShardsCommand({
        StreamName: streamName,
        ShardToMerge: 'shardId-000000000003',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    )
    await waitUntilActive(one, streamName)
    await pause()
    await one.send(
      new UpdateShardCountCommand({
        StreamName: streamName,
        TargetShardCount: 3,
        ScalingType: 'UNIFORM_SCALING',
      }),
    )
    await waitUntilActive(two, streamName)
    await pause()
    await Promise.all(producers.map((producer) => producer.stop()))

    const shards: Shard[] = []
    let nextToken: string | undefined
    do {
      const page = await two.send(
        nextToken === undefined
          ? new ListShardsCommand({ StreamName: streamName })
          : new ListShardsCommand({ NextToken: nextToken }),
      )
      shards.push(...(page.Shards ?? []))
      nextToken = page.NextToken
    } while (nextToken !== undefined)
    const open = shards.filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined)
    expect(open).toHaveLength(3)

    const readByKey = new Map<string, number[]>()
    for (const shard of lineageOrder(shards)) {
      for (const value of await readWholeShard(one, streamName, shard)) {
        const [key = '', sequence = ''] = value.split(':')
        const list = readByKey.get(key) ?? []
        list.push(Number(sequence))
        readByKey.set(key, list)
      }
    }

    const acknowledged = producers.flatMap((producer) => producer.acknowledged)
    expect(acknowledged.length).toBeGreaterThan(100)
    expect(producers.map((producer) => producer.failures())).toEqual([0, 0])
    for (const [key, sequences] of readByKey) {
      // In order and without duplicates per key.
      expect(sequences, key).toEqual([...new Set(sequences)].sort((a, b) => a - b))
    }
    const missing = acknowledged.filter(({ key, sequence }) => !(readByKey.get(key) ?? []).includes(sequence))
    expect(missing).toEqual([])

    await one.send(new DeleteStreamCommand({ StreamName: streamName }))
  })
})
