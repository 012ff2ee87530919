// KCL's use of its lease table through the AWS SDK for Java v2 (DynamoDbAsyncClient on Netty, as KCL builds it)
// against the gateway as main.ts assembles it, on the real stack. The SDK checks x-amz-crc32 on every answer.

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { loadConfig } from '../../src/config.ts'
import { createLogger } from '../../src/gateway/index.ts'
import { startGateway, type RunningGateway } from '../../src/main.ts'
import { testAccountId } from './fixture/gateway.ts'
import { ensureJavaClient, runPassing, type JavaClient } from './fixture/java-client.ts'

describe('DynamoDB through the AWS SDK for Java v2', () => {
  const stack = inject('stack')
  let java: JavaClient
  let gateway: RunningGateway
  const targets: string[] = []

  beforeAll(async () => {
    java = await ensureJavaClient((line) => {
      process.stdout.write(`[integration] ${line}\n`)
    })
    const logger = createLogger('info', (line) => {
      const entry = JSON.parse(line) as { msg: string; target?: string }
      if (entry.msg === 'request' && entry.target !== undefined) targets.push(entry.target)
    })
    gateway = await startGateway(
      {
        ...loadConfig({ PORT: '0', HOST: '127.0.0.1' }),
        kafkaBrokers: stack.kafkaBrokers,
        redisUrl: stack.redisUrl,
        s3: stack.s3,
      },
      logger,
    )
  }, 600_000)

  afterAll(async () => {
    await gateway.stop()
  })

  it('creates, indexes, uses and deletes a lease table as KCL does', async () => {
    await runPassing(java, `http://127.0.0.1:${gateway.ports.port}`, 'dynamodb', testAccountId())
    expect(new Set(targets)).toEqual(
      new Set(
        [
          'CreateTable',
          'DescribeTable',
          'UpdateTable',
          'PutItem',
          'UpdateItem',
          'GetItem',
          'Scan',
          'Query',
          'DeleteItem',
          'DeleteTable',
        ].map((operation) => `DynamoDB_20120810.${operation}`),
      ),
    )
  }, 300_000)
})
