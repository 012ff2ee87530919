// The gateway's public surface, for the composition root: the server, its settings and its logger. Services
// are written against the service kit (src/aws/), never against this.
export { createGatewayServer, type GatewayServer, type GatewayServerOptions } from './server.ts'
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_REQUEST_BODY_TIMEOUT_MS,
  type GatewaySettings,
} from './settings.ts'
export type { BoundPorts } from './listeners.ts'
export { createLogger, LOG_LEVELS, type Logger, type LogFields, type LogLevel } from './logger.ts'
export type { HealthCheck, HealthReport, OperationalReply, OperationalRoute } from './operational-routes.ts'
export type { RequestObservation, RequestObserver } from './request-handler.ts'
export type { CredentialScope, SignatureVerifier, SignedRequest } from './auth.ts'
