import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { renderJavaProperties } from './java-properties.ts'
import { resolveRuntimeJars, type MavenRuntime } from './maven.ts'
import { PORT_VARIABLES, type LocalStackOptions } from './options.ts'
import { JAVA, requireJava } from './prerequisites.ts'
import type { Service } from './service.ts'

export const S3PROXY_RUNTIME: MavenRuntime = {
  name: 's3proxy',
  pomFile: fileURLToPath(new URL('resources/s3proxy-pom.xml', import.meta.url)),
  versionProperty: 's3proxy.version',
}

const LOGBACK_CONFIG = fileURLToPath(new URL('resources/s3proxy-logback.xml', import.meta.url))

export interface S3ProxyFiles {
  workDir: string
  /** The filesystem backend's root: one folder per bucket. */
  bucketsDir: string
  config: string
  logbackConfig: string
  pidFile: string
  outputFile: string
}

export function s3ProxyFiles(stackDir: string): S3ProxyFiles {
  const workDir = join(stackDir, 's3proxy')
  return {
    workDir,
    bucketsDir: join(workDir, 's3'),
    config: join(workDir, 's3proxy.conf'),
    logbackConfig: join(workDir, 'logback.xml'),
    pidFile: join(stackDir, 's3proxy.pid'),
    outputFile: join(stackDir, 's3proxy.log'),
  }
}

/** S3Proxy's properties: S3 on 127.0.0.1 with AWS signatures (V2 or V4), objects stored as files. */
export function renderS3ProxyConfig(settings: {
  port: number
  accessKey: string
  secretKey: string
  bucketsDir: string
}): string {
  const properties: Record<string, string> = {
    's3proxy.endpoint': `http://127.0.0.1:${settings.port}`,
    's3proxy.authorization': 'aws-v2-or-v4',
    's3proxy.identity': settings.accessKey,
    's3proxy.credential': settings.secretKey,
    'jclouds.provider': 'filesystem',
    'jclouds.filesystem.basedir': settings.bucketsDir,
  }
  return renderJavaProperties(properties)
}

/** Whether an HTTP server answers on 127.0.0.1:port; any status counts (S3Proxy answers 403 unsigned). */
export function httpAnswers(port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = request({
      host: '127.0.0.1',
      port,
      path: '/',
      method: 'GET',
      agent: false,
      timeout: timeoutMs,
    })
    probe.once('response', (response) => {
      response.resume()
      resolve(true)
    })
    probe.once('timeout', () => {
      probe.destroy()
    })
    probe.once('error', () => {
      resolve(false)
    })
    probe.end()
  })
}

export function s3ProxyService(options: LocalStackOptions): Service {
  const files = s3ProxyFiles(options.dir)
  const port = options.ports.s3
  return {
    name: 's3proxy',
    port,
    listens: [{ port, variable: PORT_VARIABLES.s3 }],
    requires: [JAVA],
    pidFile: files.pidFile,
    outputFile: files.outputFile,
    logFiles: [files.outputFile],
    commandLineMarkers: ['org.gaul.s3proxy.Main', files.config],
    startupTimeoutMs: 60_000,
    isHealthy: () => httpAnswers(port),
    provision: async (log) => {
      await resolveRuntimeJars(S3PROXY_RUNTIME, options.cacheDir, log)
    },
    prepare: async (log) => {
      // A cache hit: startService has provisioned already.
      const lib = await resolveRuntimeJars(S3PROXY_RUNTIME, options.cacheDir, log)
      const java = await requireJava()
      mkdirSync(files.bucketsDir, { recursive: true })
      writeFileSync(
        files.config,
        renderS3ProxyConfig({ port, ...options.s3Credentials, bucketsDir: files.bucketsDir }),
      )
      copyFileSync(LOGBACK_CONFIG, files.logbackConfig)
      return {
        command: java,
        args: [
          '-Xms64m',
          '-Xmx512m',
          '-Djava.awt.headless=true',
          `-Dlogback.configurationFile=${files.logbackConfig}`,
          '-cp',
          join(lib, '*'),
          'org.gaul.s3proxy.Main',
          '--properties',
          files.config,
        ],
        cwd: files.workDir,
      }
    },
  }
}
