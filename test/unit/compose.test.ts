import { readFileSync } from 'node:fs'

import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

import { loadConfig } from '../../src/config.ts'
import { MINIO_CLIENT_IMAGE, MINIO_IMAGE } from '../integration/fixture/images.ts'

interface ComposeService {
  image?: string
  build?: unknown
  command?: string[]
  environment?: Record<string, string | number>
  ports?: string[]
  volumes?: string[]
  healthcheck?: { test: string[] }
  depends_on?: Record<string, { condition: string }>
}

interface ComposeFile {
  services: Record<string, ComposeService>
  volumes: Record<string, unknown>
}

const compose = parse(readFileSync(new URL('../../compose.yaml', import.meta.url), 'utf8')) as ComposeFile

function service(name: string): ComposeService {
  const found = compose.services[name]
  if (found === undefined) throw new Error(`compose.yaml has no service ${name}`)
  return found
}

function environmentOf(name: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service(name).environment ?? {}).map(([key, value]) => [key, String(value)]),
  )
}

describe('compose.yaml (checked by parsing; no Docker engine needed)', () => {
  it('runs Kafka, Redis, MinIO and the gateway built from the repository', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['kafka', 'redis', 'minio', 'gateway']),
    )
    expect(service('gateway').build).toBe('.')
  })

  it('builds the image on a current Node LTS: compiled in one stage, run by plain node from the next', () => {
    const stages = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8')
      .split(/^(?=FROM )/m)
      .filter((stage) => stage.startsWith('FROM '))
    expect(stages).toHaveLength(2)
    const [build = '', runtime = ''] = stages
    for (const stage of stages) {
      const major = Number(/^FROM node:(\d+)-/.exec(stage)?.[1])
      expect(major, stage.split('\n')[0]).toBeGreaterThanOrEqual(22)
    }
    expect(build).toMatch(/^FROM \S+ AS build$/m)
    expect(build).toMatch(/^RUN npm run build$/m)
    expect(runtime).toMatch(/^RUN npm ci --omit=dev\b/m)
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m)
    expect(runtime).not.toMatch(/^COPY (src|tsconfig)/m)
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m)

    const buildConfig = JSON.parse(
      readFileSync(new URL('../../tsconfig.build.json', import.meta.url), 'utf8'),
    ) as {
      compilerOptions: Record<string, unknown>
    }
    expect(buildConfig.compilerOptions).toMatchObject({
      rootDir: 'src',
      outDir: 'dist',
      rewriteRelativeImportExtensions: true,
    })
  })

  it('gives every server a health check and the gateway waits for them', () => {
    for (const name of ['kafka', 'redis', 'minio', 'gateway']) {
      expect(service(name).healthcheck?.test.length, name).toBeGreaterThan(0)
    }
    const dependsOn = service('gateway').depends_on ?? {}
    expect(dependsOn.kafka?.condition).toBe('service_healthy')
    expect(dependsOn.redis?.condition).toBe('service_healthy')
    expect(dependsOn['minio-buckets']?.condition).toBe('service_completed_successfully')
  })

  it('configures the gateway with variables the gateway reads, pointing at the services', () => {
    const config = loadConfig(environmentOf('gateway'))
    expect(config.kafkaBrokers).toEqual(['kafka:9092'])
    expect(config.redisUrl).toBe('redis://redis:6379')
    expect(config.s3?.endpoint).toBe('http://minio:9000')
    const minio = environmentOf('minio')
    expect(config.s3?.accessKey).toBe(minio.MINIO_ROOT_USER)
    expect(config.s3?.secretKey).toBe(minio.MINIO_ROOT_PASSWORD)
    expect(service('gateway').ports).toContain(`${config.port}:${config.port}`)
    expect(JSON.stringify(service('gateway').healthcheck)).toContain(`127.0.0.1:${config.port}/health`)
  })

  it('keeps data in named volumes, with Redis persisting through AOF', () => {
    for (const name of ['kafka', 'redis', 'minio']) {
      const volume = service(name).volumes?.[0]?.split(':')[0] ?? ''
      expect(Object.keys(compose.volumes), name).toContain(volume)
    }
    expect(service('redis').command).toEqual(expect.arrayContaining(['--appendonly', 'yes']))
  })

  it('lets Kafka take records of 10 MiB, as Kinesis does', () => {
    expect(Number(environmentOf('kafka').KAFKA_MESSAGE_MAX_BYTES)).toBeGreaterThanOrEqual(
      10 * 1024 * 1024 + 1024,
    )
    expect(environmentOf('kafka').KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false')
  })

  it('pins MinIO from quay.io (Docker Hub no longer serves it), the image the Testcontainers fixture starts', () => {
    expect(service('minio').image).toBe(MINIO_IMAGE)
    expect(service('minio-buckets').image).toBe(MINIO_CLIENT_IMAGE)
    for (const image of [MINIO_IMAGE, MINIO_CLIENT_IMAGE])
      expect(image).toMatch(/^quay\.io\/minio\/\w+:RELEASE\./)
  })
})
