import { describe, expect, it } from 'vitest'

import {
  createActiveDeliveryStream,
  fakeFirehose,
  S3_DESTINATION,
  type FakeFirehose,
} from '../../../test/support/firehose/fake-firehose.ts'

const ERROR_OUTPUT_PREFIX = 'errors/!{firehose:error-output-type}/'

const METADATA_EXTRACTION = {
  Type: 'MetadataExtraction',
  Parameters: [
    { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{"customer":.customer}' },
    { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
  ],
}

const LAMBDA = {
  Type: 'Lambda',
  Parameters: [
    { ParameterName: 'LambdaArn', ParameterValue: 'arn:aws:lambda:us-east-1:123456789012:function:enrich' },
  ],
}

const PARQUET_CONVERSION = {
  Enabled: true,
  SchemaConfiguration: {
    RoleARN: 'arn:aws:iam::123456789012:role/glue',
    DatabaseName: 'analytics',
    TableName: 'events',
  },
  InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
  OutputFormatConfiguration: { Serializer: { ParquetSerDe: {} } },
}

/** Creating `refused` with this destination answers InvalidArgumentException with `message`, storing nothing. */
async function expectCreateRefused(
  firehose: FakeFirehose,
  destination: object,
  message: string | RegExp,
): Promise<void> {
  await expect(
    firehose.call('CreateDeliveryStream', {
      DeliveryStreamName: 'refused',
      ExtendedS3DestinationConfiguration: { ...S3_DESTINATION, ...destination },
    }),
  ).rejects.toMatchObject({
    type: 'InvalidArgumentException',
    message: typeof message === 'string' ? message : (expect.stringMatching(message) as unknown),
  })
  await firehose.settle()
  expect(await firehose.deps.catalog.listAll(firehose.context)).toEqual([])
  expect(firehose.deps.recordLog.topicNames()).toEqual([])
}

async function described(firehose: FakeFirehose): Promise<unknown> {
  const answer = await firehose.call<{ DeliveryStreamDescription: unknown }>('DescribeDeliveryStream', {
    DeliveryStreamName: 'clicks',
  })
  return answer.DeliveryStreamDescription
}

async function expectUpdateRefused(
  firehose: FakeFirehose,
  update: object,
  message: string | RegExp,
): Promise<void> {
  const before = await described(firehose)
  await expect(
    firehose.call('UpdateDestination', {
      DeliveryStreamName: 'clicks',
      CurrentDeliveryStreamVersionId: '1',
      DestinationId: 'destinationId-000000000001',
      ExtendedS3DestinationUpdate: update,
    }),
  ).rejects.toMatchObject({
    type: 'InvalidArgumentException',
    message: typeof message === 'string' ? message : (expect.stringMatching(message) as unknown),
  })
  expect(await described(firehose)).toEqual(before)
}

describe('CreateDeliveryStream refuses destinations that break the S3 prefix rules', () => {
  it("refuses '!{' outside a closed !{namespace:value} expression", async () => {
    await expectCreateRefused(
      fakeFirehose(),
      { Prefix: 'logs/!{timestamp:yyyy', ErrorOutputPrefix: ERROR_OUTPUT_PREFIX },
      "Ths supplied prefix(es) do not satisfy the following constraint: The sequence '!{' can only appear in !{namespace:value} expressions",
    )
  })

  it('refuses partition key namespaces without dynamic partitioning', async () => {
    await expectCreateRefused(
      fakeFirehose(),
      { Prefix: 'customer=!{partitionKeyFromQuery:x}/', ErrorOutputPrefix: ERROR_OUTPUT_PREFIX },
      'Dynamic Partitioning Namespaces can only be part of a prefix expression when Dynamic Partitioning is enabled.',
    )
  })

  it('refuses dynamic partitioning whose Prefix has no partition key namespace', async () => {
    await expectCreateRefused(
      fakeFirehose(),
      {
        Prefix: 'year=!{timestamp:yyyy}/',
        ErrorOutputPrefix: ERROR_OUTPUT_PREFIX,
        DynamicPartitioningConfiguration: { Enabled: true },
        ProcessingConfiguration: { Enabled: true, Processors: [METADATA_EXTRACTION] },
      },
      'S3 Prefix should contain Dynamic Partitioning namespaces when Dynamic Partitioning is enabled',
    )
  })

  it('refuses a Prefix with expressions and no ErrorOutputPrefix', async () => {
    await expectCreateRefused(
      fakeFirehose(),
      { Prefix: 'year=!{timestamp:yyyy}/' },
      'Ths supplied prefix(es) do not satisfy the following constraint: ErrorOutputPrefix cannot be null or empty when Prefix contains expressions',
    )
  })

  it('refuses dynamic partitioning without an enabled processor giving keys, or without the one its keys need', async () => {
    const firehose = fakeFirehose()
    const partitioned = {
      Prefix: 'customer=!{partitionKeyFromQuery:customer}/',
      ErrorOutputPrefix: ERROR_OUTPUT_PREFIX,
      DynamicPartitioningConfiguration: { Enabled: true },
    }
    await expectCreateRefused(
      firehose,
      partitioned,
      'Processing Configuration is not enabled when DataPartitioning is enabled',
    )
    await expectCreateRefused(
      firehose,
      { ...partitioned, ProcessingConfiguration: { Enabled: false, Processors: [METADATA_EXTRACTION] } },
      'Processing Configuration is not enabled when DataPartitioning is enabled',
    )
    await expectCreateRefused(
      firehose,
      { ...partitioned, ProcessingConfiguration: { Enabled: true, Processors: [LAMBDA] } },
      'MetadataExtraction processor should be present when S3 Prefix has partitionKeyFromQuery namespace',
    )
    await expectCreateRefused(
      firehose,
      {
        ...partitioned,
        Prefix: 'customer=!{partitionKeyFromLambda:customer}/',
        ProcessingConfiguration: { Enabled: true, Processors: [METADATA_EXTRACTION] },
      },
      'Lambda should be present when S3 Prefix contains keys from partitionKeyFromLambda namespace',
    )
  })

  it("checks an S3 backup's prefixes too", async () => {
    await expectCreateRefused(
      fakeFirehose(),
      {
        S3BackupMode: 'Enabled',
        S3BackupConfiguration: { ...S3_DESTINATION, Prefix: 'backup/!{timestamp:yyyy}/' },
      },
      /ErrorOutputPrefix cannot be null or empty when Prefix contains expressions/,
    )
  })

  it('accepts the dynamic partitioning of the AWS CDK integration test', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks', {
      ExtendedS3DestinationConfiguration: {
        ...S3_DESTINATION,
        Prefix: 'customer=!{partitionKeyFromQuery:customer}/',
        ErrorOutputPrefix: ERROR_OUTPUT_PREFIX,
        DynamicPartitioningConfiguration: { Enabled: true },
        ProcessingConfiguration: { Enabled: true, Processors: [METADATA_EXTRACTION] },
      },
    })
    expect((await firehose.deps.catalog.listAll(firehose.context)).map((stream) => stream.name)).toEqual([
      'clicks',
    ])
  })
})

describe('CreateDeliveryStream refuses processors and format conversions it cannot run', () => {
  it('refuses a processor parameter out of range', async () => {
    await expectCreateRefused(
      fakeFirehose(),
      {
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'Lambda',
              Parameters: [
                {
                  ParameterName: 'LambdaArn',
                  ParameterValue: 'arn:aws:lambda:us-east-1:123456789012:function:enrich',
                },
                { ParameterName: 'NumberOfRetries', ParameterValue: '301' },
              ],
            },
          ],
        },
      },
      'NumberOfRetries must be an integer between 0 and 300, got 301.',
    )
  })

  it('refuses MetadataExtraction without dynamic partitioning', async () => {
    await expectCreateRefused(
      fakeFirehose(),
      { ProcessingConfiguration: { Enabled: true, Processors: [METADATA_EXTRACTION] } },
      'MetadataExtraction processor is supported only when dynamic partitioning is enabled.',
    )
  })

  it('refuses ORC output and a conversion without its table', async () => {
    const firehose = fakeFirehose()
    await expectCreateRefused(
      firehose,
      {
        DataFormatConversionConfiguration: {
          ...PARQUET_CONVERSION,
          OutputFormatConfiguration: { Serializer: { OrcSerDe: {} } },
        },
      },
      'ORC output format is not supported; use ParquetSerDe.',
    )
    await expectCreateRefused(
      firehose,
      { DataFormatConversionConfiguration: { ...PARQUET_CONVERSION, SchemaConfiguration: {} } },
      /^SchemaConfiguration with DatabaseName and TableName is required/,
    )
  })
})

describe('UpdateDestination checks the destination as merged', () => {
  it('refuses a Prefix with expressions while the kept ErrorOutputPrefix is empty, changing nothing', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    await expectUpdateRefused(
      firehose,
      { Prefix: 'year=!{timestamp:yyyy}/' },
      /ErrorOutputPrefix cannot be null or empty when Prefix contains expressions$/,
    )
    await expectUpdateRefused(
      firehose,
      { Prefix: 'customer=!{partitionKeyFromLambda:customer}/', ErrorOutputPrefix: ERROR_OUTPUT_PREFIX },
      'Dynamic Partitioning Namespaces can only be part of a prefix expression when Dynamic Partitioning is enabled.',
    )
  })

  it('refuses bad processors and format conversions, changing nothing', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    await expectUpdateRefused(
      firehose,
      {
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [{ Type: 'CloudWatchLogProcessing', Parameters: [] }],
        },
      },
      'CloudWatchLogProcessing processor requires the Decompression processor.',
    )
    await expectUpdateRefused(
      firehose,
      {
        DataFormatConversionConfiguration: {
          ...PARQUET_CONVERSION,
          OutputFormatConfiguration: { Serializer: { OrcSerDe: {} } },
        },
      },
      'ORC output format is not supported; use ParquetSerDe.',
    )
  })

  it('accepts a valid change of prefixes', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    await firehose.call('UpdateDestination', {
      DeliveryStreamName: 'clicks',
      CurrentDeliveryStreamVersionId: '1',
      DestinationId: 'destinationId-000000000001',
      ExtendedS3DestinationUpdate: {
        Prefix: 'year=!{timestamp:yyyy}/',
        ErrorOutputPrefix: ERROR_OUTPUT_PREFIX,
      },
    })
    expect(await described(firehose)).toMatchObject({ VersionId: '2' })
  })
})

describe('buffering minimums of dynamic partitioning and record format conversion', () => {
  const PARTITIONED = {
    Prefix: 'customer=!{partitionKeyFromQuery:customer}/',
    ErrorOutputPrefix: ERROR_OUTPUT_PREFIX,
    DynamicPartitioningConfiguration: { Enabled: true },
    ProcessingConfiguration: { Enabled: true, Processors: [METADATA_EXTRACTION] },
  }

  it('refuses dynamic partitioning under 64 MiB or 60 seconds, in AWS words', async () => {
    const firehose = fakeFirehose()
    await expectCreateRefused(
      firehose,
      { ...PARTITIONED, BufferingHints: { SizeInMBs: 63, IntervalInSeconds: 60 } },
      'BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.',
    )
    for (const IntervalInSeconds of [0, 59]) {
      await expectCreateRefused(
        firehose,
        { ...PARTITIONED, BufferingHints: { SizeInMBs: 64, IntervalInSeconds } },
        'BufferingHints.IntervalInSeconds must be at least 60 seconds when Dynamic Partitioning is enabled.',
      )
    }
  })

  it('refuses record format conversion under 64 MiB, whatever the interval', async () => {
    await expectCreateRefused(
      fakeFirehose(),
      {
        DataFormatConversionConfiguration: PARQUET_CONVERSION,
        BufferingHints: { SizeInMBs: 63, IntervalInSeconds: 900 },
      },
      'BufferingHints.SizeInMBs must be at least 64 when data format conversion is enabled.',
    )
  })

  it('accepts the minimums, a short interval with format conversion, and small buffers when both are off', async () => {
    const firehose = fakeFirehose()
    const accepted = [
      { ...PARTITIONED, BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 } },
      {
        DataFormatConversionConfiguration: PARQUET_CONVERSION,
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 0 },
      },
      {
        DataFormatConversionConfiguration: { ...PARQUET_CONVERSION, Enabled: false },
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
      },
      {
        DynamicPartitioningConfiguration: { Enabled: false },
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 },
      },
    ]
    for (const [index, destination] of accepted.entries()) {
      await firehose.call('CreateDeliveryStream', {
        DeliveryStreamName: `accepted-${String(index)}`,
        ExtendedS3DestinationConfiguration: { ...S3_DESTINATION, ...destination },
      })
    }
  })

  it('gives 128 MiB to either when no BufferingHints are given', async () => {
    for (const destination of [PARTITIONED, { DataFormatConversionConfiguration: PARQUET_CONVERSION }]) {
      const firehose = fakeFirehose()
      await createActiveDeliveryStream(firehose, 'clicks', {
        ExtendedS3DestinationConfiguration: { ...S3_DESTINATION, ...destination },
      })
      expect(await described(firehose)).toMatchObject({
        Destinations: [
          {
            ExtendedS3DestinationDescription: { BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 300 } },
            S3DestinationDescription: { BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 300 } },
          },
        ],
      })
    }
  })

  it('refuses an UpdateDestination that leaves the merged destination under the minimums, changing nothing', async () => {
    const partitioned = fakeFirehose()
    await createActiveDeliveryStream(partitioned, 'clicks', {
      ExtendedS3DestinationConfiguration: { ...S3_DESTINATION, ...PARTITIONED },
    })
    await expectUpdateRefused(
      partitioned,
      { BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 0 } },
      'BufferingHints.IntervalInSeconds must be at least 60 seconds when Dynamic Partitioning is enabled.',
    )
    await expectUpdateRefused(
      partitioned,
      { BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 } },
      'BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.',
    )

    // Format conversion added to a stream that kept the 5 MiB default.
    const plain = fakeFirehose()
    await createActiveDeliveryStream(plain, 'clicks')
    await expectUpdateRefused(
      plain,
      { DataFormatConversionConfiguration: PARQUET_CONVERSION },
      'BufferingHints.SizeInMBs must be at least 64 when data format conversion is enabled.',
    )
    await plain.call('UpdateDestination', {
      DeliveryStreamName: 'clicks',
      CurrentDeliveryStreamVersionId: '1',
      DestinationId: 'destinationId-000000000001',
      ExtendedS3DestinationUpdate: {
        DataFormatConversionConfiguration: PARQUET_CONVERSION,
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
      },
    })
    expect(await described(plain)).toMatchObject({ VersionId: '2' })
  })
})
