import { pathToFileURL } from 'node:url'

import { CloudWatchMetrics } from './adapters/prometheus/cloudwatch-metrics.ts'
import { RequestMetrics } from './adapters/prometheus/request-metrics.ts'
import { PROMETHEUS_CONTENT_TYPE } from './adapters/prometheus/text-format.ts'
import { createKafkaClient } from './adapters/kafka/kafka-client.ts'
import { createCloudWatchService } from './cloudwatch/service.ts'
import { KafkaRecordLog } from './adapters/kafka/kafka-record-log.ts'
import { connectRedis, createRedisClient } from './adapters/redis/redis-client.ts'
import { RedisApplicationCatalog } from './adapters/redis/redis-application-catalog.ts'
import { RedisApplicationCheckpoints } from './adapters/redis/redis-application-checkpoints.ts'
import { RedisConsumerRegistry } from './adapters/redis/redis-consumer-registry.ts'
import { RedisDeliveryStreamCatalog } from './adapters/redis/redis-delivery-stream-catalog.ts'
import { RedisStreamCatalog } from './adapters/redis/redis-stream-catalog.ts'
import { RedisSubscriptionLeases } from './adapters/redis/redis-subscription-leases.ts'
import { RedisTableStore } from './adapters/redis/redis-table-store.ts'
import { sharedSecret } from './adapters/redis/shared-secret.ts'
import { MinioObjectStore } from './adapters/s3/minio-object-store.ts'
import { ConfigError, loadConfig, type GatewayConfig } from './config.ts'
import {
  createGatewayServer,
  createLogger,
  type HealthReport,
  type Logger,
  type OperationalRoute,
} from './gateway/index.ts'
import type { BoundPorts } from './gateway/listeners.ts'
import { startGatewayWorkers } from './gateway-workers.ts'
import type { StackEndpoints } from './stack/types.ts'
import { parseTopicTemplate } from './mapping/topic-names.ts'
import { shardIteratorKey } from './mapping/shard-iterators.ts'
import { systemClock } from './ports/clock.ts'
import { derivedKeyRing } from './streams/records/record-encryption.ts'
import { startReconciler } from './streams/catalog/stream-reconciler.ts'
import type { StreamsDeps } from './streams/deps.ts'
import { createStreamsService } from './streams/service.ts'
import { createDynamoDbService } from './dynamodb/service.ts'
import { startDeliveryStreamReconciler } from './firehose/catalog/delivery-stream-reconciler.ts'
import type { FirehoseDeps } from './firehose/deps.ts'
import { createFirehoseService } from './firehose/service.ts'
import { checkCodeWithSqlEngine } from './analytics/code-checker.ts'
import { createAnalyticsService } from './analytics/service.ts'
import { createKclInspector } from './kcl/inspector.ts'
import { kclApplicationsRoute } from './kcl/routes.ts'
import { createStsService } from './sts/service.ts'
import { deliveryMetricsExposition } from './adapters/prometheus/delivery-metrics.ts'
import { applicationMetricsExposition } from './adapters/prometheus/application-metrics.ts'
import { RuntimeMetrics } from './analytics/runtime/runtime-metrics.ts'
import {
  DEFAULT_CONSUMER_GROUP_OPTIONS,
  KafkaConsumerGroups,
} from './adapters/kafka/kafka-consumer-groups.ts'
import { DELIVERY_FETCH_BYTES, startFirehoseDelivery } from './firehose-delivery.ts'
import { jsonFileTableSchemas } from './adapters/file/json-file-table-schemas.ts'
import { fetchHttpPoster } from './adapters/http/fetch-http-poster.ts'
import { httpLambdaInvoker } from './adapters/lambda/http-lambda-invoker.ts'
import { DeliveryMetrics } from './firehose/delivery/delivery-metrics.ts'
import { deliverableStreams } from './firehose/catalog/deliverable-streams.ts'
import { startAnalyticsRuntimeOf } from './analytics-runtime.ts'
import type { AnalyticsRuntime } from './analytics/runtime/runtime-supervisor.ts'

/**
 * A new DynamoDB table or index answers CREATING, then ACTIVE from the next DescribeTable on: KCL polls until
 * ACTIVE, and a longer delay would only slow its start.
 */
const DYNAMODB_CREATING_DELAY_MS = 0

export interface RunningGateway {
  ports: BoundPorts
  /** The Kinesis Data Analytics runtime of this process (when ANALYTICS_RUNTIME is on and it runs in-process). */
  analytics?: AnalyticsRuntime | undefined
  stop(): Promise<void>
}

/**
 * The composition root: the only module that knows every adapter. Connects to Kafka, Redis and S3, builds the
 * services and starts the listeners.
 */
export async function startGateway(
  config: GatewayConfig,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningGateway> {
  const { kafkaBrokers, redisUrl, s3 } = requireAddresses(config)
  const kafka = createKafkaClient({
    brokers: kafkaBrokers,
    clientId: 'kinesis-kafka-gateway',
    onLog: (level, message, detail) => {
      logger[level](`kafka: ${message}`, detail)
    },
  })
  const recordLog = new KafkaRecordLog(kafka)
  const redis = createRedisClient(redisUrl)
  redis.on('error', (error: unknown) => {
    logger.warn('redis: connection error', { error: error instanceof Error ? error.message : String(error) })
  })
  const objectStore = new MinioObjectStore(s3)
  await connectRedis(redis)
  const { streams } = config
  const catalog = new RedisStreamCatalog(redis, { keyPrefix: streams.redisKeyPrefix })
  const streamsDeps: StreamsDeps = {
    catalog,
    recordLog,
    clock: systemClock,
    consumers: new RedisConsumerRegistry(redis, { keyPrefix: streams.redisKeyPrefix }),
    subscriptionLeases: new RedisSubscriptionLeases(redis, { keyPrefix: streams.redisKeyPrefix }),
    fanOut: { subscriptionDurationMs: streams.subscriptionDurationMs },
    keyRing: derivedKeyRing(await sharedSecret(redis, `${streams.redisKeyPrefix}secrets:key-ring`)),
    settings: {
      topicTemplate: parseTopicTemplate(streams.topicTemplate),
      iteratorKey: shardIteratorKey(
        await sharedSecret(redis, `${streams.redisKeyPrefix}secrets:shard-iterators`),
      ),
      creatingDelayMs: streams.creatingDelayMs,
      updatingDelayMs: streams.updatingDelayMs,
      deletingDelayMs: streams.deletingDelayMs,
      shardLimit: streams.shardLimit,
      onDemandShardCount: streams.onDemandShardCount,
      reshardFenceMs: streams.reshardFenceMs,
    },
  }
  const streamsService = createStreamsService(streamsDeps)
  const deliveryStreams = new RedisDeliveryStreamCatalog(redis, { keyPrefix: streams.redisKeyPrefix })
  const firehoseDeps: FirehoseDeps = {
    catalog: deliveryStreams,
    recordLog,
    streams: catalog,
    clock: systemClock,
    settings: {
      topicPartitions: config.firehose.topicPartitions,
      streamTopicTemplate: streamsDeps.settings.topicTemplate,
    },
  }
  const firehoseService = createFirehoseService(firehoseDeps)
  // KCL's lease, coordinator-state and worker-metrics tables, in the same Redis.
  const tables = new RedisTableStore(redis, { keyPrefix: streams.redisKeyPrefix })
  const dynamoDbService = createDynamoDbService({
    tables,
    clock: systemClock,
    settings: { creatingDelayMs: DYNAMODB_CREATING_DELAY_MS },
  })

  // Kinesis Data Analytics for SQL applications, in the same Redis; code checked by the SQL engine.
  const applications = new RedisApplicationCatalog(redis, { keyPrefix: streams.redisKeyPrefix })
  const analyticsService = createAnalyticsService({
    applications,
    streams: catalog,
    recordLog,
    objects: objectStore,
    clock: systemClock,
    checkApplicationCode: checkCodeWithSqlEngine,
  })

  const healthCheck = async (): Promise<HealthReport> => {
    const checks: Record<string, string> = {}
    const probe = async (name: string, what: string, check: () => Promise<unknown>): Promise<void> => {
      try {
        await withTimeout(check(), HEALTH_PROBE_TIMEOUT_MS)
        checks[name] = 'ok'
      } catch (error) {
        checks[name] = `${what} is unavailable: ${error instanceof Error ? error.message : String(error)}`
      }
    }
    await Promise.all([
      probe('kafka', `Kafka (${kafkaBrokers.join(',')})`, () => recordLog.ping()),
      probe('redis', `Redis (${hostOf(redisUrl)})`, () => redis.ping()),
      probe('s3', `S3 (${hostOf(s3.endpoint)})`, () => objectStore.ping()),
    ])
    return { ok: Object.values(checks).every((result) => result === 'ok'), checks }
  }

  const cloudWatchMetrics = new CloudWatchMetrics(config.metricsMaxSeries)
  const requestMetrics = new RequestMetrics()
  const deliveryMetrics = new DeliveryMetrics()
  const applicationMetrics = new RuntimeMetrics()
  const server = createGatewayServer({
    settings: config,
    services: [
      streamsService,
      dynamoDbService,
      createCloudWatchService({ metrics: cloudWatchMetrics }),
      firehoseService,
      createStsService(),
      analyticsService,
    ],
    healthCheck,
    logger,
    routes: [
      metricsRoute(
        requestMetrics,
        cloudWatchMetrics,
        () =>
          deliveryMetricsExposition(deliveryMetrics.snapshot()) +
          applicationMetricsExposition(applicationMetrics.snapshot()),
      ),
      kclApplicationsRoute(createKclInspector({ tables, catalog, recordLog, clock: systemClock }), config),
    ],
    observeRequest: (request) => {
      requestMetrics.observe(request)
    },
  })
  const ports = await server.listen()
  logger.info('gateway listening', { port: ports.port, tlsPort: ports.tlsPort })
  const reconciler = startReconciler(streamsDeps, {
    // The first run is at start-up, then every STREAM_RECONCILE_INTERVAL_MS.
    intervalMs: config.streams.reconcileIntervalMs,
    onReport: (report) => {
      if (report.resumed.length + report.deletedTopics.length + report.failed.length === 0) return
      logger.info('streams: reconciled interrupted operations', { ...report })
    },
    onError: (error) => {
      logger.warn('streams: reconciliation failed', {
        error: error instanceof Error ? error.message : String(error),
      })
    },
  })
  const deliveryStreamReconciler = startDeliveryStreamReconciler(firehoseDeps, {
    intervalMs: config.streams.reconcileIntervalMs,
    onError: (error) => {
      logger.warn('firehose: reconciliation failed', {
        error: error instanceof Error ? error.message : String(error),
      })
    },
  })
  const lambda = config.lambdaEndpoint === undefined ? undefined : httpLambdaInvoker(config.lambdaEndpoint)
  // Firehose delivery: one consumer group member per ACTIVE delivery stream (FIREHOSE_DELIVERY=off: none).
  const firehoseDelivery = config.firehoseDelivery.enabled
    ? startFirehoseDelivery(
        {
          groups: new KafkaConsumerGroups(kafka, {
            ...DEFAULT_CONSUMER_GROUP_OPTIONS,
            ...DELIVERY_FETCH_BYTES,
            sessionTimeoutMs: config.firehoseDelivery.sessionTimeoutMs,
            onLog: (level, message, detail) => {
              logger[level](`firehose: ${message}`, detail)
            },
          }),
          objectStore,
          keyRing: streamsDeps.keyRing,
          clock: systemClock,
          logger,
          metrics: deliveryMetrics,
          lambda,
          http: fetchHttpPoster,
          tableSchemas:
            config.firehoseSchemaFile === undefined
              ? undefined
              : jsonFileTableSchemas(config.firehoseSchemaFile),
          listDeliveryStreams: () => deliverableStreams(deliveryStreams, catalog),
        },
        config.firehoseDelivery,
      )
    : undefined
  // Kinesis Data Analytics applications: one consumer group member per application to run (ANALYTICS_RUNTIME=off:
  // none), writing outputs through the services' own PutRecords and PutRecordBatch.
  const analyticsRuntime = config.analyticsRuntime.enabled
    ? startAnalyticsRuntimeOf(
        {
          applications,
          checkpoints: new RedisApplicationCheckpoints(redis, { keyPrefix: streams.redisKeyPrefix }),
          streams: catalog,
          groups: new KafkaConsumerGroups(kafka, {
            ...DEFAULT_CONSUMER_GROUP_OPTIONS,
            sessionTimeoutMs: config.analyticsRuntime.sessionTimeoutMs,
            onLog: (level, message, detail) => {
              logger[level](`analytics: ${message}`, detail)
            },
          }),
          objects: objectStore,
          keyRing: streamsDeps.keyRing,
          clock: systemClock,
          lambda,
          logger,
          streamsService,
          firehoseService,
          metrics: applicationMetrics,
        },
        config.analyticsRuntime,
      )
    : undefined
  return {
    ports,
    analytics: analyticsRuntime,
    stop: async () => {
      reconciler.stop()
      deliveryStreamReconciler.stop()
      await analyticsRuntime?.stop()
      await firehoseDelivery?.stop()
      await server.close()
      await Promise.allSettled([recordLog.close(), catalog.close(), deliveryStreams.close()])
      await redis.quit()
    },
  }
}

/** `GET /metrics`: the gateway's request metrics and the metrics received through CloudWatch, for Prometheus. */
export function metricsRoute(
  requests: RequestMetrics,
  cloudWatch: CloudWatchMetrics,
  more: () => string = () => '',
): OperationalRoute {
  return {
    path: '/metrics',
    handle: () =>
      Promise.resolve({
        status: 200,
        text: requests.exposition() + cloudWatch.exposition() + more(),
        contentType: PROMETHEUS_CONTENT_TYPE,
      }),
  }
}

/** The gateway as configured: one process, or GATEWAY_WORKERS processes sharing the ports. */
export async function startConfiguredGateway(
  config: GatewayConfig,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningGateway> {
  if (config.workers === 1) return startGateway(config, logger)
  return startGatewayWorkers(config, requireAddresses(config), logger)
}

function requireAddresses(config: GatewayConfig): StackEndpoints {
  const { kafkaBrokers, redisUrl, s3 } = config
  if (kafkaBrokers === undefined || redisUrl === undefined || s3 === undefined) {
    throw new ConfigError('KAFKA_BROKERS, REDIS_URL and S3_ENDPOINT must all be set (or run `npm start`)')
  }
  return { kafkaBrokers, redisUrl, s3 }
}

/** Below the SDKs' and load balancers' usual health-check timeouts (5 s). */
const HEALTH_PROBE_TIMEOUT_MS = 3_000

/** Host and port of a URL, without the credentials it may carry. */
function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'invalid address'
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`))
    }, ms)
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer)
    })
  })
}

/** Stops on SIGINT/SIGTERM, running `cleanup` once. */
export function stopOnSignals(cleanup: () => Promise<void>): void {
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    cleanup().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

async function main(): Promise<void> {
  const config = loadConfig()
  const gateway = await startConfiguredGateway(config)
  stopOnSignals(() => gateway.stop())
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? `configuration: ${error.message}` : error)
    process.exit(1)
  })
}
