// STS GetCallerIdentity behind the real gateway, driven by @aws-sdk/client-sts (AWS query) over HTTP/1.1 and
// HTTP/2: the caller is the account the gateway takes the request for, as that account's root user.

import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../../src/config.ts'
import { createGatewayServer, createLogger, type GatewayServer } from '../../src/gateway/index.ts'
import { createStsService } from '../../src/sts/service.ts'

let gateway: GatewayServer
let url: string

beforeAll(async () => {
  gateway = createGatewayServer({
    settings: loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DEFAULT_ACCOUNT_ID: '000000000042',
    }),
    services: [createStsService()],
    healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
    logger: createLogger('silent'),
  })
  const { port } = await gateway.listen()
  url = `http://127.0.0.1:${String(port)}`
})

afterAll(async () => {
  await gateway.close()
})

function sts(http: 'HTTP/1.1' | 'HTTP/2', accessKeyId: string, region = 'eu-west-1'): STSClient {
  return new STSClient({
    endpoint: url,
    region,
    credentials: { accessKeyId, secretAccessKey: 'test-secret' },
    maxAttempts: 1,
    requestHandler: http === 'HTTP/2' ? new NodeHttp2Handler() : new NodeHttpHandler(),
  })
}

describe.each(['HTTP/1.1', 'HTTP/2'] as const)('STS over %s', (http) => {
  it('GetCallerIdentity answers the account of the 12-digit access key id, as its root user', async () => {
    const client = sts(http, '123456789012')
    try {
      const { Account, Arn, UserId, $metadata } = await client.send(new GetCallerIdentityCommand({}))
      expect($metadata.httpStatusCode).toBe(200)
      expect({ Account, Arn, UserId }).toEqual({
        Account: '123456789012',
        Arn: 'arn:aws:iam::123456789012:root',
        UserId: '123456789012',
      })
    } finally {
      client.destroy()
    }
  })

  it('GetCallerIdentity answers the default account for any other access key id, in the region partition', async () => {
    const client = sts(http, 'AKIDEXAMPLE', 'cn-north-1')
    try {
      const { Account, Arn } = await client.send(new GetCallerIdentityCommand({}))
      expect({ Account, Arn }).toEqual({ Account: '000000000042', Arn: 'arn:aws-cn:iam::000000000042:root' })
    } finally {
      client.destroy()
    }
  })

  it('other STS operations answer InvalidAction (400)', async () => {
    const client = sts(http, '123456789012')
    try {
      const error = await client
        .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 's' }))
        .then(
          () => undefined,
          (failure: unknown) =>
            failure as { name: string; message: string; $metadata: { httpStatusCode?: number } },
        )
      expect(error?.name).toBe('InvalidAction')
      expect(error?.message).toBe('Could not find operation AssumeRole for version 2011-06-15')
      expect(error?.$metadata.httpStatusCode).toBe(400)
    } finally {
      client.destroy()
    }
  })
})
