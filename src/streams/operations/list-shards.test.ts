import { describe, expect, it } from 'vitest'

import type { ListShardsInput } from '@aws-sdk/client-kinesis'

import {
  ACCOUNT_ID,
  arnOf,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  storedStream,
  type FakeStreamsDeps,
} from '../../../test/support/streams/fake-streams-deps.ts'
import { createStreamOperation } from './create-stream.ts'
import { deleteStreamOperation } from './delete-stream.ts'
import { listShardsOperation } from './list-shards.ts'

const context = fakeContext()
const HOUR = 3_600_000

function list(deps: FakeStreamsDeps, input: ListShardsInput) {
  return listShardsOperation(deps).handle(input, context)
}

function shardIds(output: {
  Shards?: { ShardId?: string | undefined }[] | undefined
}): (string | undefined)[] {
  return (output.Shards ?? []).map((shard) => shard.ShardId)
}

/** Closes shard 0 an hour after creation and adds child shard 3 in its place, as a split would (roughly). */
async function closeFirstShard(deps: FakeStreamsDeps): Promise<void> {
  const stream = await storedStream(deps, 'orders')
  const [first, ...others] = stream.shards
  if (first === undefined) throw new Error('no shard')
  const closedAt = stream.createdAtMillis + HOUR
  await deps.catalog.update({
    ...stream,
    shards: [
      { ...first, endingOffset: 0, closedAtMillis: closedAt },
      ...others,
      { ...first, index: 3, parentIndex: 0, createdAtMillis: closedAt },
    ],
    version: stream.version + 1,
  })
}

describe('ListShards', () => {
  it('lists the shards of a stream by name or ARN', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 3)
    const byName = await list(deps, { StreamName: 'orders' })
    expect(shardIds(byName)).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002'])
    expect(byName.NextToken).toBeUndefined()
    expect(byName.Shards?.[0]?.SequenceNumberRange?.StartingSequenceNumber).toMatch(/^\d{56}$/)
    expect(await list(deps, { StreamARN: arnOf('orders') })).toEqual(byName)
  })

  it('pages with MaxResults and NextToken, and the token expires after 300 seconds', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 5)
    const first = await list(deps, { StreamName: 'orders', MaxResults: 2 })
    expect(shardIds(first)).toEqual(['shardId-000000000000', 'shardId-000000000001'])
    const second = await list(deps, { NextToken: first.NextToken, MaxResults: 2 })
    expect(shardIds(second)).toEqual(['shardId-000000000002', 'shardId-000000000003'])
    const third = await list(deps, { NextToken: second.NextToken })
    expect(shardIds(third)).toEqual(['shardId-000000000004'])
    expect(third.NextToken).toBeUndefined()

    deps.clock.advance(300_001)
    await expect(list(deps, { NextToken: second.NextToken })).rejects.toMatchObject({
      type: 'ExpiredNextTokenException',
    })
  })

  it('starts after ExclusiveStartShardId', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 3)
    const listed = await list(deps, { StreamName: 'orders', ExclusiveStartShardId: 'shardId-000000000000' })
    expect(shardIds(listed)).toEqual(['shardId-000000000001', 'shardId-000000000002'])
  })

  it('applies the ShardFilter types', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 3)
    await closeFirstShard(deps)
    const created = (await storedStream(deps, 'orders')).createdAtMillis
    deps.clock.advance(2 * HOUR)
    const filtered = async (filter: ListShardsInput['ShardFilter']) =>
      shardIds(await list(deps, { StreamName: 'orders', ShardFilter: filter }))

    expect(await filtered({ Type: 'AT_LATEST' })).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
    ])
    expect(await filtered({ Type: 'AT_TRIM_HORIZON' })).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
    ])
    expect(await filtered({ Type: 'FROM_TRIM_HORIZON' })).toHaveLength(4)
    expect(await filtered({ Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000001' })).toEqual([
      'shardId-000000000002',
      'shardId-000000000003',
    ])
    expect(await filtered({ Type: 'AT_TIMESTAMP', Timestamp: new Date(created + 2 * HOUR) })).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
    ])
    expect(await filtered({ Type: 'FROM_TIMESTAMP', Timestamp: new Date(created + HOUR) })).toHaveLength(4)

    deps.clock.advance(24 * HOUR)
    expect(await filtered({ Type: 'FROM_TRIM_HORIZON' })).toHaveLength(3)
    expect(shardIds(await list(deps, { StreamName: 'orders' }))).not.toContain('shardId-000000000000')
  })

  it('keeps the filter across pages', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 3)
    await closeFirstShard(deps)
    const first = await list(deps, {
      StreamName: 'orders',
      ShardFilter: { Type: 'AT_LATEST' },
      MaxResults: 1,
    })
    expect(shardIds(first)).toEqual(['shardId-000000000001'])
    const rest = await list(deps, { NextToken: first.NextToken })
    expect(shardIds(rest)).toEqual(['shardId-000000000002', 'shardId-000000000003'])
  })

  it('refuses incomplete or inconsistent ShardFilters', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 1)
    const refused = (filter: ListShardsInput['ShardFilter'], message: string) =>
      expect(list(deps, { StreamName: 'orders', ShardFilter: filter })).rejects.toMatchObject({
        type: 'InvalidArgumentException',
        message,
      })
    await refused(
      { Type: 'AFTER_SHARD_ID' },
      'ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID.',
    )
    await refused(
      { Type: 'AT_TIMESTAMP' },
      'Timestamp must be supplied in a ShardFilter with a Type of AT_TIMESTAMP or FROM_TIMESTAMP.',
    )
    await refused(
      { Type: 'AT_LATEST', ShardId: 'shardId-000000000000' },
      'ShardId can only be used in a ShardFilter with a Type of AFTER_SHARD_ID.',
    )
    await refused(
      { Type: 'AT_LATEST', Timestamp: new Date() },
      'Timestamp can only be used in a ShardFilter with a Type of AT_TIMESTAMP or FROM_TIMESTAMP.',
    )
    await expect(list(deps, { StreamName: 'orders', ShardFilter: {} as never })).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'shardFilter.type' failed to satisfy constraint: Member must not be null",
    })
  })

  it('refuses NextToken with the members it replaces, and requires a stream or a token', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 3)
    const { NextToken: token } = await list(deps, { StreamName: 'orders', MaxResults: 1 })
    const together = (input: ListShardsInput, member: string) =>
      expect(list(deps, { NextToken: token, ...input })).rejects.toMatchObject({
        type: 'InvalidArgumentException',
        message: `NextToken and ${member} cannot be provided together.`,
      })
    await together({ StreamName: 'orders' }, 'StreamName')
    await together({ StreamARN: arnOf('orders') }, 'StreamARN')
    await together({ ExclusiveStartShardId: 'shardId-000000000000' }, 'ExclusiveStartShardId')
    await together({ StreamCreationTimestamp: new Date() }, 'StreamCreationTimestamp')
    await expect(list(deps, {})).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: 'Either NextToken or StreamName should be provided.',
    })
    await expect(list(deps, { NextToken: 'garbage' })).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: 'The NextToken provided is invalid.',
    })
  })

  it('tells streams of the same name apart by StreamCreationTimestamp and by the token', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 2)
    const created = (await storedStream(deps, 'orders')).createdAtMillis
    await expect(
      list(deps, { StreamName: 'orders', StreamCreationTimestamp: new Date(created) }),
    ).resolves.toMatchObject({ Shards: expect.any(Array) as unknown })
    await expect(
      list(deps, { StreamName: 'orders', StreamCreationTimestamp: new Date(created - 5000) }),
    ).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Stream orders under account ${ACCOUNT_ID} not found.`,
    })

    const { NextToken: token } = await list(deps, { StreamName: 'orders', MaxResults: 1 })
    await deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    deps.clock.advance(deps.settings.deletingDelayMs)
    await createStreamOperation(deps).handle({ StreamName: 'orders', ShardCount: 2 }, context)
    await expect(list(deps, { NextToken: token })).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    })
  })

  it('validates members in AWS order', async () => {
    const deps = fakeStreamsDeps()
    await expect(
      list(deps, { StreamName: '', NextToken: '', MaxResults: 0, ExclusiveStartShardId: '' }),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '6 validation errors detected: ' +
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '' at 'exclusiveStartShardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'exclusiveStartShardId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
    })
  })

  it('shows no shards while the stream is CREATING, and not found for an unknown stream', async () => {
    const deps = fakeStreamsDeps()
    await createStreamOperation(deps).handle({ StreamName: 'orders', ShardCount: 2 }, context)
    expect(await list(deps, { StreamName: 'orders' })).toEqual({ Shards: [] })
    await expect(list(deps, { StreamName: 'missing' })).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    })
  })
})
