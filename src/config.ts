import { DEFAULT_MAX_SERIES } from './adapters/prometheus/cloudwatch-metrics.ts'
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_REQUEST_BODY_TIMEOUT_MS,
  LOG_LEVELS,
  type LogLevel,
} from './gateway/index.ts'

export interface S3Config {
  endpoint: string
  accessKey: string
  secretKey: string
  region: string
}

export interface TlsConfig {
  port: number
  certFile: string
  keyFile: string
}

export interface GatewayConfig {
  /** Plaintext port serving HTTP/1.1 and HTTP/2 with prior knowledge (h2c). */
  port: number
  host: string
  tls: TlsConfig | undefined
  /** Gateway processes sharing the ports (GATEWAY_WORKERS); each is a replica of its own. */
  workers: number
  /** Undefined when not configured: `npm start` then starts the local stack. */
  kafkaBrokers: string[] | undefined
  redisUrl: string | undefined
  s3: S3Config | undefined
  /** The Lambda Invoke API that Firehose data transformation calls (LAMBDA_ENDPOINT), e.g. `sam local start-lambda`. */
  lambdaEndpoint: string | undefined
  /** The JSON file of Glue tables that Firehose record format conversion reads schemas from (FIREHOSE_SCHEMA_FILE). */
  firehoseSchemaFile: string | undefined
  logLevel: LogLevel
  defaultAccountId: string
  defaultRegion: string
  /** An HTTP/2 connection without a request in flight this long is closed (HTTP2_IDLE_TIMEOUT_MS). */
  http2IdleTimeoutMs: number
  /** A request body not received in full after this long is answered 408 (REQUEST_BODY_TIMEOUT_MS). */
  requestBodyTimeoutMs: number
  /** Open connections at most; more are refused (MAX_CONNECTIONS). */
  maxConnections: number
  /** CloudWatch metric series kept for /metrics; beyond it the least recently updated is dropped. */
  metricsMaxSeries: number
  streams: StreamsConfig
  firehose: FirehoseConfig
  firehoseDelivery: FirehoseDeliveryConfig
  analyticsRuntime: AnalyticsRuntimeConfig
}

/** The Kinesis Data Analytics runtime every gateway process runs (one consumer group member per application). */
export interface AnalyticsRuntimeConfig {
  /** ANALYTICS_RUNTIME: `on` (default) or `off`. */
  enabled: boolean
  /** How often the applications are listed to start, replace or stop workers. */
  pollIntervalMs: number
  /** A process not heard of for this long loses its applications to the others (Kafka session timeout). */
  sessionTimeoutMs: number
  /** When an input has been quiet this long, time advances to now minus this long (windows close). */
  idleAdvanceMs: number
  /** How often window state is checkpointed (with the input offsets it covers, then committed). */
  checkpointIntervalMs: number
}

export interface FirehoseConfig {
  /** Partitions of each DirectPut delivery stream's Kafka topic (FIREHOSE_TOPIC_PARTITIONS). */
  topicPartitions: number
}

/** The Firehose delivery workers every gateway process runs (one consumer group member per delivery stream). */
export interface FirehoseDeliveryConfig {
  /** FIREHOSE_DELIVERY: `on` (default) or `off`. */
  enabled: boolean
  /** How often the delivery streams are listed to start, replace or stop workers. */
  pollIntervalMs: number
  /** A worker not heard of for this long loses its partitions to the others (Kafka session timeout). */
  sessionTimeoutMs: number
  /** Bytes a worker holds (buffered and in flight) before it stops reading. */
  maxBufferedBytes: number
}

export interface StreamsConfig {
  /** Kafka topic name per stream; placeholders {accountId}, {region}, {streamName}. */
  topicTemplate: string
  creatingDelayMs: number
  updatingDelayMs: number
  deletingDelayMs: number
  shardLimit: number
  onDemandShardCount: number
  /** How long a resharded parent shard keeps taking in-flight writes before it is sealed. */
  reshardFenceMs: number
  /** How long a SubscribeToShard subscription lasts before it ends cleanly (AWS: 5 minutes). */
  subscriptionDurationMs: number
  /** How often each replica takes up interrupted control-plane work and removes orphan topics. */
  reconcileIntervalMs: number
  /** Prefix of every Redis key the gateway writes. */
  redisKeyPrefix: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

/** Reads the gateway's configuration from the environment; fails fast with a message naming the variable. */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const tlsPort = optional(env, 'TLS_PORT')
  return {
    port: portNumber(env, 'PORT', 4567),
    host: env.HOST ?? '0.0.0.0',
    workers: workerCount(env),
    tls:
      tlsPort === undefined
        ? undefined
        : {
            port: portNumber(env, 'TLS_PORT', 4568),
            certFile: required(env, 'TLS_CERT_FILE', 'TLS_PORT is set'),
            keyFile: required(env, 'TLS_KEY_FILE', 'TLS_PORT is set'),
          },
    kafkaBrokers: optional(env, 'KAFKA_BROKERS')
      ?.split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker !== ''),
    redisUrl: optional(env, 'REDIS_URL'),
    s3: s3Config(env),
    lambdaEndpoint: url(env, 'LAMBDA_ENDPOINT', 'http://127.0.0.1:3001'),
    firehoseSchemaFile: optional(env, 'FIREHOSE_SCHEMA_FILE'),
    logLevel: logLevel(env),
    defaultAccountId: accountId(env),
    defaultRegion: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    http2IdleTimeoutMs: positiveNumber(env, 'HTTP2_IDLE_TIMEOUT_MS', DEFAULT_IDLE_TIMEOUT_MS),
    requestBodyTimeoutMs: positiveNumber(env, 'REQUEST_BODY_TIMEOUT_MS', DEFAULT_REQUEST_BODY_TIMEOUT_MS),
    maxConnections: positiveNumber(env, 'MAX_CONNECTIONS', DEFAULT_MAX_CONNECTIONS),
    metricsMaxSeries: positiveNumber(env, 'METRICS_MAX_SERIES', DEFAULT_MAX_SERIES),
    streams: {
      topicTemplate: optional(env, 'TOPIC_TEMPLATE') ?? 'kinesis.{accountId}.{region}.{streamName}',
      creatingDelayMs: wholeNumber(env, 'STREAM_CREATING_DELAY_MS', 500),
      updatingDelayMs: wholeNumber(env, 'STREAM_UPDATING_DELAY_MS', 500),
      deletingDelayMs: wholeNumber(env, 'STREAM_DELETING_DELAY_MS', 500),
      shardLimit: wholeNumber(env, 'SHARD_LIMIT', 10_000),
      onDemandShardCount: wholeNumber(env, 'ON_DEMAND_SHARD_COUNT', 4),
      reshardFenceMs: wholeNumber(env, 'STREAM_RESHARD_FENCE_MS', 1000),
      subscriptionDurationMs: wholeNumber(env, 'SUBSCRIPTION_DURATION_MS', 300_000),
      reconcileIntervalMs: positiveNumber(env, 'STREAM_RECONCILE_INTERVAL_MS', 60_000),
      redisKeyPrefix: optional(env, 'REDIS_KEY_PREFIX') ?? 'kinesis:',
    },
    firehose: {
      topicPartitions: positiveNumber(env, 'FIREHOSE_TOPIC_PARTITIONS', 4),
    },
    firehoseDelivery: firehoseDeliveryConfig(env),
    analyticsRuntime: analyticsRuntimeConfig(env),
  }
}

function analyticsRuntimeConfig(env: Env): AnalyticsRuntimeConfig {
  const switchValue = (optional(env, 'ANALYTICS_RUNTIME') ?? 'on').toLowerCase()
  if (switchValue !== 'on' && switchValue !== 'off') {
    throw new ConfigError(`ANALYTICS_RUNTIME must be on or off, got '${switchValue}'`)
  }
  return {
    enabled: switchValue === 'on',
    pollIntervalMs: positiveNumber(env, 'ANALYTICS_RUNTIME_POLL_INTERVAL_MS', 2_000),
    sessionTimeoutMs: positiveNumber(env, 'ANALYTICS_RUNTIME_SESSION_TIMEOUT_MS', 10_000),
    idleAdvanceMs: positiveNumber(env, 'ANALYTICS_RUNTIME_IDLE_ADVANCE_MS', 1_000),
    checkpointIntervalMs: positiveNumber(env, 'ANALYTICS_RUNTIME_CHECKPOINT_INTERVAL_MS', 1_000),
  }
}

function firehoseDeliveryConfig(env: Env): FirehoseDeliveryConfig {
  const switchValue = (optional(env, 'FIREHOSE_DELIVERY') ?? 'on').toLowerCase()
  if (switchValue !== 'on' && switchValue !== 'off') {
    throw new ConfigError(`FIREHOSE_DELIVERY must be on or off, got '${switchValue}'`)
  }
  return {
    enabled: switchValue === 'on',
    pollIntervalMs: positiveNumber(env, 'FIREHOSE_DELIVERY_POLL_INTERVAL_MS', 5_000),
    sessionTimeoutMs: positiveNumber(env, 'FIREHOSE_DELIVERY_SESSION_TIMEOUT_MS', 10_000),
    maxBufferedBytes: positiveNumber(env, 'FIREHOSE_DELIVERY_MAX_BUFFERED_MB', 256) * 1024 * 1024,
  }
}

function wholeNumber(env: Env, name: string, fallback: number): number {
  const value = optional(env, name)
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new ConfigError(`${name} must be a whole number, got '${value}'`)
  }
  return number
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const number = wholeNumber(env, name, fallback)
  if (number === 0) throw new ConfigError(`${name} must be at least 1, got '0'`)
  return number
}

function url(env: Env, name: string, example: string): string | undefined {
  const value = optional(env, name)
  if (value === undefined) return undefined
  try {
    new URL(value)
  } catch {
    throw new ConfigError(`${name} must be a URL such as ${example}, got '${value}'`)
  }
  return value
}

function s3Config(env: Env): S3Config | undefined {
  const endpoint = optional(env, 'S3_ENDPOINT')
  if (endpoint === undefined) return undefined
  try {
    new URL(endpoint)
  } catch {
    throw new ConfigError(`S3_ENDPOINT must be a URL such as http://127.0.0.1:9000, got '${endpoint}'`)
  }
  return {
    endpoint,
    accessKey: required(env, 'S3_ACCESS_KEY', 'S3_ENDPOINT is set'),
    secretKey: required(env, 'S3_SECRET_KEY', 'S3_ENDPOINT is set'),
    region: env.S3_REGION ?? 'us-east-1',
  }
}

function logLevel(env: Env): LogLevel {
  const value = (env.LOG_LEVEL ?? 'info').toLowerCase()
  const level = LOG_LEVELS.find((candidate) => candidate === value)
  if (level === undefined)
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${value}'`)
  return level
}

function accountId(env: Env): string {
  const value = env.DEFAULT_ACCOUNT_ID ?? '000000000000'
  if (!/^\d{12}$/.test(value)) throw new ConfigError(`DEFAULT_ACCOUNT_ID must be 12 digits, got '${value}'`)
  return value
}

const MAX_WORKERS = 64

function workerCount(env: Env): number {
  const workers = wholeNumber(env, 'GATEWAY_WORKERS', 1)
  if (workers < 1 || workers > MAX_WORKERS) {
    throw new ConfigError(`GATEWAY_WORKERS must be between 1 and ${MAX_WORKERS}, got '${workers}'`)
  }
  return workers
}

function portNumber(env: Env, name: string, fallback: number): number {
  const value = optional(env, name)
  if (value === undefined) return fallback
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number (0-65535), got '${value}'`)
  }
  return port
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

function required(env: Env, name: string, because: string): string {
  const value = optional(env, name)
  if (value === undefined) throw new ConfigError(`${name} is required when ${because}`)
  return value
}
