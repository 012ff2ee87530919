import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import {
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

function temporaryDir(): string {
  return mkdtempSync(join(tmpdir(), 'stack-processes-'))
}

describe('pid files', () => {
  it('round-trips a pid and reads a missing file as no pid', () => {
    const pidFile = join(temporaryDir(), 'nested', 'server.pid')
    expect(readPidFile(pidFile)).toBeUndefined()
    writePidFile(pidFile, 4321)
    expect(readFileSync(pidFile, 'utf8')).toBe('4321\n')
    expect(readPidFile(pidFile)).toBe(4321)
    removePidFile(pidFile)
    expect(readPidFile(pidFile)).toBeUndefined()
    removePidFile(pidFile)
  })

  it.each(['', 'abc', '-5', '0', '12 34', '1.5'])('reads the content %j as no pid', (content) => {
    const pidFile = join(temporaryDir(), 'server.pid')
    writeFileSync(pidFile, content)
    expect(readPidFile(pidFile)).toBeUndefined()
  })
})

describe('detached processes', () => {
  const started: number[] = []
  afterEach(async () => {
    for (const pid of started.splice(0)) await stopProcess(pid, 1_000)
  })

  it('starts a process in its own session with its output in a file, and stops it with SIGTERM', async () => {
    const dir = temporaryDir()
    const outputFile = join(dir, 'out.log')
    const script = "console.log('hello from ' + process.argv[1]); setInterval(() => {}, 1000)"
    const pid = await spawnDetached(
      { command: process.execPath, args: ['-e', script, 'marker-argument'], cwd: dir },
      outputFile,
    )
    started.push(pid)
    expect(isProcessAlive(pid)).toBe(true)
    expect(processMatches(pid, ['marker-argument'])).toBe(true)
    expect(processMatches(pid, ['marker-argument', 'something-else'])).toBe(false)
    expect(
      await waitUntil(() => Promise.resolve(lastLines(outputFile, 1).length > 0), {
        timeoutMs: 5_000,
        intervalMs: 50,
      }),
    ).toBe(true)
    expect(lastLines(outputFile, 5)).toEqual(['hello from marker-argument'])

    expect(await stopProcess(pid, 5_000)).toBe('terminated')
    expect(isProcessAlive(pid)).toBe(false)
    expect(await stopProcess(pid, 5_000)).toBe('not-running')
  })

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const script = "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"
    const dir = temporaryDir()
    const outputFile = join(dir, 'out.log')
    const pid = await spawnDetached({ command: process.execPath, args: ['-e', script], cwd: dir }, outputFile)
    started.push(pid)
    await waitUntil(() => Promise.resolve(lastLines(outputFile, 1).length > 0), {
      timeoutMs: 5_000,
      intervalMs: 50,
    })
    expect(await stopProcess(pid, 300)).toBe('killed')
    expect(isProcessAlive(pid)).toBe(false)
  })

  it('fails to spawn a program that does not exist', async () => {
    const dir = temporaryDir()
    await expect(
      spawnDetached({ command: join(dir, 'no-such-program'), args: [], cwd: dir }, join(dir, 'out.log')),
    ).rejects.toThrow(/ENOENT/)
  })
})

describe('waitUntil', () => {
  it('returns false at the timeout and stops early with the error of giveUp', async () => {
    expect(await waitUntil(() => Promise.resolve(false), { timeoutMs: 50, intervalMs: 10 })).toBe(false)
    await expect(
      waitUntil(() => Promise.resolve(false), {
        timeoutMs: 10_000,
        intervalMs: 10,
        giveUp: () => new Error('the server exited'),
      }),
    ).rejects.toThrow('the server exited')
  })
})

describe('isPortInUse', () => {
  let server: Server | undefined
  afterEach(() => {
    server?.close()
  })

  it('tells a listening port from a free one', async () => {
    server = createServer()
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    expect(await isPortInUse(address.port)).toBe(true)
    server.close()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await isPortInUse(address.port)).toBe(false)
  })
})
