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
import { describeStreamOperation } from './describe-stream.ts'
import { mergeShardsOperation } from './merge-shards.ts'

const context = fakeContext()

async function threeShardStream(): Promise<FakeStreamsDeps> {
  const deps = fakeStreamsDeps()
  await createActiveStream(deps, 'orders', 3)
  return deps
}

function merge(deps: FakeStreamsDeps, shardToMerge: string, adjacentShardToMerge: string) {
  return mergeShardsOperation(deps).handle(
    { StreamName: 'orders', ShardToMerge: shardToMerge, AdjacentShardToMerge: adjacentShardToMerge },
    context,
  )
}

describe('MergeShards', () => {
  it('adds one child of both shards, closes them and goes UPDATING until they are sealed', async () => {
    const deps = await threeShardStream()
    const before = await storedStream(deps, 'orders')
    await merge(deps, 'shardId-000000000001', 'shardId-000000000002')

    const stream = await storedStream(deps, 'orders')
    expect(stream.status).toBe('UPDATING')
    expect(stream.shards.map((shard) => shard.closingSinceMillis)).toEqual([
      undefined,
      deps.clock.now(),
      deps.clock.now(),
      undefined,
    ])
    expect(stream.shards[3]).toEqual({
      index: 3,
      parentIndex: 1,
      adjacentParentIndex: 2,
      startingHashKey: before.shards[1]?.startingHashKey,
      endingHashKey: MAX_HASH_KEY.toString(),
      createdAtMillis: deps.clock.now(),
    })
    await expect(deps.recordLog.offsetRange(stream.topic, 3)).resolves.toEqual({ earliest: 0, latest: 0 })

    await passFence(deps)
    const output = await describeStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    expect(output.StreamDescription?.StreamStatus).toBe('ACTIVE')
    expect(
      output.StreamDescription?.Shards?.map((shard) => [
        shard.ShardId,
        shard.ParentShardId,
        shard.AdjacentParentShardId,
        shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
      ]),
    ).toEqual([
      ['shardId-000000000000', undefined, undefined, false],
      ['shardId-000000000001', undefined, undefined, true],
      ['shardId-000000000002', undefined, undefined, true],
      ['shardId-000000000003', 'shardId-000000000001', 'shardId-000000000002', false],
    ])
  })

  it('needs two adjacent shards, ShardToMerge first', async () => {
    const deps = await threeShardStream()
    const notAdjacent = (first: string, second: string) => ({
      type: 'InvalidArgumentException',
      message:
        `Shards ${first} and ${second} in stream orders under account ${ACCOUNT_ID} are not an adjacent pair ` +
        'of shards eligible for merging',
    })
    await expect(merge(deps, 'shard-0', 'shard-2')).rejects.toMatchObject(
      notAdjacent('shardId-000000000000', 'shardId-000000000002'),
    )
    await expect(merge(deps, 'shard-1', 'shard-0')).rejects.toMatchObject(
      notAdjacent('shardId-000000000001', 'shardId-000000000000'),
    )
    await expect(merge(deps, 'shard-1', 'shard-1')).rejects.toMatchObject(
      notAdjacent('shardId-000000000001', 'shardId-000000000001'),
    )
  })

  it('refuses shards that are closed, and a stream that is not ACTIVE', async () => {
    const deps = await threeShardStream()
    await merge(deps, 'shard-0', 'shard-1')
    await expect(merge(deps, 'shard-3', 'shard-2')).rejects.toMatchObject({
      type: 'ResourceInUseException',
      message: `Stream orders under account ${ACCOUNT_ID} not ACTIVE, instead in state UPDATING`,
    })
    await passFence(deps)
    await expect(merge(deps, 'shard-1', 'shard-2')).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        `Shard shardId-000000000001 in stream orders under account ${ACCOUNT_ID} has already been merged or ` +
        'split, and thus is not eligible for merging or splitting.',
    })
    await expect(merge(deps, 'shard-3', 'shard-2')).resolves.toBeUndefined()
  })

  it('answers ResourceNotFoundException for a shard that does not exist', async () => {
    const deps = await threeShardStream()
    await expect(merge(deps, 'shard-0', 'shardId-5')).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Could not find shard shardId-000000000005 in stream orders under account ${ACCOUNT_ID}.`,
    })
    await expect(merge(deps, '2.14E4', 'shard-1')).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Could not find shard 2.14E4 in stream orders under account ${ACCOUNT_ID}.`,
    })
  })

  it('validates its input', async () => {
    const deps = await threeShardStream()
    await expect(mergeShardsOperation(deps).handle({} as never, context)).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '2 validation errors detected: ' +
        "Value null at 'shardToMerge' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'adjacentShardToMerge' failed to satisfy constraint: Member must not be null",
    })
  })
})
