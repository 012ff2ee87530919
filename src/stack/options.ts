import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

import type { StackEndpoints } from './types.ts'

/** Where the local stack keeps its data and downloads, and the ports its servers listen on. */
export interface LocalStackOptions {
  /** Data, configuration, logs and pid files of the running servers. */
  dir: string
  /** Jars downloaded from Maven Central, shared by every checkout on the machine. */
  cacheDir: string
  ports: LocalStackPorts
  s3Credentials: { accessKey: string; secretKey: string }
}

export interface LocalStackPorts {
  kafka: number
  kafkaController: number
  redis: number
  s3: number
}

type Env = Record<string, string | undefined>

const S3_REGION = 'us-east-1'

export const DEFAULT_PORTS: LocalStackPorts = {
  kafka: 19092,
  kafkaController: 19093,
  redis: 16379,
  s3: 19090,
}

/** The environment variable that sets each port, also named in messages that tell how to change it. */
export const PORT_VARIABLES: Readonly<Record<keyof LocalStackPorts, string>> = {
  kafka: 'STACK_KAFKA_PORT',
  kafkaController: 'STACK_KAFKA_CONTROLLER_PORT',
  redis: 'STACK_REDIS_PORT',
  s3: 'STACK_S3_PORT',
}

/**
 * Reads STACK_DIR, STACK_CACHE_DIR, STACK_KAFKA_PORT, STACK_KAFKA_CONTROLLER_PORT, STACK_REDIS_PORT,
 * STACK_S3_PORT, STACK_S3_ACCESS_KEY and STACK_S3_SECRET_KEY; anything unset takes its default.
 */
export function resolveLocalStackOptions(
  env: Env = process.env,
  cwd: string = process.cwd(),
): LocalStackOptions {
  const ports: LocalStackPorts = {
    kafka: portNumber(env, 'kafka'),
    kafkaController: portNumber(env, 'kafkaController'),
    redis: portNumber(env, 'redis'),
    s3: portNumber(env, 's3'),
  }
  rejectSharedPorts(ports)
  return {
    dir: resolve(cwd, setting(env, 'STACK_DIR') ?? '.stack'),
    cacheDir: resolve(
      cwd,
      setting(env, 'STACK_CACHE_DIR') ?? join(homedir(), '.cache', 'kinesis-kafka-gateway'),
    ),
    ports,
    s3Credentials: {
      accessKey: setting(env, 'STACK_S3_ACCESS_KEY') ?? 'stack-access-key',
      secretKey: setting(env, 'STACK_S3_SECRET_KEY') ?? 'stack-secret-key',
    },
  }
}

/** The addresses clients use; they follow from the options alone, whether or not the servers run. */
export function localStackEndpoints(options: LocalStackOptions): StackEndpoints {
  return {
    kafkaBrokers: [`127.0.0.1:${options.ports.kafka}`],
    redisUrl: `redis://127.0.0.1:${options.ports.redis}`,
    s3: {
      endpoint: `http://127.0.0.1:${options.ports.s3}`,
      accessKey: options.s3Credentials.accessKey,
      secretKey: options.s3Credentials.secretKey,
      region: S3_REGION,
    },
  }
}

function portNumber(env: Env, key: keyof LocalStackPorts): number {
  const variable = PORT_VARIABLES[key]
  const value = setting(env, variable)
  if (value === undefined) return DEFAULT_PORTS[key]
  const port = Number(value)
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new Error(`${variable} must be a port number (1-65535), got '${value}'`)
  }
  return port
}

function rejectSharedPorts(ports: LocalStackPorts): void {
  const keys = Object.keys(PORT_VARIABLES) as (keyof LocalStackPorts)[]
  for (const [index, first] of keys.entries()) {
    for (const second of keys.slice(index + 1)) {
      if (ports[first] === ports[second]) {
        throw new Error(
          `${PORT_VARIABLES[first]} and ${PORT_VARIABLES[second]} must differ, both are ${ports[first]}`,
        )
      }
    }
  }
}

function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}
