import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { builtinModules } from 'node:module'
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { PutRecordCommand } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { endpointVariables } from '../../src/stack/environment.ts'
import { freePort, waitUntil } from '../../src/stack/processes.ts'
import { isHealthy, kinesisClient, testAccountId } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream, readShard } from './fixture/streams.ts'

/*
 * The Docker image runs `node dist/main.js` from a folder holding package.json, node_modules and the output of
 * `npm run build`, nothing else. This builds the same way into such a folder and runs it with plain node.
 */

const repository = fileURLToPath(new URL('../..', import.meta.url))
const manifest = JSON.parse(readFileSync(join(repository, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
}

function modulesIn(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => join(folder, file))
}

/** Every module specifier a built file names: static and dynamic imports and require calls. */
function specifiersOf(source: string): string[] {
  const pattern = /\bfrom\s+'([^']+)'|\bimport\s*\(?\s*'([^']+)'|\brequire\('([^']+)'\)|\)\('([^']+)'\)/g
  return [...source.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3] ?? match[4] ?? '')
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/')
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/')
}

describe('the gateway built by `npm run build`, run with plain node as the image runs it', () => {
  const stack = inject('stack')
  const account = testAccountId()
  let app: string
  let dist: string
  let gateway: ChildProcess | undefined

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'built-gateway-'))
    dist = join(app, 'dist')
    copyFileSync(join(repository, 'package.json'), join(app, 'package.json'))
    symlinkSync(join(repository, 'node_modules'), join(app, 'node_modules'), 'dir')
    await promisify(execFile)(process.execPath, [
      join(repository, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(repository, 'tsconfig.build.json'),
      '--outDir',
      dist,
    ])
  })

  afterAll(() => {
    if (gateway !== undefined && gateway.exitCode === null) gateway.kill('SIGKILL')
    rmSync(app, { recursive: true, force: true })
  })

  it('names only built modules that exist, node built-ins and runtime dependencies', () => {
    const modules = modulesIn(dist)
    expect(modules).toContain(join(dist, 'main.js'))
    const builtins = new Set(builtinModules)
    for (const file of modules) {
      const source = readFileSync(file, 'utf8')
      // A relative path to a .ts file in a string: a module loaded by path, which the build does not rewrite.
      expect(source, file).not.toMatch(/['`]\.\.?\/[^'`\n]*\.ts['`]/)
      for (const specifier of specifiersOf(source)) {
        if (specifier.startsWith('.')) {
          expect(specifier, file).toMatch(/\.js$/)
          expect(existsSync(resolve(dirname(file), specifier)), `${file}: ${specifier}`).toBe(true)
        } else if (!specifier.startsWith('node:') && !builtins.has(specifier)) {
          expect(Object.keys(manifest.dependencies), `${file}: ${specifier}`).toContain(packageOf(specifier))
        }
      }
    }
  })

  it('serves streams with GATEWAY_WORKERS=2 and stops on SIGTERM', async () => {
    const port = await freePort()
    const endpoint = `http://127.0.0.1:${port}`
    const started = spawn(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        GATEWAY_WORKERS: '2',
        LOG_LEVEL: 'error',
        ...endpointVariables(stack),
        STREAM_CREATING_DELAY_MS: '200',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    gateway = started
    const answered = await waitUntil(() => isHealthy(endpoint), {
      timeoutMs: 30_000,
      intervalMs: 100,
      giveUp: () =>
        started.exitCode === null ? undefined : new Error(`the built gateway exited (${started.exitCode})`),
    })
    expect(answered, `the built gateway answering ${endpoint}/health`).toBe(true)

    const client = kinesisClient(endpoint, account, 'HTTP/1.1')
    const streamName = uniqueName('built')
    await createActiveStream(client, streamName, 1)
    for (const value of ['one', 'two', 'three']) {
      await client.send(
        new PutRecordCommand({ StreamName: streamName, PartitionKey: value, Data: Buffer.from(value) }),
      )
    }
    expect(await readShard(client, streamName, 'shardId-000000000000')).toEqual(['one', 'two', 'three'])
    client.destroy()

    const exited = new Promise<number | null>((resolve) => started.once('exit', resolve))
    started.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
