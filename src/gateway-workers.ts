import cluster, { type Worker } from 'node:cluster'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { GatewayConfig } from './config.ts'
import type { Logger } from './gateway/index.ts'
import type { BoundPorts } from './gateway/listeners.ts'
import { endpointVariables } from './stack/environment.ts'
import type { StackEndpoints } from './stack/types.ts'

/*
 * GATEWAY_WORKERS > 1: that many gateway processes share the ports, node:cluster handing each new connection
 * to one of them. A worker is a replica as separate gateways are (its own Kafka clients and caches, agreement
 * through Redis and Kafka), so nothing else changes; a single process is bound to one core by JavaScript.
 */

// Beside this module, with its extension: `.ts` when run from source, `.js` when built to dist/.
const WORKER_MODULE = fileURLToPath(
  new URL(`./gateway-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
)
const RESTART_DELAY_MS = 1_000

export interface WorkerMessage {
  kind: 'listening'
  ports: BoundPorts
}

export interface RunningWorkers {
  ports: BoundPorts
  stop(): Promise<void>
}

/** `addresses` go to the workers as variables: `npm start` may have taken them from the local stack. */
export async function startGatewayWorkers(
  config: GatewayConfig,
  addresses: StackEndpoints,
  logger: Logger,
): Promise<RunningWorkers> {
  cluster.setupPrimary({ exec: WORKER_MODULE })
  const environment = endpointVariables(addresses)
  const state = { stopping: false }
  const fork = (): Worker => cluster.fork(environment)

  const listening = (worker: Worker): Promise<BoundPorts> =>
    new Promise((resolve, reject) => {
      worker.once('message', (message: WorkerMessage) => {
        resolve(message.ports)
      })
      worker.once('exit', (code) => {
        reject(new Error(`a gateway worker exited while starting (exit code ${String(code)})`))
      })
    })

  const workers = Array.from({ length: config.workers }, fork)
  let ports: BoundPorts
  try {
    ;[ports] = (await Promise.all(workers.map(listening))) as [BoundPorts]
  } catch (error) {
    state.stopping = true
    await stopAll()
    throw error
  }

  cluster.on('exit', (worker, code, signal) => {
    if (state.stopping) return
    logger.error('gateway worker exited; starting another', { pid: worker.process.pid, code, signal })
    setTimeout(() => {
      if (!state.stopping) fork()
    }, RESTART_DELAY_MS)
  })
  logger.info('gateway workers listening', { workers: config.workers, port: ports.port })

  return {
    ports,
    stop: async () => {
      state.stopping = true
      await stopAll()
    },
  }
}

async function stopAll(): Promise<void> {
  await Promise.all(
    Object.values(cluster.workers ?? {}).map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker === undefined || worker.isDead()) {
            resolve()
            return
          }
          worker.once('exit', () => {
            resolve()
          })
          worker.process.kill('SIGTERM')
        }),
    ),
  )
}
