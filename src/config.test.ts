import { describe, expect, it } from 'vitest'

import { ConfigError, loadConfig } from './config.ts'

describe('loadConfig', () => {
  it('has defaults for a local run', () => {
    const config = loadConfig({})
    expect(config.port).toBe(4567)
    expect(config.workers).toBe(1)
    expect(config.kafkaBrokers).toBeUndefined()
    expect(config.defaultAccountId).toBe('000000000000')
    expect(config.streams.topicTemplate).toBe('kinesis.{accountId}.{region}.{streamName}')
  })

  it('reads addresses and settings from the environment', () => {
    const config = loadConfig({
      PORT: '8080',
      KAFKA_BROKERS: 'a:9092, b:9092',
      REDIS_URL: 'redis://r:6379',
      S3_ENDPOINT: 'http://s3:9000',
      S3_ACCESS_KEY: 'key',
      S3_SECRET_KEY: 'secret',
      STREAM_CREATING_DELAY_MS: '0',
      SHARD_LIMIT: '20',
      GATEWAY_WORKERS: '2',
    })
    expect(config.port).toBe(8080)
    expect(config.workers).toBe(2)
    expect(config.kafkaBrokers).toEqual(['a:9092', 'b:9092'])
    expect(config.s3).toEqual({
      endpoint: 'http://s3:9000',
      accessKey: 'key',
      secretKey: 'secret',
      region: 'us-east-1',
    })
    expect(config.streams.creatingDelayMs).toBe(0)
    expect(config.streams.shardLimit).toBe(20)
  })

  it('fails fast naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      new ConfigError("PORT must be a port number (0-65535), got 'eighty'"),
    )
    expect(() => loadConfig({ S3_ENDPOINT: 'http://s3:9000' })).toThrow(/S3_ACCESS_KEY is required/)
    expect(() => loadConfig({ DEFAULT_ACCOUNT_ID: '12' })).toThrow(/DEFAULT_ACCOUNT_ID must be 12 digits/)
    expect(() => loadConfig({ SHARD_LIMIT: '-1' })).toThrow(/SHARD_LIMIT must be a whole number/)
    expect(() => loadConfig({ GATEWAY_WORKERS: '0' })).toThrow(/GATEWAY_WORKERS must be between 1 and 64/)
  })

  it('reads the connection limits, with defaults', () => {
    const defaults = loadConfig({})
    expect(defaults.http2IdleTimeoutMs).toBe(65_000)
    expect(defaults.requestBodyTimeoutMs).toBe(60_000)
    expect(defaults.maxConnections).toBe(10_000)
    expect(defaults.metricsMaxSeries).toBe(10_000)

    const config = loadConfig({
      HTTP2_IDLE_TIMEOUT_MS: '30000',
      REQUEST_BODY_TIMEOUT_MS: '5000',
      MAX_CONNECTIONS: '200',
      METRICS_MAX_SERIES: '50',
    })
    expect(config.http2IdleTimeoutMs).toBe(30_000)
    expect(config.requestBodyTimeoutMs).toBe(5_000)
    expect(config.maxConnections).toBe(200)
    expect(config.metricsMaxSeries).toBe(50)
  })

  it.each([
    ['HTTP2_IDLE_TIMEOUT_MS', 'soon', "HTTP2_IDLE_TIMEOUT_MS must be a whole number, got 'soon'"],
    ['HTTP2_IDLE_TIMEOUT_MS', '0', "HTTP2_IDLE_TIMEOUT_MS must be at least 1, got '0'"],
    ['REQUEST_BODY_TIMEOUT_MS', '1.5', "REQUEST_BODY_TIMEOUT_MS must be a whole number, got '1.5'"],
    ['REQUEST_BODY_TIMEOUT_MS', '0', "REQUEST_BODY_TIMEOUT_MS must be at least 1, got '0'"],
    ['MAX_CONNECTIONS', '-5', "MAX_CONNECTIONS must be a whole number, got '-5'"],
    ['MAX_CONNECTIONS', '0', "MAX_CONNECTIONS must be at least 1, got '0'"],
    ['METRICS_MAX_SERIES', '0', "METRICS_MAX_SERIES must be at least 1, got '0'"],
  ])('refuses %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new ConfigError(message))
  })
})

describe('LAMBDA_ENDPOINT', () => {
  it('is the Lambda Invoke API endpoint of Firehose data transformation, unset by default', () => {
    expect(loadConfig({}).lambdaEndpoint).toBeUndefined()
    expect(loadConfig({ LAMBDA_ENDPOINT: 'http://127.0.0.1:3001' }).lambdaEndpoint).toBe(
      'http://127.0.0.1:3001',
    )
    expect(() => loadConfig({ LAMBDA_ENDPOINT: 'localhost 3001' })).toThrow(
      new ConfigError("LAMBDA_ENDPOINT must be a URL such as http://127.0.0.1:3001, got 'localhost 3001'"),
    )
  })
})

describe('FIREHOSE_SCHEMA_FILE', () => {
  it('names the JSON file of Glue tables record format conversion reads, unset by default', () => {
    expect(loadConfig({}).firehoseSchemaFile).toBeUndefined()
    expect(loadConfig({ FIREHOSE_SCHEMA_FILE: '/etc/gateway/tables.json' }).firehoseSchemaFile).toBe(
      '/etc/gateway/tables.json',
    )
  })
})
