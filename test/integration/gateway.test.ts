import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { loadConfig } from '../../src/config.ts'
import { createLogger } from '../../src/gateway/index.ts'
import { startGateway, type RunningGateway } from '../../src/main.ts'

describe('the gateway on real Kafka, Redis and S3', () => {
  const stack = inject('stack')
  let gateway: RunningGateway
  let endpoint: string

  beforeAll(async () => {
    const config = {
      ...loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
      kafkaBrokers: stack.kafkaBrokers,
      redisUrl: stack.redisUrl,
      s3: stack.s3,
    }
    gateway = await startGateway(config, createLogger('silent'))
    endpoint = `http://127.0.0.1:${gateway.ports.port}`
  })

  afterAll(async () => {
    await gateway.stop()
  })

  const credentials = { accessKeyId: '123456789012', secretAccessKey: 'secret' }

  it('answers /health with every dependency reachable', async () => {
    const response = await fetch(`${endpoint}/health`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true, checks: { kafka: 'ok', redis: 'ok', s3: 'ok' } })
  })

  it.each([
    ['the default HTTP/2 handler', undefined],
    ['NodeHttpHandler (HTTP/1.1)', new NodeHttpHandler()],
  ])(
    'answers @aws-sdk/client-kinesis with %s, and as AWS does for an operation it lacks',
    async (_name, handler) => {
      const options = {
        endpoint,
        region: 'eu-west-1',
        credentials,
        maxAttempts: 1,
        ...(handler === undefined ? {} : { requestHandler: handler }),
      }
      const client = new KinesisClient(options)
      // The same client, its requests renamed to an operation Kinesis does not have.
      const renaming = new KinesisClient(options)
      renaming.middlewareStack.add(
        (next) => (args) => {
          const headers = (args.request as { headers: Record<string, string> }).headers
          const name = Object.keys(headers).find((header) => header.toLowerCase() === 'x-amz-target')
          headers[name ?? 'x-amz-target'] = 'Kinesis_20131202.NoSuchOperation'
          return next(args)
        },
        { step: 'build', name: 'renameOperation' },
      )
      try {
        const listed = await client.send(new ListStreamsCommand({}))
        expect(listed.$metadata.httpStatusCode).toBe(200)
        expect(Array.isArray(listed.StreamNames)).toBe(true)

        const error = await renaming.send(new ListStreamsCommand({})).then(
          () => undefined,
          (rejection: unknown) =>
            rejection as { name: string; $metadata: { httpStatusCode?: number; requestId?: string } },
        )
        expect(error?.name).toBe('UnknownOperationException')
        expect(error?.$metadata.httpStatusCode).toBe(400)
        expect(error?.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
      } finally {
        client.destroy()
        renaming.destroy()
      }
    },
  )
})
