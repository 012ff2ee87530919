import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { MAVEN, requireExecutable } from './prerequisites.ts'
import { isProcessAlive } from './processes.ts'

/** A Java program whose classpath is one pom's runtime dependencies. */
export interface MavenRuntime {
  /** Short name, used in messages and as the cache folder's prefix. */
  name: string
  pomFile: string
  /** The pom property holding the version that names the cache folder, e.g. kafka.version. */
  versionProperty: string
}

const COMPLETE_MARKER = '.complete'
const PROGRESS_INTERVAL_MS = 3_000

// Maven runs one at a time: resolutions share ~/.m2 and the machine has few cores to spare.
let mavenTurn: Promise<unknown> = Promise.resolve()

/** The folder of a runtime's cache: <cacheDir>/<name>-<version>. */
export function runtimeCacheFolder(runtime: MavenRuntime, cacheDir: string): string {
  const version = readPomProperty(readFileSync(runtime.pomFile, 'utf8'), runtime.versionProperty)
  return join(cacheDir, `${runtime.name}-${version}`)
}

/** The runtime's lib folder when a previous resolution of the same pom completed, else undefined. */
export function cachedRuntimeJars(runtime: MavenRuntime, cacheDir: string): string | undefined {
  const folder = runtimeCacheFolder(runtime, cacheDir)
  const marker = join(folder, COMPLETE_MARKER)
  if (!existsSync(marker)) return undefined
  const pomDigest = digest(readFileSync(runtime.pomFile, 'utf8'))
  return readFileSync(marker, 'utf8').trim() === pomDigest ? join(folder, 'lib') : undefined
}

/**
 * The lib folder holding every runtime jar, downloading them with Maven the first time. The cache is
 * marked complete (with the pom's digest) only after the copy succeeded, so an interrupted download or
 * a changed pom is resolved again.
 */
export async function resolveRuntimeJars(
  runtime: MavenRuntime,
  cacheDir: string,
  log: (line: string) => void,
): Promise<string> {
  const cached = cachedRuntimeJars(runtime, cacheDir)
  if (cached !== undefined) return cached
  const turn = mavenTurn.then(() => downloadRuntimeJars(runtime, cacheDir, log))
  mavenTurn = turn.catch(() => undefined)
  return turn
}

async function downloadRuntimeJars(
  runtime: MavenRuntime,
  cacheDir: string,
  log: (line: string) => void,
): Promise<string> {
  const cached = cachedRuntimeJars(runtime, cacheDir)
  if (cached !== undefined) return cached
  const mvn = requireExecutable(MAVEN)
  const folder = runtimeCacheFolder(runtime, cacheDir)
  const pom = readFileSync(runtime.pomFile, 'utf8')
  const lib = join(folder, 'lib')
  const partialLib = join(folder, `lib.partial-${process.pid}`)
  mkdirSync(folder, { recursive: true })
  removeAbandonedPartialCopies(folder)
  rmSync(join(folder, COMPLETE_MARKER), { force: true })
  await writeFile(join(folder, 'pom.xml'), pom)

  log(`${runtime.name}: jars not cached yet, downloading them from Maven Central into ${folder}`)
  const startedAt = Date.now()
  await runMaven(mvn, folder, partialLib, runtime.name, log)

  rmSync(lib, { recursive: true, force: true })
  renameSync(partialLib, lib)
  await writeFile(join(folder, COMPLETE_MARKER), `${digest(pom)}\n`)
  const jars = readdirSync(lib).filter((file) => file.endsWith('.jar'))
  const megabytes = jars.reduce((total, jar) => total + statSync(join(lib, jar)).size, 0) / 1024 / 1024
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1)
  log(`${runtime.name}: ${jars.length} jars (${megabytes.toFixed(0)} MB) cached in ${seconds} s`)
  return lib
}

/** Copies left by interrupted downloads: lib.partial-<pid> folders whose process is gone. */
function removeAbandonedPartialCopies(folder: string): void {
  for (const entry of readdirSync(folder)) {
    const pid = /^lib\.partial-(\d+)$/.exec(entry)?.[1]
    if (pid !== undefined && (Number(pid) === process.pid || !isProcessAlive(Number(pid)))) {
      rmSync(join(folder, entry), { recursive: true, force: true })
    }
  }
}

/** Runs dependency:copy-dependencies, reporting each downloaded jar; the full output goes to mvn.log. */
async function runMaven(
  mvn: string,
  folder: string,
  outputDirectory: string,
  name: string,
  log: (line: string) => void,
): Promise<void> {
  const args = [
    '--batch-mode',
    '-Dstyle.color=never',
    '-f',
    join(folder, 'pom.xml'),
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${outputDirectory}`,
  ]
  const transcriptFile = join(folder, 'mvn.log')
  const transcript = createWriteStream(transcriptFile)
  const child = spawn(mvn, args, { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })

  let jarCount = 0
  let descriptorCount = 0
  let lastProgressAt = Date.now()
  const errors: string[] = []
  const readLines = (stream: NodeJS.ReadableStream): Promise<void> =>
    (async () => {
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
        transcript.write(`${line}\n`)
        if (line.startsWith('[ERROR]')) errors.push(line)
        const download = parseMavenDownload(line)
        if (download === undefined) continue
        if (download.file.endsWith('.jar')) {
          jarCount += 1
          log(`${name}: downloaded ${download.file} (${download.size}), ${jarCount} jars so far`)
        } else {
          descriptorCount += 1
          if (Date.now() - lastProgressAt >= PROGRESS_INTERVAL_MS) {
            lastProgressAt = Date.now()
            log(`${name}: resolving dependencies, pom files fetched so far: ${descriptorCount}`)
          }
        }
      }
    })()

  const [exitCode] = await Promise.all([exited, readLines(child.stdout), readLines(child.stderr)])
  await new Promise<void>((resolve) => transcript.end(resolve))
  if (exitCode !== 0) {
    for (const error of errors.slice(0, 10)) log(`${name}: ${error}`)
    throw new Error(
      `Maven could not download the ${name} jars (exit code ${exitCode ?? 'none'}); full output in ${transcriptFile}`,
    )
  }
}

/** Reads a Maven "Downloaded from <repository>: <url> (<size> at <speed>)" line. */
export function parseMavenDownload(line: string): { file: string; size: string } | undefined {
  const match = /Downloaded from [^:]+: (\S+) \((.+?)(?: at [^)]*)?\)/.exec(line)
  if (match?.[1] === undefined || match[2] === undefined) return undefined
  return { file: match[1].slice(match[1].lastIndexOf('/') + 1), size: match[2] }
}

/** The value of <name>value</name> in a pom's properties. */
export function readPomProperty(pom: string, name: string): string {
  const escaped = name.replaceAll('.', '\\.')
  const match = new RegExp(`<${escaped}>([^<]+)</${escaped}>`).exec(pom)
  if (match?.[1] === undefined) throw new Error(`the pom has no <${name}> property`)
  return match[1].trim()
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
