import { describe, expect, it } from 'vitest'

import {
  ACCOUNT_ID,
  arnOf,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  storedStream,
} from '../../../test/support/streams/fake-streams-deps.ts'
import { describeStreamSummaryOperation } from './describe-stream-summary.ts'
import { describeStreamOperation } from './describe-stream.ts'

const context = fakeContext()

describe('DescribeStream', () => {
  it('describes an ACTIVE stream and its shards', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 3)
    const stream = await storedStream(deps, 'orders')
    const { StreamDescription: description } = await describeStreamOperation(deps).handle(
      { StreamName: 'orders' },
      context,
    )
    expect(description).toMatchObject({
      StreamName: 'orders',
      StreamARN: arnOf('orders'),
      StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      HasMoreShards: false,
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: new Date(stream.createdAtMillis),
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: 'NONE',
    })
    expect(description?.KeyId).toBeUndefined()
    expect(description?.Shards?.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
    ])
    expect(description?.Shards?.[2]?.HashKeyRange).toEqual({
      StartingHashKey: '226854911280625642308916404954512140970',
      EndingHashKey: '340282366920938463463374607431768211455',
    })
  })

  it('pages with Limit and ExclusiveStartShardId', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 5)
    const page = (input: { Limit?: number; ExclusiveStartShardId?: string }) =>
      describeStreamOperation(deps).handle({ StreamARN: arnOf('orders'), ...input }, context)
    const first = (await page({ Limit: 2 })).StreamDescription
    expect(first?.Shards?.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ])
    expect(first?.HasMoreShards).toBe(true)
    const last = (await page({ Limit: 3, ExclusiveStartShardId: 'shardId-000000000001' })).StreamDescription
    expect(last?.Shards?.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000002',
      'shardId-000000000003',
      'shardId-000000000004',
    ])
    expect(last?.HasMoreShards).toBe(false)
  })

  it('returns at most 100 shards whatever the Limit', async () => {
    const deps = fakeStreamsDeps({ shardLimit: 500 })
    await createActiveStream(deps, 'orders', 150)
    const description = (
      await describeStreamOperation(deps).handle({ StreamName: 'orders', Limit: 10000 }, context)
    ).StreamDescription
    expect(description?.Shards).toHaveLength(100)
    expect(description?.HasMoreShards).toBe(true)
  })

  it('shows the KMS key of an encrypted stream', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 1)
    const stream = await storedStream(deps, 'orders')
    await deps.catalog.update({
      ...stream,
      encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' },
      version: stream.version + 1,
    })
    const description = (await describeStreamOperation(deps).handle({ StreamName: 'orders' }, context))
      .StreamDescription
    expect(description).toMatchObject({ EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' })
  })

  it('validates Limit, ExclusiveStartShardId and StreamName in AWS order', async () => {
    const deps = fakeStreamsDeps()
    await expect(
      describeStreamOperation(deps).handle({ StreamName: '', Limit: 0, ExclusiveStartShardId: '' }, context),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '5 validation errors detected: ' +
        "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '' at 'exclusiveStartShardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'exclusiveStartShardId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    })
  })

  it('answers ResourceNotFoundException for an unknown stream or one of another account', async () => {
    const deps = fakeStreamsDeps()
    await expect(
      describeStreamOperation(deps).handle({ StreamName: 'missing' }, context),
    ).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Stream missing under account ${ACCOUNT_ID} not found.`,
    })
    await createActiveStream(deps, 'orders', 1)
    await expect(
      describeStreamOperation(deps).handle(
        { StreamARN: 'arn:aws:kinesis:us-east-1:999999999999:stream/orders' },
        context,
      ),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
  })
})

describe('DescribeStreamSummary', () => {
  it('summarizes the stream with its open shard count', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 4)
    const stream = await storedStream(deps, 'orders')
    const { StreamDescriptionSummary: summary } = await describeStreamSummaryOperation(deps).handle(
      { StreamName: 'orders' },
      context,
    )
    expect(summary).toEqual({
      StreamName: 'orders',
      StreamARN: arnOf('orders'),
      StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: new Date(stream.createdAtMillis),
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: 'NONE',
      OpenShardCount: 4,
      ConsumerCount: 0,
      MaxRecordSizeInKiB: 1024,
    })
  })

  it('answers ResourceNotFoundException for an unknown stream', async () => {
    const deps = fakeStreamsDeps()
    await expect(
      describeStreamSummaryOperation(deps).handle({ StreamName: 'missing' }, context),
    ).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    })
  })
})
