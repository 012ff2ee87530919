import { beforeEach, describe, expect, it } from 'vitest'

import {
  analyticsCaller,
  failure,
  kinesisArn,
  ROLE_ARN,
} from '../../../test/support/analytics/analytics-calls.ts'
import {
  fakeAnalyticsDeps,
  type FakeAnalyticsDeps,
} from '../../../test/support/analytics/fake-analytics-deps.ts'
import { createTestStream } from '../../../test/support/streams/test-streams.ts'

let deps: FakeAnalyticsDeps
let call: ReturnType<typeof analyticsCaller>

beforeEach(() => {
  deps = fakeAnalyticsDeps()
  call = analyticsCaller(deps)
})

async function streamWith(name: string, records: string[], shardCount = 2): Promise<void> {
  const stream = await createTestStream(deps.plane, { name, shardCount })
  await deps.recordLog.append(
    stream.topic,
    records.map((text, index) => ({
      partition: index % shardCount,
      key: Buffer.from('k'),
      value: Buffer.from(text),
    })),
  )
}

describe('DiscoverInputSchema', () => {
  it("infers the schema from a stream's recent records", async () => {
    const records = Array.from({ length: 4 }, (_, index) =>
      JSON.stringify({ TICKER: `T${index}`, PRICE: index + 0.5 }),
    )
    await streamWith('ticks', records)
    const answer = await call('DiscoverInputSchema', {
      ResourceARN: kinesisArn('ticks'),
      RoleARN: ROLE_ARN,
      InputStartingPositionConfiguration: { InputStartingPosition: 'TRIM_HORIZON' },
    })
    expect(answer.InputSchema).toMatchObject({
      RecordColumns: [
        { Name: 'TICKER', Mapping: '$.TICKER', SqlType: 'VARCHAR(2)' },
        { Name: 'PRICE', Mapping: '$.PRICE', SqlType: 'REAL' },
      ],
    })
    expect(new Set(answer.RawInputRecords as string[])).toEqual(new Set(records))
    expect(answer.ProcessedInputRecords).toEqual(answer.RawInputRecords)
    expect(answer.ParsedInputRecords).toHaveLength(4)
  })

  it('skips records of an encrypted stream it cannot open', async () => {
    const stream = await createTestStream(deps.plane, { name: 'sealed', shardCount: 1 })
    await deps.recordLog.append(stream.topic, [
      {
        partition: 0,
        key: Buffer.from('k'),
        value: Buffer.from('sealed bytes'),
        headers: { 'kinesis-encryption': Buffer.from('kms:k') },
      },
      { partition: 0, key: Buffer.from('k'), value: Buffer.from('{"a":1}') },
    ])
    const answer = await call('DiscoverInputSchema', { ResourceARN: kinesisArn('sealed'), RoleARN: ROLE_ARN })
    expect(answer.RawInputRecords).toEqual(['{"a":1}'])
  })

  it('reads the lines of an S3 object', async () => {
    await deps.objects.ensureBucket('ref')
    await deps.objects.put('ref', 'companies.csv', Buffer.from('AMZN,Amazon\nMSFT,Microsoft\n'))
    const answer = await call('DiscoverInputSchema', {
      S3Configuration: { RoleARN: ROLE_ARN, BucketARN: 'arn:aws:s3:::ref', FileKey: 'companies.csv' },
    })
    expect(answer).toMatchObject({
      InputSchema: {
        RecordFormat: { RecordFormatType: 'CSV' },
        RecordColumns: [{ Name: 'COL_0' }, { Name: 'COL_1' }],
      },
      RawInputRecords: ['AMZN,Amazon', 'MSFT,Microsoft'],
      ParsedInputRecords: [
        ['AMZN', 'Amazon'],
        ['MSFT', 'Microsoft'],
      ],
    })
  })

  it('answers UnableToDetectSchemaException with the raw records when none can be read', async () => {
    await streamWith('words', ['hello there', 'general kenobi'], 1)
    expect(
      await failure(call('DiscoverInputSchema', { ResourceARN: kinesisArn('words'), RoleARN: ROLE_ARN })),
    ).toEqual({
      type: 'UnableToDetectSchemaException',
      message: 'Unable to determine the schema: the records are neither JSON objects nor delimited text.',
    })
    await streamWith('empty', [], 1)
    expect(
      await failure(call('DiscoverInputSchema', { ResourceARN: kinesisArn('empty'), RoleARN: ROLE_ARN })),
    ).toMatchObject({
      type: 'UnableToDetectSchemaException',
    })
  })

  it('refuses a missing stream, a missing object, Firehose, and no or both sources', async () => {
    expect(
      await failure(call('DiscoverInputSchema', { ResourceARN: kinesisArn('nope'), RoleARN: ROLE_ARN })),
    ).toEqual({
      type: 'InvalidArgumentException',
      message: 'Stream nope under account 123456789012 not found.',
    })
    expect(
      await failure(
        call('DiscoverInputSchema', {
          S3Configuration: { RoleARN: ROLE_ARN, BucketARN: 'arn:aws:s3:::ref', FileKey: 'nope' },
        }),
      ),
    ).toMatchObject({ type: 'InvalidArgumentException' })
    expect(
      await failure(
        call('DiscoverInputSchema', {
          ResourceARN: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/d',
          RoleARN: ROLE_ARN,
        }),
      ),
    ).toMatchObject({ type: 'InvalidArgumentException' })
    expect(await failure(call('DiscoverInputSchema', {}))).toMatchObject({ type: 'InvalidArgumentException' })
  })
})
