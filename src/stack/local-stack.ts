import { mkdirSync } from 'node:fs'

import { KAFKA_RUNTIME, kafkaService } from './kafka.ts'
import { resolveRuntimeJars } from './maven.ts'
import { localStackEndpoints, type LocalStackOptions } from './options.ts'
import { redisService } from './redis.ts'
import { S3PROXY_RUNTIME, s3ProxyService } from './s3proxy.ts'
import {
  checkCanStart,
  runningPid,
  serviceStatus,
  startService,
  stopService,
  type Service,
  type ServiceStatus,
  type StackComponentName,
} from './service.ts'
import type { StackEndpoints } from './types.ts'

/** In start order: Kafka first, as it takes longest to download and to boot. */
export const STACK_COMPONENTS: readonly StackComponentName[] = ['kafka', 'redis', 's3proxy']

export interface LocalStackStart {
  endpoints: StackEndpoints
  /** The components this call started; the others were already running and were reused. */
  started: StackComponentName[]
}

const ignoreLog = (): void => undefined

function stackServices(options: LocalStackOptions): Record<StackComponentName, Service> {
  return { kafka: kafkaService(options), redis: redisService(options), s3proxy: s3ProxyService(options) }
}

/**
 * Starts Kafka, Redis and S3Proxy, reusing any that already run healthy from the same data dir. They
 * start in parallel; only their downloads, on first use, run one after the other. When one fails, the
 * others this call started are stopped again.
 */
export async function startLocalStack(
  options: LocalStackOptions,
  log: (line: string) => void = ignoreLog,
): Promise<LocalStackStart> {
  mkdirSync(options.dir, { recursive: true })
  const services = stackServices(options)
  // Catch a missing program or a taken port before anything starts, rather than after Kafka has booted.
  for (const name of STACK_COMPONENTS) {
    if (runningPid(services[name]) === undefined) await checkCanStart(services[name])
  }
  const outcomes = await Promise.allSettled(STACK_COMPONENTS.map((name) => startService(services[name], log)))
  const started = STACK_COMPONENTS.filter((_, index) => {
    const outcome = outcomes[index]
    return outcome?.status === 'fulfilled' && outcome.value === 'started'
  })
  const failures = outcomes.flatMap((outcome) =>
    outcome.status === 'rejected' ? [messageOf(outcome.reason)] : [],
  )
  if (failures.length > 0) {
    if (started.length > 0) {
      log(`stopping what this start had started: ${started.join(', ')}`)
      await stopLocalStack(options, log, started)
    }
    throw new Error(failures.join('; '))
  }
  return { endpoints: localStackEndpoints(options), started }
}

/** Stops the given components (all by default) by their pid files; returns those that were running. */
export async function stopLocalStack(
  options: LocalStackOptions,
  log: (line: string) => void = ignoreLog,
  components: readonly StackComponentName[] = STACK_COMPONENTS,
): Promise<StackComponentName[]> {
  const services = stackServices(options)
  const wasRunning = await Promise.all(components.map((name) => stopService(services[name], log)))
  return components.filter((_, index) => wasRunning[index] === true)
}

export async function localStackStatus(options: LocalStackOptions): Promise<ServiceStatus[]> {
  const services = stackServices(options)
  return Promise.all(STACK_COMPONENTS.map((name) => serviceStatus(services[name])))
}

/** Downloads the Kafka and S3Proxy jars into the cache (one after the other) without starting anything. */
export async function provisionLocalStack(
  options: LocalStackOptions,
  log: (line: string) => void = ignoreLog,
): Promise<void> {
  for (const runtime of [KAFKA_RUNTIME, S3PROXY_RUNTIME]) {
    const lib = await resolveRuntimeJars(runtime, options.cacheDir, log)
    log(`${runtime.name}: jars ready in ${lib}`)
  }
}

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason)
}
