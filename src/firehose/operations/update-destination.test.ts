import { describe, expect, it } from 'vitest'

import {
  createActiveDeliveryStream,
  fakeFirehose,
  type FakeFirehose,
} from '../../../test/support/firehose/fake-firehose.ts'

const DESTINATION_ID = 'destinationId-000000000001'

async function described(firehose: FakeFirehose): Promise<Record<string, unknown>> {
  const answer = await firehose.call<{ DeliveryStreamDescription: Record<string, unknown> }>(
    'DescribeDeliveryStream',
    { DeliveryStreamName: 'clicks' },
  )
  return answer.DeliveryStreamDescription
}

function update(version: string, change: object) {
  return {
    DeliveryStreamName: 'clicks',
    CurrentDeliveryStreamVersionId: version,
    DestinationId: DESTINATION_ID,
    ...change,
  }
}

const HTTP_ENDPOINT = {
  EndpointConfiguration: { Url: 'https://collector.example/ingest', Name: 'collector', AccessKey: 'key-1' },
  S3Update: { RoleARN: 'arn:aws:iam::123456789012:role/backup', BucketARN: 'arn:aws:s3:::backup' },
}

describe('UpdateDestination', () => {
  it('refuses a VersionId that is not the current one, changing nothing', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    const before = await described(firehose)
    await expect(
      firehose.call('UpdateDestination', update('2', { ExtendedS3DestinationUpdate: { Prefix: 'x/' } })),
    ).rejects.toMatchObject({
      type: 'ConcurrentModificationException',
      message:
        'Cannot update firehose: clicks since the current version id: 1 and specified version id: 2 do not match',
    })
    expect(await described(firehose)).toEqual(before)
  })

  it('merges an update of the same type and moves VersionId on; identical and empty updates leave it', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    firehose.deps.clock.advance(5_000)
    await firehose.call(
      'UpdateDestination',
      update('1', {
        ExtendedS3DestinationUpdate: { Prefix: 'logs/', BufferingHints: { IntervalInSeconds: 60 } },
      }),
    )
    const after = await described(firehose)
    expect(after.VersionId).toBe('2')
    expect(after.LastUpdateTimestamp).toEqual(new Date(firehose.deps.clock.now()))
    const [destination] = after.Destinations as Record<string, Record<string, unknown>>[]
    expect(destination?.ExtendedS3DestinationDescription).toMatchObject({
      BucketARN: 'arn:aws:s3:::delivery-bucket',
      Prefix: 'logs/',
      BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
    })
    expect(destination?.S3DestinationDescription).toMatchObject({ Prefix: 'logs/' })

    await firehose.call(
      'UpdateDestination',
      update('2', { ExtendedS3DestinationUpdate: { Prefix: 'logs/' } }),
    )
    await firehose.call('UpdateDestination', update('2', {}))
    expect(await described(firehose)).toEqual(after)

    await firehose.call(
      'UpdateDestination',
      update('2', {
        ExtendedS3DestinationUpdate: {
          S3BackupMode: 'Enabled',
          S3BackupUpdate: {
            RoleARN: 'arn:aws:iam::123456789012:role/backup',
            BucketARN: 'arn:aws:s3:::backup',
          },
        },
      }),
    )
    const backedUp = await described(firehose)
    expect(backedUp.VersionId).toBe('3')
    const [withBackup] = backedUp.Destinations as Record<string, Record<string, unknown>>[]
    expect(withBackup?.ExtendedS3DestinationDescription).toMatchObject({
      Prefix: 'logs/',
      S3BackupMode: 'Enabled',
      S3BackupDescription: { BucketARN: 'arn:aws:s3:::backup', CompressionFormat: 'UNCOMPRESSED' },
    })
  })

  it('replaces the destination with one of another type, which then needs what a configuration needs', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    await expect(
      firehose.call(
        'UpdateDestination',
        update('1', {
          HttpEndpointDestinationUpdate: { EndpointConfiguration: HTTP_ENDPOINT.EndpointConfiguration },
        }),
      ),
    ).rejects.toMatchObject({ type: 'InvalidArgumentException' })
    await firehose.call('UpdateDestination', update('1', { HttpEndpointDestinationUpdate: HTTP_ENDPOINT }))
    const after = await described(firehose)
    expect(after.VersionId).toBe('2')
    expect(after.Destinations).toEqual([
      {
        DestinationId: DESTINATION_ID,
        HttpEndpointDestinationDescription: {
          EndpointConfiguration: { Url: 'https://collector.example/ingest', Name: 'collector' },
          BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
          CloudWatchLoggingOptions: { Enabled: false },
          RequestConfiguration: { ContentEncoding: 'NONE' },
          RetryOptions: { DurationInSeconds: 300 },
          S3BackupMode: 'FailedDataOnly',
          S3DestinationDescription: {
            ...HTTP_ENDPOINT.S3Update,
            BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
            CompressionFormat: 'UNCOMPRESSED',
            EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
            CloudWatchLoggingOptions: { Enabled: false },
          },
        },
      },
    ])
    // The access key is kept for the delivery workers, never shown.
    const [record] = await firehose.deps.catalog.listDeliveryStreamRecords()
    expect(record?.httpEndpointAccessKey).toBe('key-1')
  })

  it('refuses two destinations, an unknown destination id, disabling backup and changing dynamic partitioning', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks', {
      ExtendedS3DestinationConfiguration: {
        RoleARN: 'arn:aws:iam::123456789012:role/firehose',
        BucketARN: 'arn:aws:s3:::delivery-bucket',
        S3BackupMode: 'Enabled',
        S3BackupConfiguration: {
          RoleARN: 'arn:aws:iam::123456789012:role/firehose',
          BucketARN: 'arn:aws:s3:::backup',
        },
      },
    })
    const refusals = [
      update('1', { ExtendedS3DestinationUpdate: {}, HttpEndpointDestinationUpdate: HTTP_ENDPOINT }),
      {
        ...update('1', { ExtendedS3DestinationUpdate: { Prefix: 'x/' } }),
        DestinationId: 'destinationId-000000000002',
      },
      update('1', { ExtendedS3DestinationUpdate: { S3BackupMode: 'Disabled' } }),
      update('1', { ExtendedS3DestinationUpdate: { DynamicPartitioningConfiguration: { Enabled: true } } }),
    ]
    for (const request of refusals) {
      await expect(firehose.call('UpdateDestination', request)).rejects.toMatchObject({
        type: 'InvalidArgumentException',
      })
    }
    expect((await described(firehose)).VersionId).toBe('1')
  })
})
