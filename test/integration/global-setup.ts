import type { TestProject } from 'vitest/node'

import type { StackEndpoints } from '../../src/stack/types.ts'
import {
  acquireInfrastructure,
  type Infrastructure,
  type InfrastructureSource,
} from './fixture/infrastructure.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackEndpoints
    infrastructureSource: InfrastructureSource
  }
}

let infrastructure: Infrastructure | undefined

export async function setup(project: TestProject): Promise<void> {
  const log = (line: string): void => {
    process.stdout.write(`[integration] ${line}\n`)
  }
  infrastructure = await acquireInfrastructure(log)
  const { endpoints, source } = infrastructure
  log(
    `real servers from ${source}: Kafka ${endpoints.kafkaBrokers.join(',')}, Redis ${endpoints.redisUrl}, S3 ${endpoints.s3.endpoint}`,
  )
  project.provide('stack', endpoints)
  project.provide('infrastructureSource', source)
}

export async function teardown(): Promise<void> {
  await infrastructure?.release()
}
