import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** A program the local stack runs, and how to install it where it is missing. */
export interface Prerequisite {
  command: string
  installHint: string
}

export const JAVA: Prerequisite = {
  command: 'java',
  installHint:
    "install Java 17 or newer with 'apt-get install -y openjdk-17-jre-headless' (Debian/Ubuntu) or 'brew install openjdk@17' (macOS)",
}

export const MAVEN: Prerequisite = {
  command: 'mvn',
  installHint:
    "install Maven with 'apt-get install -y maven' (Debian/Ubuntu) or 'brew install maven' (macOS)",
}

export const REDIS_SERVER: Prerequisite = {
  command: 'redis-server',
  installHint:
    "install it with 'apt-get install -y redis-server' (Debian/Ubuntu) or 'brew install redis' (macOS)",
}

const MINIMUM_JAVA_VERSION = 17

/** The full path of an executable found on PATH, like `command -v`. */
export function findExecutable(
  command: string,
  searchPath: string = process.env.PATH ?? '',
): string | undefined {
  for (const directory of searchPath.split(delimiter)) {
    if (directory === '') continue
    const candidate = join(directory, command)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return undefined
}

export function requireExecutable(prerequisite: Prerequisite): string {
  const path = findExecutable(prerequisite.command)
  if (path === undefined) throw new Error(`${prerequisite.command} not found: ${prerequisite.installHint}`)
  return path
}

/** The java to run the servers with: $JAVA_HOME/bin/java when JAVA_HOME is set, else java from PATH. */
export async function requireJava(env: Record<string, string | undefined> = process.env): Promise<string> {
  const javaHome = env.JAVA_HOME
  const java =
    javaHome !== undefined && javaHome !== '' ? findExecutable('java', join(javaHome, 'bin')) : undefined
  const executable = java ?? requireExecutable(JAVA)
  const { stderr } = await execFileAsync(executable, ['-version'])
  const version = parseJavaMajorVersion(stderr)
  if (version === undefined || version < MINIMUM_JAVA_VERSION) {
    throw new Error(
      `${executable} is Java ${version ?? 'of unknown version'}, Kafka 4 needs ${MINIMUM_JAVA_VERSION} or newer: ${JAVA.installHint}`,
    )
  }
  return executable
}

/** The major version from `java -version` output: 'version "17.0.15"' gives 17, 'version "1.8.0_402"' gives 8. */
export function parseJavaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput)
  if (match?.[1] === undefined) return undefined
  const first = Number(match[1])
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first
}
