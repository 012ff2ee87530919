import type { IncomingMessage, ServerResponse } from 'node:http'
import express, { type ErrorRequestHandler } from 'express'
import { InternalFailure } from '../aws/index.ts'
import type { GatewayResponse } from './http-types.ts'
import { errorFields, type Logger } from './logger.ts'
import { answerOperationalRoute, findOperationalRoute, type OperationalRoute } from './operational-routes.ts'
import { sendJson } from './responses.ts'

/**
 * The Express application serving the HTTP/1.1 side's non-AWS requests: the operational routes, and `fallback`
 * for everything else. AWS calls (POSTs) do not pass through it.
 */
export function createHttp1App(
  routes: readonly OperationalRoute[],
  fallback: (res: GatewayResponse) => void,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  const app = express()
  app.disable('x-powered-by')
  app.disable('etag')

  // The same lookup as the HTTP/2 side's: exact, case-sensitive paths (and the sub-paths of routes that ask).
  app.use((req, res, next) => {
    const route = findOperationalRoute(routes, req.method, req.path)
    if (route === undefined) fallback(res)
    else answerOperationalRoute(route, req, res).catch(next)
  })
  const onError: ErrorRequestHandler = (error, req, res, next) => {
    logger.error('route failed', { path: req.path, ...errorFields(error) })
    if (res.headersSent) {
      // Too late for a clean reply; Express's final handler closes the connection.
      next(error)
      return
    }
    const failure = InternalFailure()
    sendJson(res, failure.status, { __type: failure.type, message: failure.message }, true)
  }
  app.use(onError)

  return (req, res) => {
    app(req, res)
  }
}
