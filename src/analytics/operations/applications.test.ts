import { beforeEach, describe, expect, it } from 'vitest'

import {
  analyticsCaller,
  CONTEXT,
  failure,
  FILTER_CODE,
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
  await createTestStream(deps.plane, { name: 'ticks', shardCount: 2 })
  await createTestStream(deps.plane, { name: 'alerts', shardCount: 1 })
})

const ARN = 'arn:aws:kinesisanalytics:us-east-1:123456789012:application/alerts'

describe('CreateApplication', () => {
  it('creates a READY application at version 1 and describes it as AWS does', async () => {
    const created = await call('CreateApplication', {
      ApplicationName: 'alerts',
      ApplicationDescription: 'price alerts',
      Inputs: [{ ...tickerInput('ticks'), InputParallelism: { Count: 2 } }],
      Outputs: [
        {
          Name: 'DESTINATION_SQL_STREAM',
          KinesisStreamsOutput: { ResourceARN: kinesisArn('alerts'), RoleARN: ROLE_ARN },
          DestinationSchema: { RecordFormatType: 'JSON' },
        },
      ],
      ApplicationCode: FILTER_CODE,
    })
    expect(created).toEqual({
      ApplicationSummary: { ApplicationName: 'alerts', ApplicationARN: ARN, ApplicationStatus: 'READY' },
    })
    const { ApplicationDetail: detail } = await call('DescribeApplication', { ApplicationName: 'alerts' })
    expect(detail).toMatchObject({
      ApplicationName: 'alerts',
      ApplicationDescription: 'price alerts',
      ApplicationARN: ARN,
      ApplicationStatus: 'READY',
      ApplicationVersionId: 1,
      ApplicationCode: FILTER_CODE,
      CreateTimestamp: new Date(deps.clock.now()),
      InputDescriptions: [
        {
          InputId: '1.1',
          NamePrefix: 'SOURCE_SQL_STREAM',
          InAppStreamNames: ['SOURCE_SQL_STREAM_001', 'SOURCE_SQL_STREAM_002'],
          KinesisStreamsInputDescription: { ResourceARN: kinesisArn('ticks'), RoleARN: ROLE_ARN },
          InputParallelism: { Count: 2 },
          InputSchema: { RecordEncoding: 'UTF-8' },
        },
      ],
      OutputDescriptions: [{ OutputId: '1.1', Name: 'DESTINATION_SQL_STREAM' }],
      ReferenceDataSourceDescriptions: [],
      CloudWatchLoggingOptionDescriptions: [],
    })
  })

  it('refuses a second application of the same name', async () => {
    await call('CreateApplication', { ApplicationName: 'alerts' })
    expect(await failure(call('CreateApplication', { ApplicationName: 'alerts' }))).toEqual({
      type: 'ResourceInUseException',
      message: 'Application alerts already exists.',
    })
  })

  it('refuses code the checker rejects, naming the position, and stores nothing', async () => {
    expect(
      await failure(
        call('CreateApplication', {
          ApplicationName: 'alerts',
          ApplicationCode: 'CREATE STREAM s;\nSELECT BROKEN',
        }),
      ),
    ).toEqual({
      type: 'CodeValidationException',
      message: 'Invalid SQL code: line 2, column 8: Unexpected BROKEN',
    })
    expect(await failure(call('DescribeApplication', { ApplicationName: 'alerts' }))).toMatchObject({
      type: 'ResourceNotFoundException',
    })
  })

  it('checks the code against the in-application streams the inputs create', async () => {
    const seen: unknown[] = []
    const checking = analyticsCaller({
      ...deps,
      checkApplicationCode: (_code, sources) => {
        seen.push(sources)
        return undefined
      },
    })
    await checking('CreateApplication', {
      ApplicationName: 'alerts',
      Inputs: [tickerInput('ticks')],
      ApplicationCode: FILTER_CODE,
    })
    expect(seen).toEqual([
      [
        {
          name: 'SOURCE_SQL_STREAM_001',
          kind: 'stream',
          columns: [
            { name: 'TICKER_SYMBOL', sqlType: 'VARCHAR(4)' },
            { name: 'SECTOR', sqlType: 'VARCHAR(16)' },
            { name: 'CHANGE', sqlType: 'REAL' },
            { name: 'PRICE', sqlType: 'REAL' },
          ],
        },
      ],
    ])
  })

  it('refuses an input stream that does not exist, two inputs, four outputs and invalid schemas', async () => {
    expect(
      await failure(call('CreateApplication', { ApplicationName: 'a', Inputs: [tickerInput('missing')] })),
    ).toEqual({
      type: 'InvalidArgumentException',
      message: 'Stream missing under account 123456789012 not found.',
    })
    expect(
      await failure(
        call('CreateApplication', {
          ApplicationName: 'a',
          Inputs: [tickerInput('ticks'), tickerInput('ticks')],
        }),
      ),
    ).toMatchObject({ type: 'LimitExceededException' })
    const output = {
      Name: 'OUT',
      KinesisFirehoseOutput: {
        ResourceARN: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/d',
        RoleARN: ROLE_ARN,
      },
      DestinationSchema: { RecordFormatType: 'CSV' },
    }
    expect(
      await failure(
        call('CreateApplication', { ApplicationName: 'a', Outputs: [output, output, output, output] }),
      ),
    ).toEqual({
      type: 'LimitExceededException',
      message: 'An application can have at most 3 outputs; this change would make 4.',
    })
    const noMapping = tickerInput('ticks')
    noMapping.InputSchema = {
      RecordFormat: JSON_FORMAT,
      RecordColumns: [{ Name: 'A', SqlType: 'INTEGER' }],
    }
    expect(await failure(call('CreateApplication', { ApplicationName: 'a', Inputs: [noMapping] }))).toEqual({
      type: 'InvalidArgumentException',
      message: 'Column A needs a Mapping for the JSON record format.',
    })
    const badType = tickerInput('ticks')
    badType.InputSchema = {
      RecordFormat: JSON_FORMAT,
      RecordColumns: [{ Name: 'A', SqlType: 'VARCHAR', Mapping: '$.a' }],
    }
    expect(await failure(call('CreateApplication', { ApplicationName: 'a', Inputs: [badType] }))).toEqual({
      type: 'InvalidArgumentException',
      message: 'VARCHAR needs a length of at least 1: VARCHAR (column A)',
    })
    const noSource = { ...tickerInput('ticks'), KinesisStreamsInput: undefined }
    expect(
      await failure(call('CreateApplication', { ApplicationName: 'a', Inputs: [noSource] })),
    ).toMatchObject({
      type: 'InvalidArgumentException',
    })
    expect((await call('ListApplications', {})).ApplicationSummaries).toEqual([])
  })

  it('accepts a Firehose delivery stream as input without checking it exists', async () => {
    const input = {
      ...tickerInput('ticks'),
      KinesisStreamsInput: undefined,
      KinesisFirehoseInput: {
        ResourceARN: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/d',
        RoleARN: ROLE_ARN,
      },
    }
    await call('CreateApplication', { ApplicationName: 'alerts', Inputs: [input] })
    const { ApplicationDetail: detail } = await call('DescribeApplication', { ApplicationName: 'alerts' })
    expect(detail).toMatchObject({
      InputDescriptions: [{ KinesisFirehoseInputDescription: input.KinesisFirehoseInput }],
    })
  })

  it('refuses a request that breaks the service model with a ValidationException', async () => {
    expect(await failure(call('CreateApplication', { ApplicationName: 'no spaces' }))).toMatchObject({
      type: 'ValidationException',
    })
  })

  it('answers 503 ServiceUnavailable while the catalog is down', async () => {
    deps.applications.unavailable = true
    expect(await failure(call('ListApplications', {}))).toMatchObject({ type: 'ServiceUnavailable' })
  })
})

describe('ListApplications', () => {
  it('pages by name with Limit, ExclusiveStartApplicationName and HasMoreApplications', async () => {
    for (const name of ['c', 'a', 'b']) await call('CreateApplication', { ApplicationName: name })
    const first = await call('ListApplications', { Limit: 2 })
    expect(first).toEqual({
      ApplicationSummaries: [
        { ApplicationName: 'a', ApplicationARN: ARN.replace('alerts', 'a'), ApplicationStatus: 'READY' },
        { ApplicationName: 'b', ApplicationARN: ARN.replace('alerts', 'b'), ApplicationStatus: 'READY' },
      ],
      HasMoreApplications: true,
    })
    const second = await call('ListApplications', { Limit: 2, ExclusiveStartApplicationName: 'b' })
    expect(second).toMatchObject({
      ApplicationSummaries: [{ ApplicationName: 'c' }],
      HasMoreApplications: false,
    })
    expect(await failure(call('ListApplications', { Limit: 51 }))).toMatchObject({
      type: 'ValidationException',
    })
  })

  it('lists only the caller account and region', async () => {
    await call('CreateApplication', { ApplicationName: 'a' })
    const elsewhere = analyticsCaller(deps, { ...CONTEXT, region: 'eu-west-1' })
    expect(await elsewhere('ListApplications', {})).toEqual({
      ApplicationSummaries: [],
      HasMoreApplications: false,
    })
  })
})

describe('DeleteApplication', () => {
  it('accepts the CreateTimestamp in whole seconds, as the AWS CLI sends it', async () => {
    deps.clock.advance(345)
    await call('CreateApplication', { ApplicationName: 'alerts' })
    const truncated = new Date(Math.floor(deps.clock.now() / 1000) * 1000)
    await call('DeleteApplication', { ApplicationName: 'alerts', CreateTimestamp: truncated })
    expect((await call('ListApplications', {})).ApplicationSummaries).toEqual([])
  })

  it('deletes a READY application given its CreateTimestamp', async () => {
    await call('CreateApplication', { ApplicationName: 'alerts' })
    const { ApplicationDetail: detail } = await call('DescribeApplication', { ApplicationName: 'alerts' })
    const createdAt = (detail as { CreateTimestamp: Date }).CreateTimestamp
    expect(
      await failure(
        call('DeleteApplication', {
          ApplicationName: 'alerts',
          CreateTimestamp: new Date(createdAt.getTime() - 1000),
        }),
      ),
    ).toMatchObject({ type: 'ResourceNotFoundException' })
    await call('DeleteApplication', { ApplicationName: 'alerts', CreateTimestamp: createdAt })
    expect(await failure(call('DescribeApplication', { ApplicationName: 'alerts' }))).toEqual({
      type: 'ResourceNotFoundException',
      message: 'Application alerts is not found.',
    })
    expect(
      await failure(call('DeleteApplication', { ApplicationName: 'alerts', CreateTimestamp: createdAt })),
    ).toMatchObject({ type: 'ResourceNotFoundException' })
  })
})
