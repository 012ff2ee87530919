import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { endpointVariables } from '../src/stack/environment.ts'
import { freePort } from '../src/stack/processes.ts'
import type { StackEndpoints } from '../src/stack/types.ts'

export interface GatewayProcess {
  endpoint: string
  pid: number
  /** CPU seconds (user + system) the gateway's processes (with GATEWAY_WORKERS, its workers too) used so far. */
  cpuSeconds(): number
  /** Resident memory of the gateway's processes in bytes. */
  residentBytes(): number
  /**
   * The highest resident memory in bytes since the process started or since `resetPeakResident()`; with
   * workers, the sum of each process's peak (an upper bound of their peak together).
   */
  peakResidentBytes(): number
  /** Starts the peak over from the current resident memory. */
  resetPeakResident(): void
  stop(): Promise<void>
  /** SIGKILL, as a crash or an out-of-memory kill would end it: no draining, no goodbye to Kafka or Redis. */
  kill(): Promise<void>
}

export interface GatewayProcessOptions {
  /** Listen here (a replica restarted on its old address); a free port by default. */
  port?: number
  /** Where the gateway's own output goes; the terminal by default. */
  output?: 'inherit' | 'ignore'
  /**
   * A file that takes what the gateway writes on stdout (its JSON log), instead of `output`; stderr stays on the
   * terminal. A file, not a pipe to the bench: Node writes to pipes synchronously, so a busy bench would stall
   * the gateway it measures.
   */
  logFile?: string
}

/** The checkout this module belongs to, whatever the current directory. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The gateway as its own process, as users run it, so the load generator does not share its event loop. */
export async function startGatewayProcess(
  stack: StackEndpoints,
  environment: Record<string, string> = {},
  options: GatewayProcessOptions = {},
): Promise<GatewayProcess> {
  const port = options.port ?? (await freePort())
  const nodeArguments = process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'w')
  const child: ChildProcess = spawn(process.execPath, [...nodeArguments, '--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...endpointVariables(stack),
      STREAM_CREATING_DELAY_MS: '0',
      STREAM_UPDATING_DELAY_MS: '0',
      STREAM_DELETING_DELAY_MS: '0',
      ...environment,
    },
    stdio: ['ignore', logFd ?? options.output ?? 'inherit', options.output ?? 'inherit'],
  })
  if (logFd !== undefined) closeSync(logFd)
  const pid = child.pid
  if (pid === undefined) throw new Error('the gateway process did not start')
  const endpoint = `http://127.0.0.1:${port}`
  const state = { exited: false }
  child.once('exit', () => {
    state.exited = true
  })
  for (let attempt = 0; ; attempt++) {
    if (state.exited) throw new Error('the gateway process exited at startup')
    try {
      if ((await fetch(`${endpoint}/health`)).ok) break
    } catch {
      // not listening yet
    }
    if (attempt > 200) throw new Error('the gateway did not become healthy')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const ticks = 100
  return {
    endpoint,
    pid,
    cpuSeconds: () => {
      let ticksUsed = 0
      for (const member of processTree(pid)) {
        const fields = readFileSync(`/proc/${member}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
        // utime + stime, and cutime + cstime: the workers that exited and were replaced count too.
        ticksUsed += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])
      }
      return ticksUsed / ticks
    },
    residentBytes: () => sum(processTree(pid).map((member) => statusBytes(member, 'VmRSS'))),
    peakResidentBytes: () => sum(processTree(pid).map((member) => statusBytes(member, 'VmHWM'))),
    resetPeakResident: () => {
      // Linux resets VmHWM to the current RSS when '5' is written to clear_refs.
      for (const member of processTree(pid)) writeFileSync(`/proc/${member}/clear_refs`, '5')
    },
    stop: () => endWith(child, 'SIGTERM'),
    kill: () => endWith(child, 'SIGKILL'),
  }
}

function endWith(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve()
    })
    child.kill(signal)
  })
}

/** The process and its children (a gateway's workers). */
function processTree(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
  return [pid, ...(children === '' ? [] : children.split(' ').map(Number))]
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}

function statusBytes(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1] ?? 0) * 1024
}

/** How a failed AWS SDK call is counted: its HTTP status and error name, or the connection error behind it. */
export function failureKey(error: unknown): string {
  const failure = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } }
  const status = failure.$metadata?.httpStatusCode
  return status === undefined
    ? `connection ${failure.code ?? failure.name ?? 'error'}`
    : `${String(status)} ${failure.name ?? ''}`
}
