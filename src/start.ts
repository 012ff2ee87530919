import { ConfigError, loadConfig, type GatewayConfig } from './config.ts'
import { startConfiguredGateway, stopOnSignals } from './main.ts'
import { resolveLocalStackOptions, startLocalStack, stopLocalStack } from './stack/index.ts'

/**
 * `npm start`: the gateway on the addresses configured, or on a local stack (real Kafka, Redis and S3 started
 * as local processes) for whatever is not configured. Ctrl-C stops what this command started.
 */
async function start(): Promise<void> {
  const configured = loadConfig()
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`)
  }

  let config: GatewayConfig = configured
  let stopStack = (): Promise<unknown> => Promise.resolve()
  if (
    configured.kafkaBrokers === undefined ||
    configured.redisUrl === undefined ||
    configured.s3 === undefined
  ) {
    log('KAFKA_BROKERS, REDIS_URL or S3_ENDPOINT not set: starting the local stack (Kafka, Redis, S3)')
    const options = resolveLocalStackOptions()
    const { endpoints, started } = await startLocalStack(options, log)
    stopStack = () => stopLocalStack(options, log, started)
    config = {
      ...configured,
      kafkaBrokers: configured.kafkaBrokers ?? endpoints.kafkaBrokers,
      redisUrl: configured.redisUrl ?? endpoints.redisUrl,
      s3: configured.s3 ?? endpoints.s3,
    }
  }

  let gateway
  try {
    gateway = await startConfiguredGateway(config)
  } catch (error) {
    await stopStack()
    throw error
  }
  const running = gateway
  stopOnSignals(async () => {
    log('stopping')
    await running.stop()
    await stopStack()
  })

  const endpoint = `http://localhost:${running.ports.port}`
  log(
    [
      '',
      `Kinesis endpoint: ${endpoint}  (HTTP/1.1 and HTTP/2; health: ${endpoint}/health)`,
      `Kafka: ${config.kafkaBrokers?.join(',') ?? ''}   Redis: ${config.redisUrl ?? ''}   S3: ${config.s3?.endpoint ?? ''}`,
      '',
      'Try it (any credentials work; a 12-digit access key id is taken as the account id):',
      `  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --region us-east-1 --endpoint-url ${endpoint} kinesis list-streams`,
      '',
      'Ctrl-C stops the gateway and the servers this command started.',
      '',
    ].join('\n'),
  )
}

start().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `configuration: ${error.message}` : error)
  process.exit(1)
})
