import { requireExecutable, type Prerequisite } from './prerequisites.ts'
import {
  type CommandLine,
  isPortInUse,
  isProcessAlive,
  lastLines,
  processMatches,
  readPidFile,
  removePidFile,
  spawnDetached,
  stopProcess,
  waitUntil,
  writePidFile,
} from './processes.ts'

export type StackComponentName = 'kafka' | 'redis' | 's3proxy'

/** One server of the local stack, run as a detached process tracked by a pid file. */
export interface Service {
  name: StackComponentName
  /** The port clients use. */
  port: number
  /** Every port it listens on, with the variable that moves it, checked as free before it starts. */
  listens: readonly { port: number; variable: string }[]
  pidFile: string
  /** Receives the process's stdout and stderr. */
  outputFile: string
  /** Where to look when it fails (outputFile and the server's own log). */
  logFiles: readonly string[]
  /** Programs it runs, checked before anything starts. */
  requires: readonly Prerequisite[]
  /** Fragments of its command line that tell it apart from any other process that got the same pid. */
  commandLineMarkers: readonly string[]
  startupTimeoutMs: number
  /** Downloads what it needs into the cache, when it is not there yet. */
  provision(log: (line: string) => void): Promise<void>
  /** Writes its configuration (and formats storage and the like) and returns the command that runs it. */
  prepare(log: (line: string) => void): Promise<CommandLine>
  isHealthy(): Promise<boolean>
}

export type ServiceStatus =
  | { name: StackComponentName; state: 'running'; pid: number; port: number; healthy: boolean }
  | { name: StackComponentName; state: 'stopped'; port: number }

const HEALTH_POLL_MS = 500
const STOP_GRACE_MS = 30_000
const LOG_LINES_ON_FAILURE = 15

/** The pid of the service's running process, or undefined when it is not running. */
export function runningPid(service: Service): number | undefined {
  const pid = readPidFile(service.pidFile)
  if (pid === undefined) return undefined
  return isProcessAlive(pid) && processMatches(pid, service.commandLineMarkers) ? pid : undefined
}

export async function serviceStatus(service: Service): Promise<ServiceStatus> {
  const pid = runningPid(service)
  if (pid === undefined) return { name: service.name, state: 'stopped', port: service.port }
  return { name: service.name, state: 'running', pid, port: service.port, healthy: await service.isHealthy() }
}

/** Starts the service, or reuses it when it already runs; 'started' only when this call started it. */
export async function startService(
  service: Service,
  log: (line: string) => void,
): Promise<'started' | 'reused'> {
  const existingPid = runningPid(service)
  if (existingPid !== undefined) {
    await awaitHealthy(
      service,
      existingPid,
      `${service.name} (pid ${existingPid}) is running but does not answer`,
      log,
    )
    log(`${service.name}: already running (pid ${existingPid}, port ${service.port}), reused`)
    return 'reused'
  }
  removePidFile(service.pidFile)
  // No await comes before this call, so services started together queue their downloads in call order.
  await service.provision(log)
  await checkCanStart(service)

  const commandLine = await service.prepare(log)
  const startedAt = Date.now()
  log(`${service.name}: starting on port ${service.port}`)
  const pid = await spawnDetached(commandLine, service.outputFile)
  writePidFile(service.pidFile, pid)
  try {
    await awaitHealthy(service, pid, `${service.name} did not come up on port ${service.port}`, log)
  } catch (error) {
    await stopProcess(pid, STOP_GRACE_MS)
    removePidFile(service.pidFile)
    throw error
  }
  log(
    `${service.name}: ready (pid ${pid}, port ${service.port}) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  )
  return 'started'
}

/** Stops the service by its pid file; false when it was not running. */
export async function stopService(service: Service, log: (line: string) => void): Promise<boolean> {
  const pid = runningPid(service)
  if (pid !== undefined) {
    const outcome = await stopProcess(pid, STOP_GRACE_MS)
    if (outcome === 'killed') {
      log(`${service.name}: did not exit within ${STOP_GRACE_MS / 1000} s of SIGTERM, killed`)
    }
    log(`${service.name}: stopped (pid ${pid})`)
  }
  removePidFile(service.pidFile)
  return pid !== undefined
}

async function awaitHealthy(
  service: Service,
  pid: number,
  failure: string,
  log: (line: string) => void,
): Promise<void> {
  const exited = (): Error | undefined =>
    isProcessAlive(pid) ? undefined : new Error(`${service.name} exited while starting; ${seeLogs(service)}`)
  const healthy = await waitUntil(() => service.isHealthy(), {
    timeoutMs: service.startupTimeoutMs,
    intervalMs: HEALTH_POLL_MS,
    giveUp: exited,
  }).catch((error: unknown) => {
    logTails(service, log)
    throw error
  })
  if (!healthy) {
    logTails(service, log)
    throw new Error(`${failure} within ${service.startupTimeoutMs / 1000} s; ${seeLogs(service)}`)
  }
}

function seeLogs(service: Service): string {
  return `see ${service.logFiles.join(' and ')}`
}

/** Shows the end of the logs, so a failed start in CI explains itself. */
function logTails(service: Service, log: (line: string) => void): void {
  for (const file of service.logFiles) {
    const lines = lastLines(file, LOG_LINES_ON_FAILURE)
    if (lines.length === 0) continue
    log(`${service.name}: last lines of ${file}:`)
    for (const line of lines) log(`  ${line}`)
  }
}

/** Fails when a program the service runs is missing or a port it listens on is taken. */
export async function checkCanStart(service: Service): Promise<void> {
  for (const prerequisite of service.requires) requireExecutable(prerequisite)
  for (const { port, variable } of service.listens) {
    if (await isPortInUse(port)) {
      throw new Error(
        `port ${port} for ${service.name} is already in use by another process; stop it or choose another port with ${variable}`,
      )
    }
  }
}
