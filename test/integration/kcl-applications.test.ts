// KCL's checkpoints read through /kcl/applications and `npm run kcl`, on real Kafka and Redis: a stream with
// records, a lease table written through the gateway's DynamoDB API as KCL writes it, the lag it shows, and a
// later checkpoint reducing it.

import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import type { ApplicationReport } from '../../src/kcl/inspector.ts'
import { kinesisClient, startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream } from './fixture/streams.ts'

const run = promisify(execFile)
const accountId = testAccountId()
const streamName = uniqueName('kcl-stream')
const application = uniqueName('kcl-app')
const WORKER = '81b53f8a-1f2d-42ce-893a-b76b76b76183'

let gateway: TestGateway
let kinesis: KinesisClient
let dynamo: DynamoDBClient
let sequenceNumbers: string[]
/** When the records were put: the lag in milliseconds is measured from their arrival. */
let putWindow: { from: number; to: number }

beforeAll(async () => {
  gateway = await startTestGateway(inject('stack'))
  kinesis = kinesisClient(gateway.endpoint, accountId, 'HTTP/2')
  dynamo = new DynamoDBClient({
    endpoint: gateway.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: accountId, secretAccessKey: 'secret' },
    maxAttempts: 1,
  })
  await createActiveStream(kinesis, streamName, 2)
  // Ten records into shard 0 (hash key 0), none into shard 1.
  const from = Date.now()
  const put = await kinesis.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: Array.from({ length: 10 }, (_, index) => ({
        Data: Buffer.from(`record ${String(index)}`),
        PartitionKey: 'p',
        ExplicitHashKey: '0',
      })),
    }),
  )
  putWindow = { from, to: Date.now() }
  sequenceNumbers = (put.Records ?? []).map((record) => record.SequenceNumber ?? '')
  expect(sequenceNumbers).toHaveLength(10)

  // The lease table as KCL 3.x creates and fills it (the reference's request shapes).
  await dynamo.send(
    new CreateTableCommand({
      TableName: application,
      AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: false,
    }),
  )
  await dynamo.send(
    new PutItemCommand({
      TableName: application,
      Item: {
        cv: { S: 'CLIENT_VERSION_3X' },
        mb: { S: WORKER },
        entityType: { S: 'CLIENT_VERSION_MIGRATION' },
        leaseKey: { S: 'Migration3.0' },
        mts: { N: '1796612236407' },
      },
      Expected: { leaseKey: { Exists: false } },
    }),
  )
  await dynamo.send(
    new PutItemCommand({
      TableName: application,
      Item: {
        leaseKey: { S: 'Leader' },
        ownerName: { S: WORKER },
        recordVersionNumber: { S: 'd9c778bc-1744-4b4c-8b15-68dd77a462bd' },
        entityType: { S: 'LEADER' },
        leaseDuration: { S: '120000' },
      },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'leaseKey' },
    }),
  )
  for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
    await dynamo.send(
      new PutItemCommand({
        TableName: application,
        Item: {
          leaseKey: { S: shardId },
          checkpoint: { S: 'TRIM_HORIZON' },
          checkpointSubSequenceNumber: { N: '0' },
          leaseCounter: { N: '0' },
          ownerSwitchesSinceCheckpoint: { N: '0' },
        },
        Expected: { leaseKey: { Exists: false } },
      }),
    )
    // Taking the lease, as KCL does.
    await dynamo.send(
      new UpdateItemCommand({
        TableName: application,
        Key: { leaseKey: { S: shardId } },
        AttributeUpdates: {
          checkpointOwner: { Action: 'DELETE' },
          leaseCounter: { Value: { N: '1' }, Action: 'ADD' },
          leaseOwner: { Value: { S: WORKER }, Action: 'PUT' },
        },
        Expected: {
          checkpointOwner: { Exists: false },
          leaseKey: { Value: { S: shardId }, Exists: true },
          leaseOwner: { Exists: false },
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    )
  }
}, 60_000)

afterAll(async () => {
  kinesis.destroy()
  dynamo.destroy()
  await gateway.stop()
})

/** KCL's checkpoint update of shard 0 (the reference's request shape). */
async function checkpoint(sequenceNumber: string, leaseCounter: number): Promise<void> {
  await dynamo.send(
    new UpdateItemCommand({
      TableName: application,
      Key: { leaseKey: { S: 'shardId-000000000000' } },
      AttributeUpdates: {
        checkpoint: { Value: { S: sequenceNumber }, Action: 'PUT' },
        leaseCounter: { Value: { N: String(leaseCounter + 1) }, Action: 'PUT' },
        pendingCheckpoint: { Action: 'DELETE' },
        checkpointSubSequenceNumber: { Value: { N: '0' }, Action: 'PUT' },
        ownerSwitchesSinceCheckpoint: { Value: { N: '0' }, Action: 'PUT' },
      },
      Expected: { leaseCounter: { Value: { N: String(leaseCounter) } } },
    }),
  )
}

async function report(): Promise<ApplicationReport> {
  const response = await fetch(
    `${gateway.endpoint}/kcl/applications/${application}?account=${accountId}&stream=${streamName}`,
  )
  expect(response.status).toBe(200)
  return (await response.json()) as ApplicationReport
}

describe('KCL applications', () => {
  it('lists the lease table in its account', async () => {
    const response = await fetch(`${gateway.endpoint}/kcl/applications?account=${accountId}`)
    expect(await response.json()).toEqual({ accountId, region: 'us-east-1', applications: [application] })
  })

  it('shows owner, checkpoint and lag; a later checkpoint reduces the lag', async () => {
    const asked = Date.now()
    let leases = (await report()).leases
    const answered = Date.now()
    expect(leases.map((lease) => lease.leaseKey)).toEqual(['shardId-000000000000', 'shardId-000000000001'])
    expect(leases[0]).toMatchObject({ owner: WORKER, checkpoint: 'TRIM_HORIZON', leaseCounter: 1 })
    expect(leases[0]?.lag?.records).toBe(10)
    // Since the first record arrived (with a millisecond of rounding either side).
    expect(leases[0]?.lag?.millis).toBeGreaterThanOrEqual(asked - putWindow.to - 1)
    expect(leases[0]?.lag?.millis).toBeLessThanOrEqual(answered - putWindow.from + 1)
    expect(leases[1]).toMatchObject({ owner: WORKER, lag: { records: 0, millis: 0 } })

    await checkpoint(sequenceNumbers[3] ?? '', 1)
    leases = (await report()).leases
    expect(leases[0]).toMatchObject({ checkpoint: sequenceNumbers[3], leaseCounter: 2 })
    expect(leases[0]?.lag?.records).toBe(6)
    expect(leases[0]?.lag?.millis).toBeGreaterThanOrEqual(0)

    await checkpoint(sequenceNumbers[9] ?? '', 2)
    leases = (await report()).leases
    expect(leases[0]).toMatchObject({ checkpoint: sequenceNumbers[9], lag: { records: 0, millis: 0 } })
  })

  it('npm run kcl prints the leases as a table', async () => {
    const args = ['--stream', streamName, '--account', accountId, '--endpoint', gateway.endpoint]
    const { stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      'src/kcl/cli.ts',
      application,
      ...args,
    ])
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(`${application} (account ${accountId}, us-east-1)`)
    expect(lines[1]).toMatch(/^SHARD\s+OWNER\s+CHECKPOINT\s+COUNTER\s+LAG RECORDS\s+LAG MS$/)
    expect(lines[2]).toMatch(new RegExp(`^shardId-000000000000\\s+${WORKER}\\s+\\d{56}\\s+3\\s+0\\s+0$`))
    expect(lines[3]).toMatch(new RegExp(`^shardId-000000000001\\s+${WORKER}\\s+TRIM_HORIZON\\s+1\\s+0\\s+0$`))

    const missing = await run(process.execPath, [
      '--import',
      'tsx',
      'src/kcl/cli.ts',
      'no-such-app',
      ...args,
    ]).catch((error: unknown) => error as { code: number; stderr: string })
    expect(missing).toMatchObject({ code: 1 })
    expect((missing as { stderr: string }).stderr).toContain('404 no KCL lease table no-such-app')
  })
})
