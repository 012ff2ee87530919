import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface CommandLine {
  command: string
  args: readonly string[]
  cwd: string
  env?: Record<string, string | undefined>
}

/**
 * Starts a server in its own session, so it outlives the process that started it and a Ctrl-C in that
 * terminal does not reach it; its stdout and stderr are appended to outputFile.
 */
export async function spawnDetached(commandLine: CommandLine, outputFile: string): Promise<number> {
  mkdirSync(dirname(outputFile), { recursive: true })
  const output = openSync(outputFile, 'a')
  try {
    const child = spawn(commandLine.command, commandLine.args, {
      cwd: commandLine.cwd,
      env: commandLine.env ?? process.env,
      detached: true,
      stdio: ['ignore', output, output],
    })
    await once(child, 'spawn')
    child.unref()
    if (child.pid === undefined) throw new Error(`${commandLine.command} did not start`)
    return child.pid
  } finally {
    closeSync(output)
  }
}

/** The pid in a pid file, or undefined when the file is missing or does not hold a pid. */
export function readPidFile(pidFile: string): number | undefined {
  let text: string
  try {
    text = readFileSync(pidFile, 'utf8').trim()
  } catch {
    return undefined
  }
  if (!/^\d+$/.test(text)) return undefined
  const pid = Number(text)
  return pid > 0 ? pid : undefined
}

export function writePidFile(pidFile: string, pid: number): void {
  mkdirSync(dirname(pidFile), { recursive: true })
  writeFileSync(pidFile, `${pid}\n`)
}

export function removePidFile(pidFile: string): void {
  rmSync(pidFile, { force: true })
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

/**
 * Whether the process's command line contains every marker, so that a pid reused by an unrelated
 * process after a reboot is never taken for one of our servers. Where /proc is missing (macOS) the
 * pid alone has to do.
 */
export function processMatches(pid: number, markers: readonly string[]): boolean {
  const commandLine = readProcFile(pid, 'cmdline')
  if (commandLine === undefined) return !existsSync('/proc/self')
  const readable = commandLine.replaceAll('\0', ' ')
  return markers.every((marker) => readable.includes(marker))
}

export type StopOutcome = 'terminated' | 'killed' | 'not-running'

/** SIGTERM, then SIGKILL if the process has not exited within graceMs. */
export async function stopProcess(pid: number, graceMs: number): Promise<StopOutcome> {
  if (!isProcessAlive(pid) || !signal(pid, 'SIGTERM')) return 'not-running'
  if (await waitForExit(pid, graceMs)) return 'terminated'
  signal(pid, 'SIGKILL')
  if (await waitForExit(pid, 5_000)) return 'killed'
  throw new Error(`process ${pid} survived SIGKILL`)
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  return waitUntil(() => Promise.resolve(!isProcessAlive(pid)), { timeoutMs, intervalMs: 100 })
}

/**
 * Polls condition until it holds (true) or timeoutMs passes (false). giveUp is checked between polls
 * and ends the wait early with its error, e.g. when the server being waited for has exited.
 */
export async function waitUntil(
  condition: () => Promise<boolean>,
  {
    timeoutMs,
    intervalMs,
    giveUp,
  }: { timeoutMs: number; intervalMs: number; giveUp?: () => Error | undefined },
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return true
    const reason = giveUp?.()
    if (reason !== undefined) throw reason
    if (Date.now() >= deadline) return false
    await sleep(intervalMs)
  }
}

/** A port on 127.0.0.1 that nothing listens on at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port)
        else reject(new Error('no port assigned'))
      })
    })
  })
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export async function isPortInUse(port: number, timeoutMs = 1_000): Promise<boolean> {
  const socket = connect({ host: '127.0.0.1', port })
  socket.setTimeout(timeoutMs)
  try {
    return await new Promise<boolean>((resolve) => {
      socket.once('connect', () => {
        resolve(true)
      })
      socket.once('error', () => {
        resolve(false)
      })
      socket.once('timeout', () => {
        resolve(false)
      })
    })
  } finally {
    socket.destroy()
  }
}

/** The last lines of a log file, to show why a server did not come up. */
export function lastLines(file: string, count: number): string[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-count)
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

function isZombie(pid: number): boolean {
  const stat = readProcFile(pid, 'stat')
  // The state follows the command name, which is in parentheses and may itself contain spaces.
  return stat !== undefined && / Z /.test(stat.slice(stat.lastIndexOf(')')))
}

function readProcFile(pid: number, name: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${name}`, 'utf8')
  } catch {
    return undefined
  }
}
