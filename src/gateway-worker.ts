import { ConfigError, loadConfig } from './config.ts'
import type { WorkerMessage } from './gateway-workers.ts'
import { startGateway, stopOnSignals } from './main.ts'

/** One of GATEWAY_WORKERS gateway processes (src/gateway-workers.ts): a gateway that tells its primary its ports. */
async function runWorker(): Promise<void> {
  const gateway = await startGateway(loadConfig())
  stopOnSignals(() => gateway.stop())
  const message: WorkerMessage = { kind: 'listening', ports: gateway.ports }
  process.send?.(message)
}

runWorker().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `configuration: ${error.message}` : error)
  process.exit(1)
})
