import type { DeliveryStreamDescription, ExtendedS3DestinationDescription } from '@aws-sdk/client-firehose'

import type { DeliveryStreamRecord } from '../../../src/ports/delivery-streams.ts'

export const TEST_ACCOUNT = '123456789012'
export const TEST_REGION = 'us-east-1'

export interface TestDeliveryStream {
  name: string
  topic: string
  bucket: string
  versionId?: string
  createdAtMs?: number
  destination?: Partial<ExtendedS3DestinationDescription>
  source?: { streamArn: string; startTimestampMs: number }
}

/** A DeliveryStreamRecord as the catalog lists an ACTIVE delivery stream to an S3 bucket. */
export function deliveryStreamRecord(stream: TestDeliveryStream): DeliveryStreamRecord {
  const description: DeliveryStreamDescription = {
    DeliveryStreamName: stream.name,
    DeliveryStreamARN: `arn:aws:firehose:${TEST_REGION}:${TEST_ACCOUNT}:deliverystream/${stream.name}`,
    DeliveryStreamStatus: 'ACTIVE',
    DeliveryStreamType: stream.source === undefined ? 'DirectPut' : 'KinesisStreamAsSource',
    VersionId: stream.versionId ?? '1',
    CreateTimestamp: new Date(stream.createdAtMs ?? Date.UTC(2026, 0, 1)),
    HasMoreDestinations: false,
    Destinations: [
      {
        DestinationId: 'destinationId-000000000001',
        ExtendedS3DestinationDescription: {
          RoleARN: `arn:aws:iam::${TEST_ACCOUNT}:role/firehose`,
          BucketARN: `arn:aws:s3:::${stream.bucket}`,
          BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
          CompressionFormat: 'UNCOMPRESSED',
          EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
          S3BackupMode: 'Disabled',
          ...stream.destination,
        },
      },
    ],
    ...(stream.source === undefined
      ? {}
      : {
          Source: {
            KinesisStreamSourceDescription: {
              KinesisStreamARN: stream.source.streamArn,
              RoleARN: `arn:aws:iam::${TEST_ACCOUNT}:role/firehose`,
              DeliveryStartTimestamp: new Date(stream.source.startTimestampMs),
            },
          },
        }),
  }
  return { account: TEST_ACCOUNT, region: TEST_REGION, topic: stream.topic, description }
}
