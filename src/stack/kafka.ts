import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { Kafka, logLevel } from 'kafkajs'

import { renderJavaProperties } from './java-properties.ts'
import { resolveRuntimeJars, type MavenRuntime } from './maven.ts'
import { PORT_VARIABLES, type LocalStackOptions } from './options.ts'
import { JAVA, requireJava } from './prerequisites.ts'
import type { CommandLine } from './processes.ts'
import type { Service } from './service.ts'

const execFileAsync = promisify(execFile)

export const KAFKA_RUNTIME: MavenRuntime = {
  name: 'kafka',
  pomFile: fileURLToPath(new URL('resources/kafka-pom.xml', import.meta.url)),
  versionProperty: 'kafka.version',
}

/** Records up to 10 MiB must pass, with room for the batch and record overhead. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

export interface KafkaFiles {
  workDir: string
  /** log.dirs: the partitions and the KRaft metadata log. */
  dataDir: string
  serverProperties: string
  log4jConfig: string
  serverLog: string
  pidFile: string
  outputFile: string
}

export function kafkaFiles(stackDir: string): KafkaFiles {
  const workDir = join(stackDir, 'kafka')
  return {
    workDir,
    dataDir: join(workDir, 'data'),
    serverProperties: join(workDir, 'server.properties'),
    log4jConfig: join(workDir, 'log4j2.properties'),
    serverLog: join(workDir, 'server.log'),
    pidFile: join(stackDir, 'kafka.pid'),
    outputFile: join(stackDir, 'kafka.log'),
  }
}

/** A single KRaft node that is both broker and controller, listening on 127.0.0.1 only. */
export function renderKafkaServerProperties(settings: {
  port: number
  controllerPort: number
  dataDir: string
}): string {
  const { port, controllerPort, dataDir } = settings
  const properties: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': dataDir,
    'auto.create.topics.enable': 'false',
    'num.partitions': 1,
    'message.max.bytes': MAX_MESSAGE_BYTES,
    'replica.fetch.max.bytes': MAX_MESSAGE_BYTES,
    // socket.request.max.bytes keeps its default of 100 MiB, well above MAX_MESSAGE_BYTES.
    'group.initial.rebalance.delay.ms': 0,
    'offsets.topic.replication.factor': 1,
    // One partition instead of 50 makes the first consumer group on a fresh node ready sooner.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
  }
  return renderJavaProperties(properties)
}

/** Kafka's own log goes to a file (rolled at 10 MB) rather than to the stdout of whoever started it. */
export function renderKafkaLog4j2Properties(serverLog: string): string {
  return [
    'status = warn',
    // Kafka stops its loggers itself; log4j's own hook would only warn that the JVM is already shutting down.
    'shutdownHook = disable',
    'appender.file.type = RollingFile',
    'appender.file.name = file',
    `appender.file.fileName = ${serverLog}`,
    `appender.file.filePattern = ${serverLog}.%i`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'appender.file.policies.type = Policies',
    'appender.file.policies.size.type = SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size = 10MB',
    'appender.file.strategy.type = DefaultRolloverStrategy',
    'appender.file.strategy.max = 3',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = file',
    'logger.requests.name = kafka.request.logger',
    'logger.requests.level = WARN',
    '',
  ].join('\n')
}

/** Whether the broker answers a metadata request (kafkajs describeCluster). */
export async function kafkaAnswersMetadata(broker: string): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'local-stack-probe',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
  })
  const admin = kafka.admin()
  try {
    await admin.connect()
    const cluster = await admin.describeCluster()
    return cluster.brokers.length > 0
  } catch {
    return false
  } finally {
    await admin.disconnect().catch(() => undefined)
  }
}

export function kafkaService(options: LocalStackOptions): Service {
  const files = kafkaFiles(options.dir)
  const { kafka: port, kafkaController: controllerPort } = options.ports
  return {
    name: 'kafka',
    port,
    listens: [
      { port, variable: PORT_VARIABLES.kafka },
      { port: controllerPort, variable: PORT_VARIABLES.kafkaController },
    ],
    requires: [JAVA],
    pidFile: files.pidFile,
    outputFile: files.outputFile,
    logFiles: [files.serverLog, files.outputFile],
    commandLineMarkers: ['kafka.Kafka', files.serverProperties],
    // Usually 5-10 s, but a busy 2-core machine (tests, another JVM booting) can stretch that a lot.
    startupTimeoutMs: 120_000,
    isHealthy: () => kafkaAnswersMetadata(`127.0.0.1:${port}`),
    provision: async (log) => {
      await resolveRuntimeJars(KAFKA_RUNTIME, options.cacheDir, log)
    },
    prepare: async (log) => {
      // A cache hit: startService has provisioned already.
      const lib = await resolveRuntimeJars(KAFKA_RUNTIME, options.cacheDir, log)
      const java = await requireJava()
      mkdirSync(files.dataDir, { recursive: true })
      writeFileSync(
        files.serverProperties,
        renderKafkaServerProperties({ port, controllerPort, dataDir: files.dataDir }),
      )
      writeFileSync(files.log4jConfig, renderKafkaLog4j2Properties(files.serverLog))
      const javaArgs = [`-Dlog4j2.configurationFile=${files.log4jConfig}`, '-cp', join(lib, '*')]
      await formatStorageOnce(java, javaArgs, files, log)
      return {
        command: java,
        args: [
          '-Xms256m',
          '-Xmx1g',
          '-Djava.awt.headless=true',
          ...javaArgs,
          'kafka.Kafka',
          files.serverProperties,
        ],
        cwd: files.workDir,
      } satisfies CommandLine
    },
  }
}

/** A KRaft node needs its storage formatted with a cluster id once, before its first start. */
async function formatStorageOnce(
  java: string,
  javaArgs: readonly string[],
  files: KafkaFiles,
  log: (line: string) => void,
): Promise<void> {
  if (existsSync(join(files.dataDir, 'meta.properties'))) return
  log(`kafka: formatting storage in ${files.dataDir}`)
  const storageTool = async (...args: string[]): Promise<string> => {
    try {
      const { stdout } = await execFileAsync(java, [...javaArgs, 'kafka.tools.StorageTool', ...args], {
        cwd: files.workDir,
        timeout: 60_000,
      })
      return stdout.trim()
    } catch (error) {
      const output = (error as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? String(error)
      throw new Error(`kafka storage ${args[0] ?? ''} failed: ${output}; see ${files.serverLog}`)
    }
  }
  const clusterId = await storageTool('random-uuid')
  await storageTool('format', '-t', clusterId, '-c', files.serverProperties, '--ignore-formatted')
}
