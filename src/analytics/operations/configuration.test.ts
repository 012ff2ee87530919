import { beforeEach, describe, expect, it } from 'vitest'

import {
  analyticsCaller,
  failure,
  JSON_FORMAT,
  kinesisArn,
  ROLE_ARN,
  tickerInput,
} from '../../../test/support/analytics/analytics-calls.ts'
import {
  fakeAnalyticsDeps,
  type FakeAnalyticsDeps,
} from '../../../test/support/analytics/fake-analytics-deps.ts'
import { createTestStream } from '../../../test/support/streams/test-streams.ts'

let deps: FakeAnalyticsDeps
let call: ReturnType<typeof analyticsCaller>

beforeEach(async () => {
  deps = fakeAnalyticsDeps()
  call = analyticsCaller(deps)
  await createTestStream(deps.plane, { name: 'ticks', shardCount: 1 })
  await createTestStream(deps.plane, { name: 'other', shardCount: 1 })
  await call('CreateApplication', { ApplicationName: 'app' })
})

async function detail(): Promise<Record<string, unknown>> {
  return (await call('DescribeApplication', { ApplicationName: 'app' })).ApplicationDetail as Record<
    string,
    unknown
  >
}

const lambda = { ResourceARN: 'arn:aws:lambda:us-east-1:123456789012:function:f', RoleARN: ROLE_ARN }
const firehoseOutput = (name: string) => ({
  Name: name,
  KinesisFirehoseOutput: {
    ResourceARN: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/d',
    RoleARN: ROLE_ARN,
  },
  DestinationSchema: { RecordFormatType: 'JSON' },
})
const reference = {
  TableName: 'Companies',
  S3ReferenceDataSource: {
    BucketARN: 'arn:aws:s3:::ref',
    FileKey: 'companies.csv',
    ReferenceRoleARN: ROLE_ARN,
  },
  ReferenceSchema: {
    RecordFormat: {
      RecordFormatType: 'CSV',
      MappingParameters: { CSVMappingParameters: { RecordRowDelimiter: '\n', RecordColumnDelimiter: ',' } },
    },
    RecordColumns: [
      { Name: 'Ticker', SqlType: 'VARCHAR(4)' },
      { Name: 'Company', SqlType: 'VARCHAR(64)' },
    ],
  },
}

describe('configuration changes', () => {
  it('add inputs, outputs, reference data, processing and logging, each bumping the version', async () => {
    await call('AddApplicationInput', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 1,
      Input: tickerInput('ticks'),
    })
    await call('AddApplicationInputProcessingConfiguration', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 2,
      InputId: '1.1',
      InputProcessingConfiguration: { InputLambdaProcessor: lambda },
    })
    await call('AddApplicationOutput', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 3,
      Output: firehoseOutput('A'),
    })
    await call('AddApplicationOutput', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 4,
      Output: firehoseOutput('B'),
    })
    await call('AddApplicationReferenceDataSource', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 5,
      ReferenceDataSource: reference,
    })
    await call('AddApplicationCloudWatchLoggingOption', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 6,
      CloudWatchLoggingOption: {
        LogStreamARN: 'arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s',
        RoleARN: ROLE_ARN,
      },
    })
    expect(await detail()).toMatchObject({
      ApplicationVersionId: 7,
      ApplicationStatus: 'READY',
      InputDescriptions: [
        {
          InputId: '1.1',
          InputProcessingConfigurationDescription: { InputLambdaProcessorDescription: lambda },
        },
      ],
      OutputDescriptions: [
        { OutputId: '1.1', Name: 'A' },
        { OutputId: '2.1', Name: 'B' },
      ],
      ReferenceDataSourceDescriptions: [
        {
          ReferenceId: '1.1',
          TableName: 'Companies',
          S3ReferenceDataSourceDescription: reference.S3ReferenceDataSource,
          ReferenceSchema: { RecordEncoding: 'UTF-8' },
        },
      ],
      CloudWatchLoggingOptionDescriptions: [{ CloudWatchLoggingOptionId: '1.1' }],
    })

    await call('DeleteApplicationOutput', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 7,
      OutputId: '1.1',
    })
    await call('AddApplicationOutput', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 8,
      Output: firehoseOutput('C'),
    })
    await call('DeleteApplicationInputProcessingConfiguration', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 9,
      InputId: '1.1',
    })
    await call('DeleteApplicationReferenceDataSource', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 10,
      ReferenceId: '1.1',
    })
    await call('DeleteApplicationCloudWatchLoggingOption', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 11,
      CloudWatchLoggingOptionId: '1.1',
    })
    const after = await detail()
    expect(after).toMatchObject({
      ApplicationVersionId: 12,
      OutputDescriptions: [
        { OutputId: '2.1', Name: 'B' },
        { OutputId: '3.1', Name: 'C' },
      ],
      ReferenceDataSourceDescriptions: [],
      CloudWatchLoggingOptionDescriptions: [],
    })
    expect((after.InputDescriptions as object[])[0]).not.toHaveProperty(
      'InputProcessingConfigurationDescription',
    )
  })

  it('refuses a stale CurrentApplicationVersionId and changes nothing', async () => {
    await call('AddApplicationOutput', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 1,
      Output: firehoseOutput('A'),
    })
    expect(
      await failure(
        call('AddApplicationOutput', {
          ApplicationName: 'app',
          CurrentApplicationVersionId: 1,
          Output: firehoseOutput('B'),
        }),
      ),
    ).toEqual({
      type: 'ConcurrentModificationException',
      message:
        'Provided application version id (1) does not match the current application version id (2) of application app.',
    })
    expect(await detail()).toMatchObject({ ApplicationVersionId: 2, OutputDescriptions: [{ Name: 'A' }] })
  })

  it('lets only one of two replicas write a change read from the same version', async () => {
    const record = await deps.applications.get({
      accountId: '123456789012',
      region: 'us-east-1',
      applicationName: 'app',
    })
    if (record === undefined) throw new Error('no application')
    expect(await deps.applications.update({ ...record, versionId: 2, revision: record.revision + 1 })).toBe(
      true,
    )
    expect(await deps.applications.update({ ...record, versionId: 2, revision: record.revision + 1 })).toBe(
      false,
    )
  })

  it('enforces one input, three outputs and one reference data source', async () => {
    await call('AddApplicationInput', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 1,
      Input: tickerInput('ticks'),
    })
    expect(
      await failure(
        call('AddApplicationInput', {
          ApplicationName: 'app',
          CurrentApplicationVersionId: 2,
          Input: tickerInput('other'),
        }),
      ),
    ).toEqual({
      type: 'LimitExceededException',
      message: 'An application can have at most 1 inputs; this change would make 2.',
    })
    for (const [index, name] of ['A', 'B', 'C'].entries()) {
      await call('AddApplicationOutput', {
        ApplicationName: 'app',
        CurrentApplicationVersionId: 2 + index,
        Output: firehoseOutput(name),
      })
    }
    expect(
      await failure(
        call('AddApplicationOutput', {
          ApplicationName: 'app',
          CurrentApplicationVersionId: 5,
          Output: firehoseOutput('D'),
        }),
      ),
    ).toMatchObject({ type: 'LimitExceededException' })
    await call('AddApplicationReferenceDataSource', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 5,
      ReferenceDataSource: reference,
    })
    expect(
      await failure(
        call('AddApplicationReferenceDataSource', {
          ApplicationName: 'app',
          CurrentApplicationVersionId: 6,
          ReferenceDataSource: reference,
        }),
      ),
    ).toMatchObject({ type: 'LimitExceededException' })
  })

  it('answers ResourceNotFoundException for an unknown application or item id', async () => {
    expect(
      await failure(
        call('AddApplicationOutput', {
          ApplicationName: 'nope',
          CurrentApplicationVersionId: 1,
          Output: firehoseOutput('A'),
        }),
      ),
    ).toEqual({ type: 'ResourceNotFoundException', message: 'Application nope is not found.' })
    expect(
      await failure(
        call('DeleteApplicationOutput', {
          ApplicationName: 'app',
          CurrentApplicationVersionId: 1,
          OutputId: '9.1',
        }),
      ),
    ).toEqual({ type: 'ResourceNotFoundException', message: 'Output 9.1 is not found in application app.' })
  })

  it('checks the code again when an input is added', async () => {
    await call('UpdateApplication', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 1,
      ApplicationUpdate: { ApplicationCodeUpdate: 'SELECT 1' },
    })
    const checking = analyticsCaller({
      ...deps,
      checkApplicationCode: (_code, sources) =>
        sources.length === 0 ? undefined : { message: 'Column X not found', line: 1, column: 8 },
    })
    expect(
      await failure(
        checking('AddApplicationInput', {
          ApplicationName: 'app',
          CurrentApplicationVersionId: 2,
          Input: tickerInput('ticks'),
        }),
      ),
    ).toEqual({
      type: 'CodeValidationException',
      message: 'Invalid SQL code: line 1, column 8: Column X not found',
    })
    expect(await detail()).toMatchObject({ ApplicationVersionId: 2, InputDescriptions: [] })
  })
})

describe('UpdateApplication', () => {
  beforeEach(async () => {
    await call('AddApplicationInput', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 1,
      Input: tickerInput('ticks'),
    })
    await call('AddApplicationOutput', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 2,
      Output: firehoseOutput('A'),
    })
  })

  it('updates code, input and output by id in one new version', async () => {
    await call('UpdateApplication', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 3,
      ApplicationUpdate: {
        ApplicationCodeUpdate: 'SELECT STREAM * FROM "IN_001"',
        InputUpdates: [
          {
            InputId: '1.1',
            NamePrefixUpdate: 'IN',
            InputParallelismUpdate: { CountUpdate: 2 },
            KinesisStreamsInputUpdate: { ResourceARNUpdate: kinesisArn('other') },
            InputSchemaUpdate: { RecordColumnUpdates: [{ Name: 'X', SqlType: 'INTEGER', Mapping: '$.x' }] },
          },
        ],
        OutputUpdates: [
          {
            OutputId: '1.1',
            NameUpdate: 'B',
            KinesisStreamsOutputUpdate: { ResourceARNUpdate: kinesisArn('other'), RoleARNUpdate: ROLE_ARN },
            DestinationSchemaUpdate: { RecordFormatType: 'CSV' },
          },
        ],
      },
    })
    const after = await detail()
    expect(after).toMatchObject({
      ApplicationVersionId: 4,
      ApplicationCode: 'SELECT STREAM * FROM "IN_001"',
      InputDescriptions: [
        {
          InputId: '1.1',
          NamePrefix: 'IN',
          InAppStreamNames: ['IN_001', 'IN_002'],
          InputParallelism: { Count: 2 },
          KinesisStreamsInputDescription: { ResourceARN: kinesisArn('other'), RoleARN: ROLE_ARN },
          InputSchema: {
            RecordFormat: JSON_FORMAT,
            RecordColumns: [{ Name: 'X', SqlType: 'INTEGER', Mapping: '$.x' }],
          },
        },
      ],
      OutputDescriptions: [
        {
          OutputId: '1.1',
          Name: 'B',
          KinesisStreamsOutputDescription: { ResourceARN: kinesisArn('other'), RoleARN: ROLE_ARN },
          DestinationSchema: { RecordFormatType: 'CSV' },
        },
      ],
    })
    expect((after.OutputDescriptions as object[])[0]).not.toHaveProperty('KinesisFirehoseOutputDescription')
  })

  it('refuses an empty update, an unknown id, a missing stream and bad code without changing anything', async () => {
    const update = (ApplicationUpdate: object) =>
      failure(
        call('UpdateApplication', {
          ApplicationName: 'app',
          CurrentApplicationVersionId: 3,
          ApplicationUpdate,
        }),
      )
    expect(await update({})).toMatchObject({ type: 'InvalidArgumentException' })
    expect(await update({ InputUpdates: [{ InputId: '2.1', NamePrefixUpdate: 'X' }] })).toMatchObject({
      type: 'ResourceNotFoundException',
    })
    expect(
      await update({
        InputUpdates: [
          { InputId: '1.1', KinesisStreamsInputUpdate: { ResourceARNUpdate: kinesisArn('gone') } },
        ],
      }),
    ).toMatchObject({ type: 'InvalidArgumentException' })
    expect(await update({ ApplicationCodeUpdate: 'SELECT BROKEN' })).toMatchObject({
      type: 'CodeValidationException',
    })
    expect(await detail()).toMatchObject({ ApplicationVersionId: 3 })
  })
})
