import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { ACCOUNT, CLIENTS, waitFor } from './common.ts'
import { freePort } from '../src/stack/processes.ts'
import { KinesisHttp1 } from './kinesis-http1.ts'

/*
 * The Kinesis emulators the gateway is compared with, installed from npm into bench/.peers (never into the
 * project's dependencies) and run as child processes on free local ports. BENCH_PEERS=0 leaves them out.
 */
export const PEERS_ENABLED = process.env.BENCH_PEERS !== '0'
/** A peer's load stops after this many seconds, so that a slow emulator does less work instead of taking minutes. */
export const PEER_SECONDS = Number(process.env.BENCH_PEER_SECONDS ?? 20)

const PEERS_DIR = join(dirname(fileURLToPath(import.meta.url)), '.peers')
const VERSIONS = { kinesalite: '3.3.3', 'kinesis-local': '0.6.2' }
const SHARD_LIMIT = 1000

export interface Peer {
  /** Name and version, as the tables show it. */
  name: string
  /** How the benchmark speaks to it, as the tables show it. */
  protocol: string
  endpoint: string
  /** A client over `connections` keep-alive connections. */
  client(connections?: number): KinesisHttp1
  /** CPU seconds (user + system) the peer process has used so far. */
  cpuSeconds(): number
  stop(): Promise<void>
}

export async function startPeers(): Promise<Peer[]> {
  installPeers()
  const peers: Peer[] = []
  try {
    peers.push(await startKinesalite())
    peers.push(await startKinesisLocal())
  } catch (error) {
    await Promise.all(peers.map((peer) => peer.stop()))
    throw error
  }
  return peers
}

function installPeers(): void {
  const missing = Object.entries(VERSIONS).filter(([name, version]) => installedVersion(name) !== version)
  if (missing.length === 0) return
  process.stderr.write(`installing ${missing.map(([name, version]) => `${name}@${version}`).join(', ')}\n`)
  // --omit=optional leaves out kinesalite's leveldown: it serves from memory (memdown) and needs no native build.
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      PEERS_DIR,
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--no-save',
      '--omit=optional',
      ...Object.entries(VERSIONS).map(([name, version]) => `${name}@${version}`),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
}

function installedVersion(name: string): string | undefined {
  const manifest = join(PEERS_DIR, 'node_modules', name, 'package.json')
  if (!existsSync(manifest)) return undefined
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}

/** kinesalite: HTTP/1.1 only; started through its module API so that it listens on loopback alone. */
async function startKinesalite(): Promise<Peer> {
  const port = await freePort()
  const options = { createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: SHARD_LIMIT }
  const script = `require(${JSON.stringify(join(PEERS_DIR, 'node_modules', 'kinesalite'))})(${JSON.stringify(options)}).listen(${port}, '127.0.0.1')`
  return startPeer(`kinesalite ${VERSIONS.kinesalite}`, 'HTTP/1.1, JSON', port, ['-e', script], {})
}

/**
 * kinesis-local (kinesis-mock built for Node): it always opens a TLS port and a plain one, on all interfaces. It
 * also serves HTTP/2 (h2c on the plain port, h2 over TLS), but neither is faster than HTTP/1.1 keep-alive on the
 * plain port, which the benchmark uses.
 */
async function startKinesisLocal(): Promise<Peer> {
  const port = await freePort()
  const directory = join(PEERS_DIR, 'node_modules', 'kinesis-local')
  const durations = [
    'CREATE_STREAM_DURATION',
    'DELETE_STREAM_DURATION',
    'UPDATE_SHARD_COUNT_DURATION',
    'MERGE_SHARDS_DURATION',
    'SPLIT_SHARD_DURATION',
    'REGISTER_STREAM_CONSUMER_DURATION',
    'DEREGISTER_STREAM_CONSUMER_DURATION',
  ]
  return startPeer(
    `kinesis-local ${VERSIONS['kinesis-local']}`,
    'HTTP/1.1, JSON',
    port,
    [join(directory, 'main.js')],
    {
      KINESIS_MOCK_PLAIN_PORT: String(port),
      KINESIS_MOCK_TLS_PORT: String(await freePort()),
      KINESIS_MOCK_CERT_PATH: join(directory, 'server.json'),
      SHARD_LIMIT: String(SHARD_LIMIT),
      LOG_LEVEL: 'ERROR',
      ...Object.fromEntries(durations.map((name) => [name, '0ms'])),
    },
  )
}

async function startPeer(
  name: string,
  protocol: string,
  port: number,
  args: string[],
  env: Record<string, string>,
): Promise<Peer> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const pid = child.pid
  if (pid === undefined) throw new Error(`${name} did not start`)
  // Kept only to explain a failed start: kinesis-local warns on stdout whenever the machine is busy.
  let output = ''
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const state = { exited: false }
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      state.exited = true
      resolve()
    })
  })
  const endpoint = `http://127.0.0.1:${port}`
  const client = (connections = 1): KinesisHttp1 => new KinesisHttp1(endpoint, ACCOUNT, connections)
  const probe = client()
  try {
    await waitFor(async () => {
      if (state.exited) throw new Error(`${name} exited at startup:\n${output}`)
      try {
        return (await probe.call('ListStreams', '{}')).status === 200
      } catch {
        return false
      }
    })
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  } finally {
    probe.close()
  }
  return {
    name,
    protocol,
    endpoint,
    client,
    cpuSeconds: () => processCpuSeconds(pid),
    stop: async () => {
      if (state.exited) return
      child.kill('SIGTERM')
      // kinesis-local does not end on SIGTERM while it still works through requests it has queued.
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}

function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  const ticksPerSecond = 100
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
}

/**
 * Like `load` in common.ts, except that no request starts after `seconds`: an emulator too slow for the whole
 * load does fewer requests, which are returned.
 */
export async function loadWithin(
  requests: number,
  seconds: number,
  send: (index: number) => Promise<void>,
  clients = CLIENTS,
): Promise<{ requests: number; seconds: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = []
  let next = 0
  const started = process.hrtime.bigint()
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requests && elapsed() < seconds) {
        const index = next++
        const begin = process.hrtime.bigint()
        await send(index)
        latenciesMs.push(Number(process.hrtime.bigint() - begin) / 1e6)
      }
    }),
  )
  return { requests: next, seconds: elapsed(), latenciesMs }
}
