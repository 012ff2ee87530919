// Kinesis Data Analytics for SQL behind the real gateway, driven by @aws-sdk/client-kinesis-analytics over
// HTTP/2 and HTTP/1.1 on the memory fakes: the SDK must read every output and error as it reads AWS's.

import {
  AddApplicationOutputCommand,
  CodeValidationException,
  ConcurrentModificationException,
  CreateApplicationCommand,
  DeleteApplicationCommand,
  DescribeApplicationCommand,
  DiscoverInputSchemaCommand,
  KinesisAnalyticsClient,
  ListApplicationsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  StartApplicationCommand,
  StopApplicationCommand,
  TagResourceCommand,
  UnableToDetectSchemaException,
  UpdateApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics'
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createAnalyticsService } from '../../src/analytics/service.ts'
import { loadConfig } from '../../src/config.ts'
import { createGatewayServer, createLogger, type GatewayServer } from '../../src/gateway/index.ts'
import { FILTER_CODE, kinesisArn, ROLE_ARN, tickerInput } from '../support/analytics/analytics-calls.ts'
import { fakeAnalyticsDeps } from '../support/analytics/fake-analytics-deps.ts'
import { createTestStream } from '../support/streams/test-streams.ts'

const deps = fakeAnalyticsDeps()
let gateway: GatewayServer
let endpoint: string

beforeAll(async () => {
  await createTestStream(deps.plane, { name: 'ticks', shardCount: 2 })
  const words = await createTestStream(deps.plane, { name: 'words', shardCount: 1 })
  await deps.recordLog.append(words.topic, [
    { partition: 0, key: Buffer.from('k'), value: Buffer.from('no structure') },
  ])
  gateway = createGatewayServer({
    settings: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    services: [createAnalyticsService(deps)],
    healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
    logger: createLogger('silent'),
  })
  const { port } = await gateway.listen()
  endpoint = `http://127.0.0.1:${port}`
})

afterAll(async () => {
  await gateway.close()
})

function client(http1: boolean): KinesisAnalyticsClient {
  return new KinesisAnalyticsClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: http1 ? new NodeHttpHandler() : new NodeHttp2Handler(),
  })
}

describe.each([
  ['HTTP/2', false],
  ['HTTP/1.1', true],
])('applications through the AWS SDK over %s', (_, http1) => {
  const name = `alerts-${http1 ? 'h1' : 'h2'}`

  it('creates, describes, lists, changes, starts, stops, tags and deletes an application', async () => {
    const analytics = client(http1)
    const created = await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        Inputs: [tickerInput('ticks')],
        ApplicationCode: FILTER_CODE,
        Tags: [{ Key: 'team', Value: 'risk' }],
      }),
    )
    expect(created.ApplicationSummary).toEqual({
      ApplicationName: name,
      ApplicationARN: `arn:aws:kinesisanalytics:us-east-1:123456789012:application/${name}`,
      ApplicationStatus: 'READY',
    })
    const described = await analytics.send(new DescribeApplicationCommand({ ApplicationName: name }))
    const detail = described.ApplicationDetail
    expect(detail).toMatchObject({
      ApplicationVersionId: 1,
      ApplicationCode: FILTER_CODE,
      InputDescriptions: [{ InputId: '1.1', InAppStreamNames: ['SOURCE_SQL_STREAM_001'] }],
    })
    expect(detail?.CreateTimestamp).toBeInstanceOf(Date)

    const listed = await analytics.send(new ListApplicationsCommand({ Limit: 50 }))
    expect(listed.ApplicationSummaries?.map((summary) => summary.ApplicationName)).toContain(name)
    expect(listed.HasMoreApplications).toBe(false)

    await analytics.send(
      new AddApplicationOutputCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 1,
        Output: {
          Name: 'DESTINATION_SQL_STREAM',
          KinesisStreamsOutput: { ResourceARN: kinesisArn('ticks'), RoleARN: ROLE_ARN },
          DestinationSchema: { RecordFormatType: 'JSON' },
        },
      }),
    )
    await expect(
      analytics.send(
        new UpdateApplicationCommand({
          ApplicationName: name,
          CurrentApplicationVersionId: 1,
          ApplicationUpdate: { ApplicationCodeUpdate: 'SELECT 1' },
        }),
      ),
    ).rejects.toBeInstanceOf(ConcurrentModificationException)
    await expect(
      analytics.send(
        new UpdateApplicationCommand({
          ApplicationName: name,
          CurrentApplicationVersionId: 2,
          ApplicationUpdate: { ApplicationCodeUpdate: 'SELECT\n  BROKEN' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'CodeValidationException',
      message: 'Invalid SQL code: line 2, column 3: Unexpected BROKEN',
    })

    await analytics.send(
      new StartApplicationCommand({
        ApplicationName: name,
        InputConfigurations: [
          { Id: '1.1', InputStartingPositionConfiguration: { InputStartingPosition: 'NOW' } },
        ],
      }),
    )
    const starting = await analytics.send(new DescribeApplicationCommand({ ApplicationName: name }))
    expect(starting.ApplicationDetail?.ApplicationStatus).toBe('STARTING')
    await analytics.send(new StopApplicationCommand({ ApplicationName: name }))

    const arn = created.ApplicationSummary?.ApplicationARN
    await analytics.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'env', Value: 'prod' }] }))
    const tags = await analytics.send(new ListTagsForResourceCommand({ ResourceARN: arn }))
    expect(tags.Tags).toEqual([
      { Key: 'team', Value: 'risk' },
      { Key: 'env', Value: 'prod' },
    ])

    await analytics.send(
      new DeleteApplicationCommand({ ApplicationName: name, CreateTimestamp: detail?.CreateTimestamp }),
    )
    const missing = analytics.send(new DescribeApplicationCommand({ ApplicationName: name }))
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException)
    await expect(missing).rejects.toMatchObject({ message: `Application ${name} is not found.` })
    analytics.destroy()
  })

  it('reads the modelled errors: CodeValidationException and UnableToDetectSchemaException with its records', async () => {
    const analytics = client(http1)
    await expect(
      analytics.send(
        new CreateApplicationCommand({ ApplicationName: `bad-${name}`, ApplicationCode: 'BROKEN' }),
      ),
    ).rejects.toBeInstanceOf(CodeValidationException)
    const discovery = analytics.send(
      new DiscoverInputSchemaCommand({ ResourceARN: kinesisArn('words'), RoleARN: ROLE_ARN }),
    )
    await expect(discovery).rejects.toBeInstanceOf(UnableToDetectSchemaException)
    await expect(discovery).rejects.toMatchObject({
      RawInputRecords: ['no structure'],
      ProcessedInputRecords: ['no structure'],
    })
    await expect(
      analytics.send(new CreateApplicationCommand({ ApplicationName: 'not valid!' })),
    ).rejects.toMatchObject({ name: 'ValidationException' })
    analytics.destroy()
  })

  it('answers 503 ServiceUnavailable, which the SDK retries, while the catalog is down', async () => {
    const analytics = client(http1)
    deps.applications.unavailable = true
    try {
      await expect(analytics.send(new ListApplicationsCommand({}))).rejects.toMatchObject({
        name: 'ServiceUnavailable',
        $metadata: { httpStatusCode: 503 },
      })
    } finally {
      deps.applications.unavailable = false
    }
    analytics.destroy()
  })
})
