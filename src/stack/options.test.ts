import { homedir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { localStackEndpoints, resolveLocalStackOptions } from './options.ts'

describe('resolveLocalStackOptions', () => {
  it('uses the defaults when nothing is set', () => {
    const options = resolveLocalStackOptions({}, '/work/project')
    expect(options).toEqual({
      dir: '/work/project/.stack',
      cacheDir: join(homedir(), '.cache', 'kinesis-kafka-gateway'),
      ports: { kafka: 19092, kafkaController: 19093, redis: 16379, s3: 19090 },
      s3Credentials: { accessKey: 'stack-access-key', secretKey: 'stack-secret-key' },
    })
  })

  it('reads every setting from the environment, resolving relative folders against the working directory', () => {
    const options = resolveLocalStackOptions(
      {
        STACK_DIR: 'tmp/stack',
        STACK_CACHE_DIR: '/var/cache/jars',
        STACK_KAFKA_PORT: '29092',
        STACK_KAFKA_CONTROLLER_PORT: '29093',
        STACK_REDIS_PORT: '26379',
        STACK_S3_PORT: '29090',
        STACK_S3_ACCESS_KEY: 'key',
        STACK_S3_SECRET_KEY: 'secret',
      },
      '/work/project',
    )
    expect(options).toEqual({
      dir: '/work/project/tmp/stack',
      cacheDir: '/var/cache/jars',
      ports: { kafka: 29092, kafkaController: 29093, redis: 26379, s3: 29090 },
      s3Credentials: { accessKey: 'key', secretKey: 'secret' },
    })
  })

  it('treats blank variables as unset', () => {
    expect(resolveLocalStackOptions({ STACK_DIR: '  ', STACK_REDIS_PORT: '' }, '/p')).toMatchObject({
      dir: '/p/.stack',
      ports: { redis: 16379 },
    })
  })

  it.each(['0', '65536', 'abc', '12.5', '-1'])('rejects the port %s, naming the variable', (value) => {
    expect(() => resolveLocalStackOptions({ STACK_REDIS_PORT: value })).toThrow(
      `STACK_REDIS_PORT must be a port number (1-65535), got '${value}'`,
    )
  })

  it('rejects two servers on one port', () => {
    expect(() => resolveLocalStackOptions({ STACK_S3_PORT: '19092' })).toThrow(
      'STACK_KAFKA_PORT and STACK_S3_PORT must differ, both are 19092',
    )
  })
})

describe('localStackEndpoints', () => {
  it('points clients at 127.0.0.1 on the configured ports', () => {
    const options = resolveLocalStackOptions({
      STACK_KAFKA_PORT: '1111',
      STACK_REDIS_PORT: '2222',
      STACK_S3_PORT: '3333',
    })
    expect(localStackEndpoints(options)).toEqual({
      kafkaBrokers: ['127.0.0.1:1111'],
      redisUrl: 'redis://127.0.0.1:2222',
      s3: {
        endpoint: 'http://127.0.0.1:3333',
        accessKey: 'stack-access-key',
        secretKey: 'stack-secret-key',
        region: 'us-east-1',
      },
    })
  })
})
