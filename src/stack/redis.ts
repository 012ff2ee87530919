import { mkdirSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'

import { PORT_VARIABLES, type LocalStackOptions } from './options.ts'
import { REDIS_SERVER, requireExecutable } from './prerequisites.ts'
import type { Service } from './service.ts'

export interface RedisFiles {
  /** Redis's --dir: the append-only file lives here. */
  dataDir: string
  serverLog: string
  pidFile: string
  outputFile: string
}

export function redisFiles(stackDir: string): RedisFiles {
  const dataDir = join(stackDir, 'redis')
  return {
    dataDir,
    serverLog: join(dataDir, 'redis-server.log'),
    pidFile: join(stackDir, 'redis.pid'),
    outputFile: join(stackDir, 'redis.log'),
  }
}

/** A private instance on 127.0.0.1 with an append-only file fsynced every second and no RDB snapshots. */
export function redisServerArgs(settings: { port: number; dataDir: string; logFile: string }): string[] {
  return [
    '--port',
    String(settings.port),
    '--bind',
    '127.0.0.1',
    '--dir',
    settings.dataDir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--daemonize',
    'no',
    '--logfile',
    settings.logFile,
  ]
}

/** Whether a Redis on 127.0.0.1:port answers PING with PONG. */
export async function redisAnswersPing(port: number, timeoutMs = 2_000): Promise<boolean> {
  const socket = connect({ host: '127.0.0.1', port })
  socket.setTimeout(timeoutMs)
  try {
    return await new Promise<boolean>((resolve) => {
      let reply = ''
      socket.once('connect', () => {
        socket.write('PING\r\n')
      })
      socket.on('data', (chunk: Buffer) => {
        reply += chunk.toString('latin1')
        if (reply.includes('\r\n')) resolve(reply.startsWith('+PONG'))
      })
      socket.once('error', () => {
        resolve(false)
      })
      socket.once('timeout', () => {
        resolve(false)
      })
      socket.once('close', () => {
        resolve(false)
      })
    })
  } finally {
    socket.destroy()
  }
}

export function redisService(options: LocalStackOptions): Service {
  const files = redisFiles(options.dir)
  const port = options.ports.redis
  return {
    name: 'redis',
    port,
    listens: [{ port, variable: PORT_VARIABLES.redis }],
    requires: [REDIS_SERVER],
    pidFile: files.pidFile,
    outputFile: files.outputFile,
    logFiles: [files.serverLog, files.outputFile],
    // Redis rewrites its process title to "redis-server 127.0.0.1:<port>".
    commandLineMarkers: ['redis-server', `:${port}`],
    startupTimeoutMs: 30_000,
    isHealthy: () => redisAnswersPing(port),
    // redis-server comes from the system's packages; nothing to download.
    provision: () => Promise.resolve(),
    prepare: () => {
      const redisServer = requireExecutable(REDIS_SERVER)
      mkdirSync(files.dataDir, { recursive: true })
      return Promise.resolve({
        command: redisServer,
        args: redisServerArgs({ port, dataDir: files.dataDir, logFile: files.serverLog }),
        cwd: files.dataDir,
      })
    },
  }
}
