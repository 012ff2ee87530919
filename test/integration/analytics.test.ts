// Kinesis Data Analytics for SQL on the whole gateway and the real servers: schema discovery from the records
// of a real Kinesis stream (Kafka topic), the application catalog in real Redis, and the AWS CLI creating an
// application from a SQL file.

import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { CreateStreamCommand, PutRecordsCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis'
import { DiscoverInputSchemaCommand, KinesisAnalyticsClient } from '@aws-sdk/client-kinesis-analytics'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { MinioObjectStore } from '../../src/adapters/s3/minio-object-store.ts'
import { ensureAwsCli } from './fixture/aws-cli.ts'
import { kinesisClient, startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'

const run = promisify(execFile)

const SQL = `-- price alerts (AWS getting-started)
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), change REAL, price REAL);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol, change, price FROM "SOURCE_SQL_STREAM_001"
  WHERE (ABS(Change / (Price - Change)) * 100) > 1;
`

describe('Kinesis Data Analytics for SQL on real Kafka and Redis', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  const region = 'us-east-1'
  const stream = uniqueName('analytics-ticks')
  const streamArn = `arn:aws:kinesis:${region}:${accountId}:stream/${stream}`
  const role = `arn:aws:iam::${accountId}:role/analytics`
  let gateway: TestGateway
  let aws: string
  let directory: string

  beforeAll(async () => {
    aws = await ensureAwsCli((line) => {
      process.stdout.write(`[integration] ${line}\n`)
    })
    gateway = await startTestGateway(stack)
    directory = await mkdtemp(join(tmpdir(), 'analytics-cli-'))
    const kinesis = kinesisClient(gateway.endpoint, accountId, 'HTTP/2', region)
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }))
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: stream })
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: ['AMZN', 'MSFT', 'IBM', 'QXZ'].map((ticker, index) => ({
          PartitionKey: ticker,
          Data: Buffer.from(
            JSON.stringify({
              TICKER_SYMBOL: ticker,
              SECTOR: 'TECHNOLOGY',
              CHANGE: index - 1.25,
              PRICE: 10 + index,
            }),
          ),
        })),
      }),
    )
    kinesis.destroy()
  }, 400_000)

  afterAll(async () => {
    await gateway.stop()
    await rm(directory, { recursive: true, force: true })
  })

  async function cli(...args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await run(
      aws,
      ['kinesisanalytics', ...args, '--endpoint-url', gateway.endpoint, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: accountId,
          AWS_SECRET_ACCESS_KEY: 'test-secret',
          AWS_DEFAULT_REGION: region,
        },
      },
    )
    return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>)
  }

  it("discovers the input schema from the stream's records in Kafka", async () => {
    const analytics = new KinesisAnalyticsClient({
      endpoint: gateway.endpoint,
      region,
      credentials: { accessKeyId: accountId, secretAccessKey: 'test-secret' },
      maxAttempts: 1,
    })
    const discovered = await analytics.send(
      new DiscoverInputSchemaCommand({
        ResourceARN: streamArn,
        RoleARN: role,
        InputStartingPositionConfiguration: { InputStartingPosition: 'TRIM_HORIZON' },
      }),
    )
    analytics.destroy()
    expect(discovered.InputSchema?.RecordColumns).toEqual([
      { Name: 'TICKER_SYMBOL', Mapping: '$.TICKER_SYMBOL', SqlType: 'VARCHAR(4)' },
      { Name: 'SECTOR', Mapping: '$.SECTOR', SqlType: 'VARCHAR(16)' },
      { Name: 'CHANGE', Mapping: '$.CHANGE', SqlType: 'REAL' },
      { Name: 'PRICE', Mapping: '$.PRICE', SqlType: 'INTEGER' },
    ])
    expect(discovered.RawInputRecords).toHaveLength(4)
    expect(discovered.ParsedInputRecords?.map((row) => row[0]).sort()).toEqual(['AMZN', 'IBM', 'MSFT', 'QXZ'])
  })

  it('discovers the schema of a CSV object in real S3', async () => {
    const store = new MinioObjectStore(stack.s3)
    const bucket = uniqueName('analytics-ref').toLowerCase()
    await store.ensureBucket(bucket)
    await store.put(bucket, 'companies.csv', Buffer.from('AMZN,Amazon,1994\nMSFT,Microsoft,1975\n'))
    const discovered = await cli(
      'discover-input-schema',
      '--s3-configuration',
      `RoleARN=${role},BucketARN=arn:aws:s3:::${bucket},FileKey=companies.csv`,
    )
    expect(discovered).toMatchObject({
      InputSchema: {
        RecordFormat: { RecordFormatType: 'CSV' },
        RecordColumns: [
          { Name: 'COL_0', SqlType: 'VARCHAR(4)' },
          { Name: 'COL_1', SqlType: 'VARCHAR(16)' },
          { Name: 'COL_2', SqlType: 'INTEGER' },
        ],
      },
      ParsedInputRecords: [
        ['AMZN', 'Amazon', '1994'],
        ['MSFT', 'Microsoft', '1975'],
      ],
    })
  })

  it('creates an application from a SQL file with the AWS CLI, starts, stops and deletes it', async () => {
    const name = uniqueName('alerts')
    const codeFile = join(directory, 'alerts.sql')
    const inputsFile = join(directory, 'inputs.json')
    await writeFile(codeFile, SQL)
    const discovered = await cli(
      'discover-input-schema',
      '--resource-arn',
      streamArn,
      '--role-arn',
      role,
      '--input-starting-position-configuration',
      'InputStartingPosition=TRIM_HORIZON',
    )
    await writeFile(
      inputsFile,
      JSON.stringify([
        {
          NamePrefix: 'SOURCE_SQL_STREAM',
          KinesisStreamsInput: { ResourceARN: streamArn, RoleARN: role },
          InputSchema: discovered.InputSchema,
        },
      ]),
    )
    const created = await cli(
      'create-application',
      '--application-name',
      name,
      '--inputs',
      `file://${inputsFile}`,
      '--application-code',
      `file://${codeFile}`,
    )
    expect(created).toEqual({
      ApplicationSummary: {
        ApplicationName: name,
        ApplicationARN: `arn:aws:kinesisanalytics:${region}:${accountId}:application/${name}`,
        ApplicationStatus: 'READY',
      },
    })
    const described = (await cli('describe-application', '--application-name', name)).ApplicationDetail as {
      ApplicationCode: string
      ApplicationVersionId: number
      CreateTimestamp: string
      InputDescriptions: { InputId: string; InAppStreamNames: string[] }[]
    }
    expect(described.ApplicationCode).toBe(SQL)
    expect(described.ApplicationVersionId).toBe(1)
    expect(described.InputDescriptions[0]?.InAppStreamNames).toEqual(['SOURCE_SQL_STREAM_001'])

    const listed = (await cli('list-applications')).ApplicationSummaries as { ApplicationName: string }[]
    expect(listed.map((summary) => summary.ApplicationName)).toContain(name)

    await cli(
      'start-application',
      '--application-name',
      name,
      '--input-configurations',
      'Id=1.1,InputStartingPositionConfiguration={InputStartingPosition=NOW}',
    )
    // The gateway's runtime runs it (RUNNING), and stops it (READY).
    const status = async (): Promise<string> =>
      (
        (await cli('describe-application', '--application-name', name)).ApplicationDetail as {
          ApplicationStatus: string
        }
      ).ApplicationStatus
    const waitFor = async (wanted: string): Promise<void> => {
      const deadline = Date.now() + 40_000
      for (let current = await status(); current !== wanted; current = await status()) {
        if (Date.now() > deadline) throw new Error(`application ${name} is ${current}, not ${wanted}`)
        await new Promise((resolve) => setTimeout(resolve, 300))
      }
    }
    await waitFor('RUNNING')
    await cli('stop-application', '--application-name', name)
    await waitFor('READY')

    await cli(
      'delete-application',
      '--application-name',
      name,
      '--create-timestamp',
      described.CreateTimestamp,
    )
    await expect(cli('describe-application', '--application-name', name)).rejects.toThrow(
      /ResourceNotFoundException.*is not found/,
    )
  })
})
