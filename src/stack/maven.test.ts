import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { KAFKA_RUNTIME } from './kafka.ts'
import { cachedRuntimeJars, parseMavenDownload, readPomProperty, runtimeCacheFolder } from './maven.ts'
import { S3PROXY_RUNTIME } from './s3proxy.ts'

describe('parseMavenDownload', () => {
  it('reads the file name and size of a download', () => {
    expect(
      parseMavenDownload(
        '[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/apache/kafka/kafka-clients/4.1.2/kafka-clients-4.1.2.jar (12 MB at 3.9 MB/s)',
      ),
    ).toEqual({ file: 'kafka-clients-4.1.2.jar', size: '12 MB' })
  })

  it('ignores other lines, including the announcement of a download', () => {
    expect(parseMavenDownload('[INFO] Downloading from central: https://repo/x-1.jar')).toBeUndefined()
    expect(parseMavenDownload('[INFO] BUILD SUCCESS')).toBeUndefined()
  })
})

describe('readPomProperty', () => {
  it('reads a property and fails clearly when it is missing', () => {
    const pom =
      '<properties><kafka.version>4.1.2</kafka.version><kafkaXversion>9</kafkaXversion></properties>'
    expect(readPomProperty(pom, 'kafka.version')).toBe('4.1.2')
    expect(() => readPomProperty(pom, 'log4j.version')).toThrow('the pom has no <log4j.version> property')
  })

  it('finds the version of both shipped poms', () => {
    expect(readPomProperty(readFileSync(KAFKA_RUNTIME.pomFile, 'utf8'), 'kafka.version')).toMatch(
      /^4\.\d+\.\d+$/,
    )
    expect(readPomProperty(readFileSync(S3PROXY_RUNTIME.pomFile, 'utf8'), 's3proxy.version')).toMatch(
      /^\d+\.\d+\.\d+$/,
    )
  })
})

describe('cachedRuntimeJars', () => {
  function cacheWithPom(pom: string): { cacheDir: string; pomFile: string } {
    const root = mkdtempSync(join(tmpdir(), 'stack-cache-'))
    const pomFile = join(root, 'pom.xml')
    writeFileSync(pomFile, pom)
    return { cacheDir: join(root, 'cache'), pomFile }
  }

  it('is undefined until a download has been marked complete with the digest of the same pom', () => {
    const { cacheDir, pomFile } = cacheWithPom('<thing.version>1.0</thing.version>')
    const runtime = { name: 'thing', pomFile, versionProperty: 'thing.version' }
    const folder = runtimeCacheFolder(runtime, cacheDir)
    expect(folder).toBe(join(cacheDir, 'thing-1.0'))

    mkdirSync(join(folder, 'lib'), { recursive: true })
    expect(cachedRuntimeJars(runtime, cacheDir)).toBeUndefined()

    writeFileSync(join(folder, '.complete'), 'a digest of some other pom\n')
    expect(cachedRuntimeJars(runtime, cacheDir)).toBeUndefined()

    writeFileSync(join(folder, '.complete'), `${sha256('<thing.version>1.0</thing.version>')}\n`)
    expect(cachedRuntimeJars(runtime, cacheDir)).toBe(join(folder, 'lib'))
  })
})

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
