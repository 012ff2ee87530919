import { describe, expect, it, vi } from 'vitest'

import { DELIVERY_TOPIC_CONFIG } from '../catalog/delivery-stream-lifecycle.ts'
import {
  createActiveDeliveryStream,
  fakeFirehose,
  S3_DESTINATION,
  type FakeFirehose,
} from '../../../test/support/firehose/fake-firehose.ts'
import { fakeStreamsDeps } from '../../../test/support/streams/fake-streams-deps.ts'
import { testStreamRecord } from '../../../test/support/streams/test-streams.ts'

const ARN = 'arn:aws:firehose:us-east-1:123456789012:deliverystream/clicks'

async function describeStream(firehose: FakeFirehose, name: string): Promise<Record<string, unknown>> {
  const { DeliveryStreamDescription } = await firehose.call<{
    DeliveryStreamDescription: Record<string, unknown>
  }>('DescribeDeliveryStream', { DeliveryStreamName: name })
  return DeliveryStreamDescription
}

describe('CreateDeliveryStream and DescribeDeliveryStream', () => {
  it('answers the ARN, shows CREATING with every default AWS echoes, then ACTIVE once the topic is served', async () => {
    const firehose = fakeFirehose()
    const now = firehose.deps.clock.now()
    firehose.deps.recordLog.faults.plan('createTopic', 'fail')
    expect(
      await firehose.call('CreateDeliveryStream', {
        DeliveryStreamName: 'clicks',
        ExtendedS3DestinationConfiguration: S3_DESTINATION,
      }),
    ).toEqual({ DeliveryStreamARN: ARN })
    const s3 = {
      ...S3_DESTINATION,
      BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
      CompressionFormat: 'UNCOMPRESSED',
      EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
      CloudWatchLoggingOptions: { Enabled: false },
    }
    const expected = {
      DeliveryStreamName: 'clicks',
      DeliveryStreamARN: ARN,
      DeliveryStreamStatus: 'CREATING',
      DeliveryStreamEncryptionConfiguration: { Status: 'DISABLED' },
      DeliveryStreamType: 'DirectPut',
      VersionId: '1',
      CreateTimestamp: new Date(now),
      Destinations: [
        {
          DestinationId: 'destinationId-000000000001',
          S3DestinationDescription: s3,
          ExtendedS3DestinationDescription: { ...s3, S3BackupMode: 'Disabled' },
        },
      ],
      HasMoreDestinations: false,
    }
    await firehose.settle()
    expect(await describeStream(firehose, 'clicks')).toEqual(expected)

    firehose.deps.clock.advance(1_000)
    await firehose.settle()
    expect(await describeStream(firehose, 'clicks')).toEqual({ ...expected, DeliveryStreamStatus: 'ACTIVE' })
    const topic = 'firehose.123456789012.us-east-1.clicks'
    expect(firehose.deps.recordLog.topicNames()).toEqual([topic])
    expect(firehose.deps.recordLog.partitionCount(topic)).toBe(2)
    expect(firehose.deps.recordLog.topicConfig(topic)).toEqual(DELIVERY_TOPIC_CONFIG)
    expect(DELIVERY_TOPIC_CONFIG['message.timestamp.type']).toBe('LogAppendTime')
  })

  it('shows an S3DestinationConfiguration as both descriptions too', async () => {
    const firehose = fakeFirehose()
    await firehose.call('CreateDeliveryStream', {
      DeliveryStreamName: 'legacy',
      S3DestinationConfiguration: { ...S3_DESTINATION, Prefix: 'logs/', CompressionFormat: 'GZIP' },
    })
    const [destination] = (await describeStream(firehose, 'legacy')).Destinations as Record<string, unknown>[]
    expect(destination?.S3DestinationDescription).toMatchObject({
      Prefix: 'logs/',
      CompressionFormat: 'GZIP',
    })
    expect(destination?.ExtendedS3DestinationDescription).toMatchObject({
      Prefix: 'logs/',
      CompressionFormat: 'GZIP',
      S3BackupMode: 'Disabled',
    })
  })

  it('refuses a name in use, a missing, doubled or unserved destination, and unserved sources, storing nothing', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    await expect(
      firehose.call('CreateDeliveryStream', {
        DeliveryStreamName: 'clicks',
        ExtendedS3DestinationConfiguration: S3_DESTINATION,
      }),
    ).rejects.toMatchObject({
      type: 'ResourceInUseException',
      message: 'Firehose clicks under accountId 123456789012 already exists',
    })
    const exactlyOne = {
      type: 'InvalidArgumentException',
      message: 'Exactly one destination configuration is supported for a Firehose',
    }
    await expect(firehose.call('CreateDeliveryStream', { DeliveryStreamName: 'none' })).rejects.toMatchObject(
      exactlyOne,
    )
    await expect(
      firehose.call('CreateDeliveryStream', {
        DeliveryStreamName: 'two',
        ExtendedS3DestinationConfiguration: S3_DESTINATION,
        S3DestinationConfiguration: S3_DESTINATION,
      }),
    ).rejects.toMatchObject(exactlyOne)
    await expect(
      firehose.call('CreateDeliveryStream', {
        DeliveryStreamName: 'warehouse',
        RedshiftDestinationConfiguration: { ClusterJDBCURL: 'jdbc:redshift://x' },
      }),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: expect.stringContaining('Redshift') as unknown,
    })
    await expect(
      firehose.call('CreateDeliveryStream', {
        DeliveryStreamName: 'msk',
        DeliveryStreamType: 'MSKAsSource',
        ExtendedS3DestinationConfiguration: S3_DESTINATION,
      }),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: expect.stringContaining('MSKAsSource') as unknown,
    })
    expect((await firehose.deps.catalog.listAll(firehose.context)).map((stream) => stream.name)).toEqual([
      'clicks',
    ])
  })

  it('words constraint violations as AWS does', async () => {
    const firehose = fakeFirehose()
    await expect(
      firehose.call('CreateDeliveryStream', {
        DeliveryStreamName: 'bad/name',
        ExtendedS3DestinationConfiguration: { ...S3_DESTINATION, BufferingHints: { SizeInMBs: 129 } },
      }),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "2 validation errors detected: Value 'bad/name' at 'deliveryStreamName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; ' +
        "Value '129' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy " +
        'constraint: Member must have value less than or equal to 128',
    })
    expect(firehose.deps.recordLog.topicNames()).toEqual([])
  })

  it('rolls a creation back when the topic cannot be created before the deadline', async () => {
    const firehose = fakeFirehose({ creationTimeoutMs: 5_000 })
    firehose.deps.recordLog.faults.failAlways('createTopic')
    await firehose.call('CreateDeliveryStream', {
      DeliveryStreamName: 'doomed',
      ExtendedS3DestinationConfiguration: S3_DESTINATION,
    })
    for (let step = 0; step < 10; step++) {
      firehose.deps.clock.advance(1_000)
      await firehose.settle()
    }
    await expect(describeStream(firehose, 'doomed')).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: 'Firehose doomed under account 123456789012 not found.',
    })
  })

  it('reads a Kinesis stream that exists, from the creation time on, and refuses puts', async () => {
    const firehose = fakeFirehose()
    const source = testStreamRecord(fakeStreamsDeps(), firehose.context, { name: 'orders' })
    await firehose.deps.streams.create(source)
    const configuration = {
      KinesisStreamARN: source.streamArn,
      RoleARN: 'arn:aws:iam::123456789012:role/firehose',
    }
    await expect(
      firehose.call('CreateDeliveryStream', {
        DeliveryStreamName: 'from-missing',
        DeliveryStreamType: 'KinesisStreamAsSource',
        KinesisStreamSourceConfiguration: { ...configuration, KinesisStreamARN: `${source.streamArn}-gone` },
        ExtendedS3DestinationConfiguration: S3_DESTINATION,
      }),
    ).rejects.toMatchObject({ type: 'InvalidArgumentException' })
    const now = firehose.deps.clock.now()
    await firehose.call('CreateDeliveryStream', {
      DeliveryStreamName: 'from-orders',
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: configuration,
      ExtendedS3DestinationConfiguration: S3_DESTINATION,
    })
    await firehose.settle()
    const description = await describeStream(firehose, 'from-orders')
    expect(description).toMatchObject({
      DeliveryStreamStatus: 'ACTIVE',
      DeliveryStreamType: 'KinesisStreamAsSource',
      Source: { KinesisStreamSourceDescription: { ...configuration, DeliveryStartTimestamp: new Date(now) } },
    })
    expect(description.DeliveryStreamEncryptionConfiguration).toBeUndefined()
    expect(firehose.deps.recordLog.topicNames()).toEqual([])
    const [record] = await firehose.deps.catalog.listDeliveryStreamRecords()
    expect(record?.topic).toBe(source.topic)
    await expect(
      firehose.call('PutRecord', {
        DeliveryStreamName: 'from-orders',
        Record: { Data: new Uint8Array([1]) },
      }),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: 'This operation is not permitted on KinesisStreamAsSource delivery stream type.',
    })
  })

  it('answers 503 ServiceUnavailableException while the catalog is unreachable', async () => {
    const firehose = fakeFirehose()
    firehose.deps.catalog.unavailable = true
    await expect(firehose.call('ListDeliveryStreams', {})).rejects.toMatchObject({
      type: 'ServiceUnavailableException',
      status: 503,
    })
  })
})

describe('ListDeliveryStreams', () => {
  it('lists names in order, by type, from a name on, at most Limit', async () => {
    const firehose = fakeFirehose()
    for (const name of ['c', 'a', 'b', 'd']) await createActiveDeliveryStream(firehose, name)
    expect(await firehose.call('ListDeliveryStreams', {})).toEqual({
      DeliveryStreamNames: ['a', 'b', 'c', 'd'],
      HasMoreDeliveryStreams: false,
    })
    expect(
      await firehose.call('ListDeliveryStreams', { Limit: 2, ExclusiveStartDeliveryStreamName: 'a' }),
    ).toEqual({
      DeliveryStreamNames: ['b', 'c'],
      HasMoreDeliveryStreams: true,
    })
    expect(
      await firehose.call('ListDeliveryStreams', { DeliveryStreamType: 'KinesisStreamAsSource' }),
    ).toEqual({
      DeliveryStreamNames: [],
      HasMoreDeliveryStreams: false,
    })
  })
})

describe('DeleteDeliveryStream', () => {
  it('goes DELETING, then removes the topic and the delivery stream', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    firehose.deps.recordLog.faults.plan('deleteTopic', 'hang-before')
    expect(await firehose.call('DeleteDeliveryStream', { DeliveryStreamName: 'clicks' })).toEqual({})
    await firehose.settle()
    expect(await describeStream(firehose, 'clicks')).toMatchObject({ DeliveryStreamStatus: 'DELETING' })
    expect(await firehose.deps.catalog.listDeliveryStreamRecords()).toEqual([])
    // A later lookup (here, a second delete) continues the deletion the first one left hanging.
    firehose.deps.clock.advance(30_000)
    await firehose.settle()
    expect(await firehose.call('DeleteDeliveryStream', { DeliveryStreamName: 'clicks' })).toEqual({})
    await firehose.settle()
    expect(firehose.deps.recordLog.topicNames()).toEqual([])
    await expect(
      firehose.call('DeleteDeliveryStream', { DeliveryStreamName: 'clicks' }),
    ).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    })
  })

  it('deletes a topic that a creation made after the delivery stream was deleted', async () => {
    const firehose = fakeFirehose()
    const recordLog = firehose.deps.recordLog
    let finishCreation: () => void = () => undefined
    const createTopic = recordLog.createTopic.bind(recordLog)
    vi.spyOn(recordLog, 'createTopic').mockImplementationOnce(
      (topic, partitions, config) =>
        new Promise((resolve, reject) => {
          finishCreation = () => {
            createTopic(topic, partitions, config).then(resolve, reject)
          }
        }),
    )
    await firehose.call('CreateDeliveryStream', {
      DeliveryStreamName: 'brief',
      ExtendedS3DestinationConfiguration: S3_DESTINATION,
    })
    await firehose.call('DeleteDeliveryStream', { DeliveryStreamName: 'brief' })
    await firehose.settle()
    expect(await firehose.deps.catalog.listAll(firehose.context)).toEqual([])
    finishCreation()
    await firehose.settle()
    expect(recordLog.topicNames()).toEqual([])
  })
})
