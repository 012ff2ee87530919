import { KINESIS_ENDPOINT } from '../../src/streams/service.ts'
// The control-plane operations behind the real gateway, driven by the AWS SDK (HTTP/2, JSON), on the memory
// fakes: the SDK must read every output and error as it reads Kinesis's.

import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  ListTagsForStreamCommand,
  ResourceInUseException,
  paginateListStreams,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../../src/config.ts'
import { createGatewayServer, createLogger, type GatewayServer } from '../../src/gateway/index.ts'
import { defineService } from '../../src/aws/index.ts'
import { ACCOUNT_ID, fakeStreamsDeps } from '../support/streams/fake-streams-deps.ts'
import { controlPlaneOperations } from '../../src/streams/operations/control-plane.ts'

const deps = fakeStreamsDeps({ creatingDelayMs: 0, shardLimit: 100 })
let gateway: GatewayServer
let client: KinesisClient

beforeAll(async () => {
  gateway = createGatewayServer({
    settings: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    services: [
      defineService({
        ...KINESIS_ENDPOINT,
        operations: controlPlaneOperations(deps),
      }),
    ],
    healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
    logger: createLogger('silent'),
  })
  const { port } = await gateway.listen()
  client = new KinesisClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: ACCOUNT_ID, secretAccessKey: 'test-secret' },
    maxAttempts: 1,
  })
})

afterAll(async () => {
  client.destroy()
  await gateway.close()
})

describe('control plane through the AWS SDK', () => {
  it('creates, describes, pages, tags and deletes streams', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 25 }))
    await client.send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 1 }))

    const { StreamDescriptionSummary: summary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: 'orders' }),
    )
    expect(summary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 25, ConsumerCount: 0 })
    expect(summary?.StreamCreationTimestamp?.getTime()).toBe(deps.clock.now())

    const shardIds: string[] = []
    let page = await client.send(new ListShardsCommand({ StreamName: 'orders', MaxResults: 10 }))
    shardIds.push(...(page.Shards ?? []).map((shard) => shard.ShardId ?? ''))
    while (page.NextToken !== undefined) {
      page = await client.send(new ListShardsCommand({ NextToken: page.NextToken, MaxResults: 10 }))
      shardIds.push(...(page.Shards ?? []).map((shard) => shard.ShardId ?? ''))
    }
    expect(shardIds).toHaveLength(25)
    expect(new Set(shardIds).size).toBe(25)

    const names: string[] = []
    for await (const page of paginateListStreams({ client, pageSize: 1 }, {}))
      names.push(...(page.StreamNames ?? []))
    expect(names).toEqual(['clicks', 'orders'])

    await client.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: { team: 'billing' } }))
    const tags = await client.send(new ListTagsForStreamCommand({ StreamName: 'orders' }))
    expect(tags).toMatchObject({ Tags: [{ Key: 'team', Value: 'billing' }], HasMoreTags: false })

    await client.send(new DeleteStreamCommand({ StreamName: 'clicks' }))
    const error: unknown = await client
      .send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 1 }))
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ResourceInUseException)
    expect((error as Error).message).toBe(`Stream clicks under account ${ACCOUNT_ID} already exists.`)
  })
})
