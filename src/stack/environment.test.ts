import { describe, expect, it } from 'vitest'

import { endpointVariables, renderShellExports } from './environment.ts'

describe('endpointVariables', () => {
  it('names the variables the gateway reads', () => {
    expect(
      endpointVariables({
        kafkaBrokers: ['127.0.0.1:1', '127.0.0.1:2'],
        redisUrl: 'redis://127.0.0.1:3',
        s3: { endpoint: 'http://127.0.0.1:4', accessKey: 'a', secretKey: 's', region: 'eu-west-1' },
      }),
    ).toEqual({
      KAFKA_BROKERS: '127.0.0.1:1,127.0.0.1:2',
      REDIS_URL: 'redis://127.0.0.1:3',
      S3_ENDPOINT: 'http://127.0.0.1:4',
      S3_ACCESS_KEY: 'a',
      S3_SECRET_KEY: 's',
      S3_REGION: 'eu-west-1',
    })
  })
})

describe('renderShellExports', () => {
  it('writes one export line per variable, quoting only values a shell would split or expand', () => {
    expect(renderShellExports({ PLAIN: 'http://127.0.0.1:4/x,y', SPACED: 'a b', TRICKY: "it's $HOME" })).toBe(
      "export PLAIN=http://127.0.0.1:4/x,y\nexport SPACED='a b'\nexport TRICKY='it'\\''s $HOME'\n",
    )
  })
})
