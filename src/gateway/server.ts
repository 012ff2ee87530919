import type { Service } from '../aws/index.ts'
import type { SignatureVerifier } from './auth.ts'
import { DEFAULT_MAX_REQUEST_BYTES } from './body.ts'
import { ConnectionTracker } from './connections.ts'
import { createDispatcher } from './dispatch.ts'
import { createListeners, type BoundPorts } from './listeners.ts'
import type { Logger } from './logger.ts'
import { healthRoute, type HealthCheck, type OperationalRoute } from './operational-routes.ts'
import { createRequestHandler, type RequestObserver } from './request-handler.ts'
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_REQUEST_BODY_TIMEOUT_MS,
  readTlsFiles,
  type GatewaySettings,
} from './settings.ts'

export interface GatewayServerOptions {
  readonly settings: GatewaySettings
  readonly services: readonly Service[]
  readonly healthCheck: HealthCheck
  readonly logger: Logger
  /** Operational routes besides /health (e.g. metrics). */
  readonly routes?: readonly OperationalRoute[]
  /** Told of every AWS request: service, operation, status, error type and latency (e.g. for metrics). */
  readonly observeRequest?: RequestObserver
  /** Without one, requests are not authenticated (the credential scope still names account and region). */
  readonly verifySignature?: SignatureVerifier
  readonly maxRequestBytes?: number
  /** How long close() waits for requests in flight before destroying their connections. Default 10 s. */
  readonly closeGraceMs?: number
}

export interface GatewayServer {
  /** Starts listening; reports the bound ports (useful with port 0). */
  listen(): Promise<BoundPorts>
  /** Stops accepting connections and resolves once the open ones are finished (or destroyed after the grace). */
  close(): Promise<void>
}

export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  const { settings, logger } = options
  const connections = new ConnectionTracker(
    {
      maxConnections: settings.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      http2IdleTimeoutMs: settings.http2IdleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    },
    logger,
  )
  const handler = createRequestHandler({
    aws: {
      dispatcher: createDispatcher(options.services),
      callerDefaults: settings,
      verifySignature: options.verifySignature,
      maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      requestBodyTimeoutMs: settings.requestBodyTimeoutMs ?? DEFAULT_REQUEST_BODY_TIMEOUT_MS,
      logger,
    },
    routes: [healthRoute(options.healthCheck), ...(options.routes ?? [])],
    connections,
    logger,
    observeRequest: options.observeRequest,
  })
  const tls =
    settings.tls === undefined ? undefined : { port: settings.tls.port, ...readTlsFiles(settings.tls) }
  return createListeners(
    handler,
    { host: settings.host, port: settings.port, tls, closeGraceMs: options.closeGraceMs ?? 10_000 },
    connections,
    logger,
  )
}
