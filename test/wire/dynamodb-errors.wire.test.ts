// DynamoDB's error answers as DynamoDB sends them: the shape id in `__type`, and no `x-amzn-ErrorType` header,
// which SDKs that read it first would take whole as the error code (the Java SDK 2.33 inside KCL 3.1's
// MultiLangDaemon then fails to see ResourceNotFoundException when it asks whether its lease table exists).

import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb'
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../../src/config.ts'
import { createDynamoDbService } from '../../src/dynamodb/service.ts'
import { createGatewayServer, createLogger, type GatewayServer } from '../../src/gateway/index.ts'
import { MemoryTableStore } from '../support/memory/memory-table-store.ts'

let gateway: GatewayServer
let endpoint: string

beforeAll(async () => {
  gateway = createGatewayServer({
    settings: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    services: [
      createDynamoDbService({
        tables: new MemoryTableStore(),
        clock: { now: () => Date.now() },
        settings: { creatingDelayMs: 0 },
      }),
    ],
    healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
    logger: createLogger('silent'),
  })
  const { port } = await gateway.listen()
  endpoint = `http://127.0.0.1:${String(port)}`
})

afterAll(async () => {
  await gateway.close()
})

describe.each([
  ['HTTP/2', false],
  ['HTTP/1.1', true],
])('DynamoDB error answers over %s', (_, http1) => {
  it('name the error by its shape id in the body alone, without x-amzn-ErrorType', async () => {
    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: '123456789012', secretAccessKey: 'secret' },
      maxAttempts: 1,
      requestHandler: http1 ? new NodeHttpHandler() : new NodeHttp2Handler(),
    })
    try {
      const error: unknown = await client.send(new DescribeTableCommand({ TableName: 'missing' })).then(
        () => undefined,
        (failure: unknown) => failure,
      )
      expect(error).toBeInstanceOf(ResourceNotFoundException)
      const { $response } = error as { $response: { statusCode: number; headers: Record<string, string> } }
      expect($response.statusCode).toBe(400)
      expect(Object.keys($response.headers).map((name) => name.toLowerCase())).not.toContain(
        'x-amzn-errortype',
      )
      expect($response.headers['x-amz-crc32']).toBeDefined()
    } finally {
      client.destroy()
    }
  })
})
