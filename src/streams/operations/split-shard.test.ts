import { describe, expect, it } from 'vitest'

import { MAX_HASH_KEY } from '../../mapping/hash-keys.ts'
import {
  ACCOUNT_ID,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  passFence,
  storedStream,
  type FakeStreamsDeps,
} from '../../../test/support/streams/fake-streams-deps.ts'
import { createStreamOperation } from './create-stream.ts'
import { describeStreamOperation } from './describe-stream.ts'
import { listShardsOperation } from './list-shards.ts'
import { putRecord } from './put-record.ts'
import { splitShardOperation } from './split-shard.ts'

const context = fakeContext()
const HALF = (2n ** 127n).toString()
const THIRD_END = '113427455640312821154458202477256070484'

async function twoShardStream(): Promise<FakeStreamsDeps> {
  const deps = fakeStreamsDeps()
  await createActiveStream(deps, 'orders', 2)
  return deps
}

async function describe2(deps: FakeStreamsDeps) {
  const output = await describeStreamOperation(deps).handle({ StreamName: 'orders' }, context)
  return output.StreamDescription
}

describe('SplitShard', () => {
  it('adds two children with the next indices, closes the parent and goes UPDATING', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 1)
    await putRecord(deps).handle({ StreamName: 'orders', PartitionKey: 'a', Data: Buffer.from('x') }, context)

    await splitShardOperation(deps).handle(
      { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: HALF },
      context,
    )

    const stream = await storedStream(deps, 'orders')
    expect(stream.status).toBe('UPDATING')
    expect(stream.shards[0]).toMatchObject({ closingSinceMillis: deps.clock.now() })
    expect(stream.shards[0]?.endingOffset).toBeUndefined()
    expect(stream.shards.slice(1)).toEqual([
      {
        index: 1,
        parentIndex: 0,
        startingHashKey: '0',
        endingHashKey: (2n ** 127n - 1n).toString(),
        createdAtMillis: deps.clock.now(),
      },
      {
        index: 2,
        parentIndex: 0,
        startingHashKey: HALF,
        endingHashKey: MAX_HASH_KEY.toString(),
        createdAtMillis: deps.clock.now(),
      },
    ])
    // The topic has the children's partitions.
    await expect(deps.recordLog.offsetRange(stream.topic, 2)).resolves.toEqual({ earliest: 0, latest: 0 })

    const closing = await describe2(deps)
    expect(closing?.StreamStatus).toBe('UPDATING')
    expect(closing?.Shards?.map((shard) => [shard.ShardId, shard.ParentShardId])).toEqual([
      ['shardId-000000000000', undefined],
      ['shardId-000000000001', 'shardId-000000000000'],
      ['shardId-000000000002', 'shardId-000000000000'],
    ])
    expect(closing?.Shards?.[0]?.SequenceNumberRange?.EndingSequenceNumber).toBeUndefined()

    await passFence(deps)
    expect((await storedStream(deps, 'orders')).shards[0]).toEqual({
      index: 0,
      startingHashKey: '0',
      endingHashKey: MAX_HASH_KEY.toString(),
      createdAtMillis: stream.shards[0]?.createdAtMillis,
      endingOffset: 1,
      closedAtMillis: deps.clock.now(),
    })
    const sealed = await describe2(deps)
    expect(sealed?.StreamStatus).toBe('ACTIVE')
    expect(sealed?.Shards?.[0]?.SequenceNumberRange?.EndingSequenceNumber).toBeDefined()
  })

  it('stays UPDATING past the updating delay until the parent is sealed', async () => {
    const deps = await twoShardStream()
    await splitShardOperation(deps).handle(
      {
        StreamName: 'orders',
        ShardToSplit: 'shard-1',
        NewStartingHashKey: (2n ** 127n + 2n ** 126n).toString(),
      },
      context,
    )
    deps.clock.advance(deps.settings.updatingDelayMs)
    expect((await describe2(deps))?.StreamStatus).toBe('UPDATING')
    await expect(
      splitShardOperation(deps).handle(
        { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '12345' },
        context,
      ),
    ).rejects.toMatchObject({
      type: 'ResourceInUseException',
      message: `Stream orders under account ${ACCOUNT_ID} not ACTIVE, instead in state UPDATING`,
    })
    await passFence(deps)
    expect((await describe2(deps))?.StreamStatus).toBe('ACTIVE')
  })

  it('is sealed by the next access when the gateway that split stopped before sealing', async () => {
    const deps = await twoShardStream()
    // This process stops after step 1: its background task never runs.
    const stopped = { ...deps, sleep: () => new Promise<void>(() => undefined) }
    await splitShardOperation(stopped).handle(
      { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '12345' },
      context,
    )
    const list = () => listShardsOperation(deps).handle({ StreamName: 'orders' }, context)
    expect((await list()).Shards?.[0]?.SequenceNumberRange?.EndingSequenceNumber).toBeUndefined()

    deps.clock.advance(5_000)
    expect((await storedStream(deps, 'orders')).shards[0]?.closingSinceMillis).toBeDefined()
    expect((await list()).Shards?.[0]?.SequenceNumberRange?.EndingSequenceNumber).toBeDefined()
    const stream = await storedStream(deps, 'orders')
    expect(stream.shards[0]).toMatchObject({ endingOffset: 0, closedAtMillis: deps.clock.now() })
    expect(stream.shards[0]?.closingSinceMillis).toBeUndefined()
    expect((await describe2(deps))?.StreamStatus).toBe('ACTIVE')
  })

  it('lists the closing parent with its children AT_LATEST, and lets one of two concurrent splits win', async () => {
    const deps = await twoShardStream()
    const split = (shard: string) =>
      splitShardOperation(deps).handle(
        { StreamName: 'orders', ShardToSplit: shard, NewStartingHashKey: '12345' },
        context,
      )
    const [first, second] = await Promise.allSettled([split('shard-0'), split('shard-0')])
    expect(first.status).toBe('fulfilled')
    expect(second).toMatchObject({ status: 'rejected', reason: { type: 'ResourceInUseException' } })
    const latest = await listShardsOperation(deps).handle(
      { StreamName: 'orders', ShardFilter: { Type: 'AT_LATEST' } },
      context,
    )
    expect(latest.Shards?.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
    ])
    await passFence(deps)
    const after = await listShardsOperation(deps).handle(
      { StreamName: 'orders', ShardFilter: { Type: 'AT_LATEST' } },
      context,
    )
    expect(after.Shards?.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
    ])
  })

  it('refuses a NewStartingHashKey that is not inside the shard, in Kinesis words', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 3)
    const split = (shard: string, key: string) =>
      splitShardOperation(deps).handle(
        { StreamName: 'orders', ShardToSplit: shard, NewStartingHashKey: key },
        context,
      )
    const refusal = (key: string, shard: string, start: string, end: string) => ({
      type: 'InvalidArgumentException',
      message:
        `NewStartingHashKey ${key} used in SplitShard() on shard ${shard} in stream orders under account ` +
        `${ACCOUNT_ID} is not both greater than one plus the shard's StartingHashKey ${start} and less than ` +
        `the shard's EndingHashKey ${end}.`,
    })
    await expect(split('shard-0', '1')).rejects.toMatchObject(
      refusal('1', 'shardId-000000000000', '0', THIRD_END),
    )
    await expect(split('shard-0', THIRD_END)).rejects.toMatchObject(
      refusal(THIRD_END, 'shardId-000000000000', '0', THIRD_END),
    )
    const tooBig = '999999999999999999999999999999999999999'
    await expect(split('shard-2', tooBig)).rejects.toMatchObject(
      refusal(
        tooBig,
        'shardId-000000000002',
        '226854911280625642308916404954512140970',
        MAX_HASH_KEY.toString(),
      ),
    )
    await expect(split('shard-0', '2')).resolves.toBeUndefined()
  })

  it('answers ResourceNotFoundException for a shard or stream that does not exist', async () => {
    const deps = await twoShardStream()
    const split = (streamName: string, shard: string) =>
      splitShardOperation(deps).handle(
        { StreamName: streamName, ShardToSplit: shard, NewStartingHashKey: '12345' },
        context,
      )
    await expect(split('orders', 'shardId-5')).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Could not find shard shardId-000000000005 in stream orders under account ${ACCOUNT_ID}.`,
    })
    await expect(split('nothing', 'ABKLFD8')).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Could not find shard ABKLFD8 in stream nothing under account ${ACCOUNT_ID}.`,
    })
    await expect(split('nothing', 'shardId-000000000000')).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Stream nothing under account ${ACCOUNT_ID} not found.`,
    })
  })

  it('refuses a shard that was split already', async () => {
    const deps = await twoShardStream()
    const split = () =>
      splitShardOperation(deps).handle(
        { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '12345' },
        context,
      )
    await split()
    await passFence(deps)
    await expect(split()).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        `Shard shardId-000000000000 in stream orders under account ${ACCOUNT_ID} has already been merged or ` +
        'split, and thus is not eligible for merging or splitting.',
    })
  })

  it('refuses to exceed the shard limit and to split an ON_DEMAND stream', async () => {
    const deps = fakeStreamsDeps({ shardLimit: 2 })
    await createActiveStream(deps, 'orders', 2)
    await expect(
      splitShardOperation(deps).handle(
        { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '12345' },
        context,
      ),
    ).rejects.toMatchObject({
      type: 'LimitExceededException',
      message: expect.stringContaining(
        'Current shard count for the account: 2. Limit: 2. Number of additional shards that would have ' +
          'resulted from this request: 1.',
      ) as unknown,
    })

    const onDemand = fakeStreamsDeps()
    await createStreamOperation(onDemand).handle(
      { StreamName: 'auto', StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
      context,
    )
    onDemand.clock.advance(onDemand.settings.creatingDelayMs)
    await expect(
      splitShardOperation(onDemand).handle(
        { StreamName: 'auto', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '12345' },
        context,
      ),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message: `Request is invalid. Stream auto under account ${ACCOUNT_ID} is in On-Demand mode.`,
    })
  })

  it('validates its input', async () => {
    const deps = await twoShardStream()
    await expect(splitShardOperation(deps).handle({} as never, context)).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '2 validation errors detected: ' +
        "Value null at 'newStartingHashKey' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'shardToSplit' failed to satisfy constraint: Member must not be null",
    })
  })
})
