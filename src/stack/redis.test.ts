import { describe, expect, it } from 'vitest'

import { redisServerArgs } from './redis.ts'

describe('redisServerArgs', () => {
  it('runs a private instance on 127.0.0.1 with an append-only file and no snapshots, in the foreground', () => {
    const args = redisServerArgs({
      port: 16379,
      dataDir: '/stack/redis',
      logFile: '/stack/redis/redis-server.log',
    })
    const options = new Map<string, string>()
    for (let index = 0; index < args.length; index += 2) options.set(args[index] ?? '', args[index + 1] ?? '')
    expect(Object.fromEntries(options)).toEqual({
      '--port': '16379',
      '--bind': '127.0.0.1',
      '--dir': '/stack/redis',
      '--appendonly': 'yes',
      '--appendfsync': 'everysec',
      '--save': '',
      '--daemonize': 'no',
      '--logfile': '/stack/redis/redis-server.log',
    })
  })
})
