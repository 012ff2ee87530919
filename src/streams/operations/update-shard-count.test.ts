import { describe, expect, it } from 'vitest'

import { evenHashKeyRanges } from '../../mapping/hash-keys.ts'
import {
  ACCOUNT_ID,
  arnOf,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  passFence,
  settleBackgroundWork,
  storedStream,
  type FakeStreamsDeps,
} from '../../../test/support/streams/fake-streams-deps.ts'
import { createStreamOperation } from './create-stream.ts'
import { describeStreamOperation } from './describe-stream.ts'
import { listShardsOperation } from './list-shards.ts'
import { updateShardCountOperation } from './update-shard-count.ts'

const context = fakeContext()

function scale(deps: FakeStreamsDeps, target: number, streamName = 'orders') {
  return updateShardCountOperation(deps).handle(
    { StreamName: streamName, TargetShardCount: target, ScalingType: 'UNIFORM_SCALING' },
    context,
  )
}

async function streamWith(shards: number, settings: Parameters<typeof fakeStreamsDeps>[0] = {}) {
  const deps = fakeStreamsDeps({ shardLimit: 100, ...settings })
  await createActiveStream(deps, 'orders', shards)
  return deps
}

describe('UpdateShardCount', () => {
  it('doubles the shards by splitting each one, answering with the counts', async () => {
    const deps = await streamWith(2)
    await expect(scale(deps, 4)).resolves.toEqual({
      StreamName: 'orders',
      StreamARN: arnOf('orders'),
      CurrentShardCount: 2,
      TargetShardCount: 4,
    })
    const during = await describeStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    expect(during.StreamDescription?.StreamStatus).toBe('UPDATING')

    await passFence(deps)
    const shards = (await describeStreamOperation(deps).handle({ StreamName: 'orders' }, context))
      .StreamDescription?.Shards
    expect(shards).toHaveLength(6)
    expect(
      shards?.filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber !== undefined),
    ).toHaveLength(2)
    const latest = await listShardsOperation(deps).handle(
      { StreamName: 'orders', ShardFilter: { Type: 'AT_LATEST' } },
      context,
    )
    expect(latest.Shards?.map((shard) => shard.HashKeyRange)).toEqual(
      evenHashKeyRanges(4).map((range) => ({
        StartingHashKey: range.start.toString(),
        EndingHashKey: range.end.toString(),
      })),
    )
    expect(latest.Shards?.map((shard) => shard.ParentShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000001',
    ])
  })

  it('halves the shards by merging pairs', async () => {
    const deps = await streamWith(4)
    await scale(deps, 2)
    await passFence(deps)
    const stream = await storedStream(deps, 'orders')
    expect(stream.shards).toHaveLength(6)
    expect(stream.shards.filter((shard) => shard.endingOffset !== undefined)).toHaveLength(4)
    expect(stream.shards.slice(4).map((shard) => [shard.parentIndex, shard.adjacentParentIndex])).toEqual([
      [0, 1],
      [2, 3],
    ])
  })

  it.each([
    [3, 5],
    [5, 3],
    [4, 7],
    [7, 4],
    [10, 13],
  ])('scales %i shards to exactly %i even ones, each with at most two parents', async (from, to) => {
    const deps = await streamWith(from)
    await scale(deps, to)
    await passFence(deps)
    const stream = await storedStream(deps, 'orders')
    const open = stream.shards
      .filter((shard) => shard.endingOffset === undefined && shard.closingSinceMillis === undefined)
      .sort((a, b) => (BigInt(a.startingHashKey) < BigInt(b.startingHashKey) ? -1 : 1))
    expect(open.map((shard) => [shard.startingHashKey, shard.endingHashKey])).toEqual(
      evenHashKeyRanges(to).map((range) => [range.start.toString(), range.end.toString()]),
    )
    expect(stream.shards.some((shard) => shard.closingSinceMillis !== undefined)).toBe(false)
    const described = await describeStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    expect(described.StreamDescription?.StreamStatus).toBe('ACTIVE')
  })

  it('leaves a stream whose shards already have the target ranges as it is', async () => {
    const deps = await streamWith(3)
    const before = await storedStream(deps, 'orders')
    await expect(scale(deps, 3)).resolves.toMatchObject({ CurrentShardCount: 3, TargetShardCount: 3 })
    expect(await storedStream(deps, 'orders')).toEqual(before)
  })

  it('refuses to scale over double or below half the open shards', async () => {
    const up = await streamWith(2)
    await expect(scale(up, 5)).rejects.toMatchObject({
      type: 'LimitExceededException',
      message:
        'UpdateShardCount cannot scale up over double your current open shard count. ' +
        'Current open shard count: 2, Target shard count: 5',
    })
    const down = await streamWith(6)
    await expect(scale(down, 2)).rejects.toMatchObject({
      type: 'LimitExceededException',
      message:
        'UpdateShardCount cannot scale down below half your current open shard count. ' +
        'Current open shard count: 6, Target shard count: 2',
    })
    await expect(scale(down, 3)).resolves.toBeDefined()
  })

  it('refuses to exceed the account shard limit', async () => {
    const deps = await streamWith(10, { shardLimit: 20 })
    await createActiveStream(deps, 'other', 5)
    await expect(scale(deps, 16)).rejects.toMatchObject({
      type: 'LimitExceededException',
      message:
        'Target shard count or number of open shards cannot be greater than 20. ' +
        'Current open shard count: 10, Target shard count: 16',
    })
    await expect(scale(deps, 15)).resolves.toBeDefined()
  })

  it('refuses to scale a stream above 10000 shards', async () => {
    const deps = await streamWith(6000, { shardLimit: 100_000 })
    await expect(scale(deps, 10_001)).rejects.toMatchObject({
      type: 'LimitExceededException',
      message:
        'UpdateShardCount cannot scale up to more than 10000 shards in a stream. ' +
        'Current open shard count: 6000, Target shard count: 10001',
    })
  })

  it('needs an ACTIVE PROVISIONED stream', async () => {
    const deps = await streamWith(2)
    await scale(deps, 3)
    await expect(scale(deps, 4)).rejects.toMatchObject({
      type: 'ResourceInUseException',
      message: `Stream orders under account ${ACCOUNT_ID} not ACTIVE, instead in state UPDATING`,
    })
    await createStreamOperation(deps).handle(
      { StreamName: 'auto', StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
      context,
    )
    await settleBackgroundWork()
    deps.clock.advance(deps.settings.creatingDelayMs)
    await expect(scale(deps, 2, 'auto')).rejects.toMatchObject({
      type: 'ValidationException',
      message: `Request is invalid. Stream auto under account ${ACCOUNT_ID} is in On-Demand mode.`,
    })
  })

  it('validates its input', async () => {
    const deps = await streamWith(2)
    await expect(
      updateShardCountOperation(deps).handle(
        { StreamName: 'orders', ScalingType: 'OTHER' as never, TargetShardCount: 0 },
        context,
      ),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '2 validation errors detected: ' +
        "Value 'OTHER' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: " +
        '[UNIFORM_SCALING]; ' +
        "Value '0' at 'targetShardCount' failed to satisfy constraint: Member must have value greater than or " +
        'equal to 1',
    })
  })
})
