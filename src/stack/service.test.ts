import { existsSync, mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { freePort, isPortInUse, writePidFile } from './processes.ts'
import { serviceStatus, startService, stopService, type Service } from './service.ts'

const LISTEN = "require('node:net').createServer().listen(Number(process.argv[1]), '127.0.0.1')"
const EXIT_AT_ONCE = "console.error('bad configuration'); process.exit(3)"

/** A service whose server is a small Node TCP listener, to exercise the lifecycle without Kafka or Redis. */
function nodeService(dir: string, port: number, script: string): Service {
  return {
    name: 'redis',
    port,
    listens: [{ port, variable: 'TEST_PORT' }],
    requires: [],
    pidFile: join(dir, 'test.pid'),
    outputFile: join(dir, 'test.log'),
    logFiles: [join(dir, 'test.log')],
    commandLineMarkers: [dir],
    startupTimeoutMs: 5_000,
    provision: () => Promise.resolve(),
    prepare: () =>
      Promise.resolve({ command: process.execPath, args: ['-e', script, String(port), dir], cwd: dir }),
    isHealthy: () => isPortInUse(port),
  }
}

describe('a service run from a pid file', () => {
  const services: Service[] = []
  afterEach(async () => {
    for (const service of services.splice(0)) await stopService(service, () => undefined)
  })

  it('starts, is reused while it runs, reports its status and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-service-'))
    const service = nodeService(dir, await freePort(), LISTEN)
    services.push(service)
    const lines: string[] = []
    const log = (line: string): void => {
      lines.push(line)
    }

    expect(await serviceStatus(service)).toEqual({ name: 'redis', state: 'stopped', port: service.port })
    expect(await startService(service, log)).toBe('started')
    expect(existsSync(service.pidFile)).toBe(true)
    expect(await startService(service, log)).toBe('reused')
    expect(await serviceStatus(service)).toMatchObject({
      state: 'running',
      port: service.port,
      healthy: true,
    })

    expect(await stopService(service, log)).toBe(true)
    expect(existsSync(service.pidFile)).toBe(false)
    expect(await serviceStatus(service)).toMatchObject({ state: 'stopped' })
    expect(await stopService(service, log)).toBe(false)
    expect(lines.some((line) => line.includes('reused'))).toBe(true)
  })

  it('fails with the log file named when the server exits during startup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-service-'))
    const service = nodeService(dir, await freePort(), EXIT_AT_ONCE)
    const lines: string[] = []
    await expect(startService(service, (line) => lines.push(line))).rejects.toThrow(
      `redis exited while starting; see ${service.outputFile}`,
    )
    expect(lines).toContain('  bad configuration')
    expect(existsSync(service.pidFile)).toBe(false)
  })

  it('refuses a port that another process listens on, naming the variable to change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-service-'))
    const other = createServer()
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    const address = other.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    try {
      await expect(startService(nodeService(dir, address.port, LISTEN), () => undefined)).rejects.toThrow(
        `port ${address.port} for redis is already in use by another process; stop it or choose another port with TEST_PORT`,
      )
    } finally {
      other.close()
    }
  })

  it('does not take a pid file whose process is something else for the service', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-service-'))
    const service = nodeService(dir, await freePort(), LISTEN)
    services.push(service)
    // This test runner's own pid: alive, but its command line does not carry the service's marker.
    writePidFile(service.pidFile, process.pid)
    expect(await serviceStatus(service)).toMatchObject({ state: 'stopped' })
    expect(await startService(service, () => undefined)).toBe('started')
  })
})
