import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RemoveTagsFromStreamCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  UpdateStreamModeCommand,
  EnableEnhancedMonitoringCommand,
  DisableEnhancedMonitoringCommand,
  PutResourcePolicyCommand,
  GetResourcePolicyCommand,
  DeleteResourcePolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListTagsForResourceCommand,
  UpdateMaxRecordSizeCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import {
  kinesisClient,
  startTestGateway,
  testAccountId,
  type TestGateway,
  type Transport,
} from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream, readShard, rejection, waitUntilActive } from './fixture/streams.ts'

describe.each<Transport>(['HTTP/2', 'HTTP/1.1'])(
  'Kinesis Data Streams through @aws-sdk/client-kinesis over %s',
  (transport) => {
    const stack = inject('stack')
    const accountId = testAccountId()
    let gateway: TestGateway
    let client: KinesisClient

    beforeAll(async () => {
      gateway = await startTestGateway(stack)
      client = kinesisClient(gateway.endpoint, accountId, transport)
    })

    afterAll(async () => {
      client.destroy()
      await gateway.stop()
    })

    it('creates, describes, lists, tags and deletes a stream', async () => {
      const streamName = uniqueName('lifecycle')
      await client.send(
        new CreateStreamCommand({ StreamName: streamName, ShardCount: 3, Tags: { team: 'data' } }),
      )
      const creating = await client.send(new DescribeStreamCommand({ StreamName: streamName }))
      expect(['CREATING', 'ACTIVE']).toContain(creating.StreamDescription?.StreamStatus)
      await waitUntilActive(client, streamName)

      const { StreamDescription: description } = await client.send(
        new DescribeStreamCommand({ StreamName: streamName }),
      )
      expect(description?.StreamARN).toBe(`arn:aws:kinesis:us-east-1:${accountId}:stream/${streamName}`)
      expect(description?.Shards?.map((shard) => shard.ShardId)).toEqual([
        'shardId-000000000000',
        'shardId-000000000001',
        'shardId-000000000002',
      ])
      expect(description?.Shards?.[0]?.HashKeyRange).toEqual({
        StartingHashKey: '0',
        EndingHashKey: '113427455640312821154458202477256070484',
      })
      expect(description?.RetentionPeriodHours).toBe(24)
      expect(description?.StreamCreationTimestamp).toBeInstanceOf(Date)

      const listed = await client.send(new ListStreamsCommand({}))
      expect(listed.StreamNames).toContain(streamName)
      expect(listed.StreamSummaries?.map((summary) => summary.StreamName)).toContain(streamName)

      const shards = await client.send(new ListShardsCommand({ StreamName: streamName, MaxResults: 2 }))
      expect(shards.Shards).toHaveLength(2)
      expect(shards.NextToken).toBeDefined()
      const rest = await client.send(new ListShardsCommand({ NextToken: shards.NextToken }))
      expect(rest.Shards?.map((shard) => shard.ShardId)).toEqual(['shardId-000000000002'])

      await client.send(new AddTagsToStreamCommand({ StreamName: streamName, Tags: { env: 'test' } }))
      await client.send(new RemoveTagsFromStreamCommand({ StreamName: streamName, TagKeys: ['team'] }))
      const tags = await client.send(new ListTagsForStreamCommand({ StreamName: streamName }))
      expect(tags.Tags).toEqual([{ Key: 'env', Value: 'test' }])

      await client.send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: streamName, RetentionPeriodHours: 48 }),
      )
      await waitUntilActive(client, streamName)
      const shorter = await rejection(
        client.send(
          new IncreaseStreamRetentionPeriodCommand({ StreamName: streamName, RetentionPeriodHours: 24 }),
        ),
      )
      expect(shorter.name).toBe('InvalidArgumentException')
      await client.send(
        new DecreaseStreamRetentionPeriodCommand({ StreamName: streamName, RetentionPeriodHours: 24 }),
      )
      await waitUntilActive(client, streamName)

      const limits = await client.send(new DescribeLimitsCommand({}))
      expect(limits.OpenShardCount).toBeGreaterThanOrEqual(3)

      await client.send(new DeleteStreamCommand({ StreamName: streamName }))
      let gone = false
      for (let attempt = 0; attempt < 50 && !gone; attempt++) {
        const error = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName })).then(
          () => undefined,
          (failure: unknown) => failure as { name: string },
        )
        gone = error?.name === 'ResourceNotFoundException'
        if (!gone) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(gone).toBe(true)
    })

    it('writes records and reads them back in order from every iterator type', async () => {
      const streamName = uniqueName('records')
      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 2 }))
      await waitUntilActive(client, streamName)
      const before = new Date(Date.now() - 1000)

      const first = await client.send(
        new PutRecordCommand({ StreamName: streamName, PartitionKey: 'alpha', Data: Buffer.from('one') }),
      )
      const batch = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: Array.from({ length: 20 }, (_, index) => ({
            PartitionKey: 'alpha',
            Data: Buffer.from(`batch-${index}`),
          })),
        }),
      )
      expect(batch.FailedRecordCount).toBe(0)
      expect(new Set(batch.Records?.map((record) => record.ShardId))).toEqual(new Set([first.ShardId]))
      const sequenceNumbers = [
        first.SequenceNumber,
        ...(batch.Records ?? []).map((record) => record.SequenceNumber),
      ]
      const sorted = [...sequenceNumbers].sort((a, b) => (BigInt(a ?? '0') < BigInt(b ?? '0') ? -1 : 1))
      expect(sorted).toEqual(sequenceNumbers)

      const read = async (iterator: string | undefined): Promise<string[]> => {
        const result = await client.send(new GetRecordsCommand({ ShardIterator: iterator }))
        return (result.Records ?? []).map((record) => Buffer.from(record.Data ?? []).toString())
      }
      const shard = { StreamName: streamName, ShardId: first.ShardId }
      const trimHorizon = await client.send(
        new GetShardIteratorCommand({ ...shard, ShardIteratorType: 'TRIM_HORIZON' }),
      )
      expect(await read(trimHorizon.ShardIterator)).toEqual([
        'one',
        ...Array.from({ length: 20 }, (_, i) => `batch-${i}`),
      ])

      const atSequence = await client.send(
        new GetShardIteratorCommand({
          ...shard,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: batch.Records?.[5]?.SequenceNumber,
        }),
      )
      expect((await read(atSequence.ShardIterator))[0]).toBe('batch-5')

      const afterSequence = await client.send(
        new GetShardIteratorCommand({
          ...shard,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          StartingSequenceNumber: batch.Records?.[5]?.SequenceNumber,
        }),
      )
      expect((await read(afterSequence.ShardIterator))[0]).toBe('batch-6')

      const atTimestamp = await client.send(
        new GetShardIteratorCommand({ ...shard, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: before }),
      )
      expect((await read(atTimestamp.ShardIterator))[0]).toBe('one')

      const latest = await client.send(new GetShardIteratorCommand({ ...shard, ShardIteratorType: 'LATEST' }))
      const empty = await client.send(new GetRecordsCommand({ ShardIterator: latest.ShardIterator }))
      expect(empty.Records).toEqual([])
      expect(empty.MillisBehindLatest).toBe(0)
      await client.send(
        new PutRecordCommand({ StreamName: streamName, PartitionKey: 'alpha', Data: Buffer.from('new') }),
      )
      expect(await read(empty.NextShardIterator)).toEqual(['new'])

      const records = await client.send(
        new GetRecordsCommand({ ShardIterator: trimHorizon.ShardIterator, Limit: 1 }),
      )
      expect(records.Records?.[0]?.PartitionKey).toBe('alpha')
      expect(records.Records?.[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date)
      expect(records.Records?.[0]?.SequenceNumber).toBe(first.SequenceNumber)

      await client.send(new DeleteStreamCommand({ StreamName: streamName }))
    })

    it('answers bad input with AWS errors and writes nothing', async () => {
      const streamName = uniqueName('errors')
      const missing = await rejection(
        client.send(
          new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from('x') }),
        ),
      )
      expect(missing.name).toBe('ResourceNotFoundException')
      expect(missing.message).toBe(`Stream ${streamName} under account ${accountId} not found.`)

      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }))
      await waitUntilActive(client, streamName)

      const tooMany = await rejection(
        client.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: Array.from({ length: 501 }, () => ({ PartitionKey: 'k', Data: Buffer.from('x') })),
          }),
        ),
      )
      expect(tooMany.name).toBe('ValidationException')
      expect(tooMany.message).toMatch(
        /^1 validation error detected: Value '.*' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500$/,
      )

      const oversize = await rejection(
        client.send(
          new PutRecordCommand({
            StreamName: streamName,
            PartitionKey: 'k',
            Data: Buffer.alloc(1024 * 1024 + 1),
          }),
        ),
      )
      expect(oversize.name).toBe('ValidationException')

      const garbage = await rejection(
        client.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })),
      )
      expect(garbage.name).toBe('InvalidArgumentException')

      const duplicate = await rejection(
        client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 })),
      )
      expect(duplicate.name).toBe('ResourceInUseException')

      const iterator = await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
      const nothing = await client.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))
      expect(nothing.Records).toEqual([])

      await client.send(
        new StartStreamEncryptionCommand({
          StreamName: streamName,
          EncryptionType: 'KMS',
          KeyId: 'alias/aws/kinesis',
        }),
      )
      await waitUntilActive(client, streamName)
      const encrypted = await client.send(
        new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from('secret') }),
      )
      expect(encrypted.EncryptionType).toBe('KMS')
      const readBack = await client.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))
      expect(Buffer.from(readBack.Records?.[0]?.Data ?? []).toString()).toBe('secret')
      expect(readBack.Records?.[0]?.EncryptionType).toBe('KMS')

      await client.send(new DeleteStreamCommand({ StreamName: streamName }))
    })

    it('changes settings, policies and tags by ARN', async () => {
      const streamName = uniqueName('settings')
      await createActiveStream(client, streamName, 1)
      const streamArn = `arn:aws:kinesis:us-east-1:${accountId}:stream/${streamName}`

      await client.send(
        new UpdateStreamModeCommand({ StreamARN: streamArn, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
      )
      await waitUntilActive(client, streamName)
      const summary = await client.send(new DescribeStreamSummaryCommand({ StreamARN: streamArn }))
      expect(summary.StreamDescriptionSummary?.StreamModeDetails?.StreamMode).toBe('ON_DEMAND')

      const enabled = await client.send(
        new EnableEnhancedMonitoringCommand({ StreamName: streamName, ShardLevelMetrics: ['IncomingBytes'] }),
      )
      expect(enabled.DesiredShardLevelMetrics).toEqual(['IncomingBytes'])
      await waitUntilActive(client, streamName)
      const disabled = await client.send(
        new DisableEnhancedMonitoringCommand({ StreamName: streamName, ShardLevelMetrics: ['ALL'] }),
      )
      expect(disabled.DesiredShardLevelMetrics).toEqual([])
      await waitUntilActive(client, streamName)

      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: accountId },
            Action: 'kinesis:GetRecords',
            Resource: streamArn,
          },
        ],
      })
      await client.send(new PutResourcePolicyCommand({ ResourceARN: streamArn, Policy: policy }))
      expect((await client.send(new GetResourcePolicyCommand({ ResourceARN: streamArn }))).Policy).toBe(
        policy,
      )
      await client.send(new DeleteResourcePolicyCommand({ ResourceARN: streamArn }))

      await client.send(
        new TagResourceCommand({ ResourceARN: streamArn, Tags: { owner: 'team-a', tier: 'gold' } }),
      )
      await client.send(new UntagResourceCommand({ ResourceARN: streamArn, TagKeys: ['tier'] }))
      expect((await client.send(new ListTagsForResourceCommand({ ResourceARN: streamArn }))).Tags).toEqual([
        { Key: 'owner', Value: 'team-a' },
      ])

      await client.send(new UpdateMaxRecordSizeCommand({ StreamARN: streamArn, MaxRecordSizeInKiB: 2048 }))
      await waitUntilActive(client, streamName)
      const large = await client.send(
        new PutRecordCommand({
          StreamName: streamName,
          PartitionKey: 'big',
          Data: Buffer.alloc(1536 * 1024, 1),
        }),
      )
      expect(large.SequenceNumber).toBeDefined()

      await client.send(
        new StartStreamEncryptionCommand({
          StreamName: streamName,
          EncryptionType: 'KMS',
          KeyId: 'alias/aws/kinesis',
        }),
      )
      await waitUntilActive(client, streamName)
      await client.send(
        new StopStreamEncryptionCommand({
          StreamName: streamName,
          EncryptionType: 'KMS',
          KeyId: 'alias/aws/kinesis',
        }),
      )
      await waitUntilActive(client, streamName)
      const after = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
      expect(after.StreamDescriptionSummary?.EncryptionType).toBe('NONE')

      await client.send(new DeleteStreamCommand({ StreamName: streamName }))
    })

    it('keeps streams of different accounts and regions apart', async () => {
      const streamName = uniqueName('shared-name')
      const clients = [
        client,
        kinesisClient(gateway.endpoint, testAccountId(), transport),
        kinesisClient(gateway.endpoint, accountId, transport, 'eu-west-1'),
      ]
      try {
        for (const [index, each] of clients.entries()) {
          await createActiveStream(each, streamName, index + 1)
          await each.send(
            new PutRecordCommand({
              StreamName: streamName,
              PartitionKey: 'k',
              Data: Buffer.from(`copy-${index}`),
            }),
          )
        }
        for (const [index, each] of clients.entries()) {
          const summary = await each.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
          expect(summary.StreamDescriptionSummary?.OpenShardCount).toBe(index + 1)
          const shards = await each.send(new ListShardsCommand({ StreamName: streamName }))
          const values = await Promise.all(
            (shards.Shards ?? []).map((shard) => readShard(each, streamName, shard.ShardId ?? '')),
          )
          expect(values.flat()).toEqual([`copy-${index}`])
          await each.send(new DeleteStreamCommand({ StreamName: streamName }))
        }
      } finally {
        clients[1]?.destroy()
        clients[2]?.destroy()
      }
    })
  },
)
