import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { ensureAwsCli } from './fixture/aws-cli.ts'
import { startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'

const run = promisify(execFile)

describe('the AWS CLI (from PyPI) driving the gateway from a shell, as a new user would', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let gateway: TestGateway
  let aws: string

  beforeAll(async () => {
    aws = await ensureAwsCli((line) => {
      process.stdout.write(`[integration] ${line}\n`)
    })
    gateway = await startTestGateway(stack)
  }, 400_000)

  afterAll(async () => {
    await gateway.stop()
  })

  async function kinesis(...args: string[]): Promise<unknown> {
    const { stdout } = await run(
      aws,
      ['kinesis', ...args, '--endpoint-url', gateway.endpoint, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: accountId,
          AWS_SECRET_ACCESS_KEY: 'test-secret',
          AWS_DEFAULT_REGION: 'eu-central-1',
        },
      },
    )
    return stdout.trim() === '' ? undefined : (JSON.parse(stdout) as unknown)
  }

  it('creates a stream, puts and gets records, describes and deletes it', async () => {
    const stream = uniqueName('cli')
    await kinesis('create-stream', '--stream-name', stream, '--shard-count', '2')
    await kinesis('wait', 'stream-exists', '--stream-name', stream)

    const summary = (await kinesis('describe-stream-summary', '--stream-name', stream)) as {
      StreamDescriptionSummary: { StreamStatus: string; OpenShardCount: number; StreamARN: string }
    }
    expect(summary.StreamDescriptionSummary.StreamStatus).toBe('ACTIVE')
    expect(summary.StreamDescriptionSummary.OpenShardCount).toBe(2)
    expect(summary.StreamDescriptionSummary.StreamARN).toBe(
      `arn:aws:kinesis:eu-central-1:${accountId}:stream/${stream}`,
    )

    const listed = (await kinesis('list-streams')) as { StreamNames: string[] }
    expect(listed.StreamNames).toContain(stream)

    const put = (await kinesis(
      'put-record',
      '--stream-name',
      stream,
      '--partition-key',
      'user-1',
      '--data',
      'hello from the cli',
    )) as {
      ShardId: string
      SequenceNumber: string
    }
    expect(put.SequenceNumber).toMatch(/^\d+$/)

    const iterator = (await kinesis(
      'get-shard-iterator',
      '--stream-name',
      stream,
      '--shard-id',
      put.ShardId,
      '--shard-iterator-type',
      'TRIM_HORIZON',
    )) as { ShardIterator: string }
    const records = (await kinesis('get-records', '--shard-iterator', iterator.ShardIterator)) as {
      Records: { Data: string; PartitionKey: string; SequenceNumber: string }[]
    }
    expect(records.Records).toHaveLength(1)
    expect(Buffer.from(records.Records[0]?.Data ?? '', 'base64').toString()).toBe('hello from the cli')
    expect(records.Records[0]?.PartitionKey).toBe('user-1')
    expect(records.Records[0]?.SequenceNumber).toBe(put.SequenceNumber)

    await kinesis('delete-stream', '--stream-name', stream)
    await kinesis('wait', 'stream-not-exists', '--stream-name', stream)
    const after = (await kinesis('list-streams')) as { StreamNames: string[] }
    expect(after.StreamNames).not.toContain(stream)
  })

  it('shows AWS errors on the command line', async () => {
    const missing = uniqueName('missing')
    const failure = await kinesis('describe-stream', '--stream-name', missing).then(
      () => undefined,
      (error: unknown) => error as { stderr: string; code: number },
    )
    expect(failure?.code).not.toBe(0)
    expect(failure?.stderr).toContain('ResourceNotFoundException')
    expect(failure?.stderr).toContain(`Stream ${missing} under account ${accountId} not found.`)
  })
})
