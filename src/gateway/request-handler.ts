import { ServerResponse, IncomingMessage } from 'node:http'
import { serveAwsRequest, type AwsCallRecord, type AwsPipeline } from './aws-request.ts'
import type { ConnectionTracker } from './connections.ts'
import { createHttp1App } from './http1-app.ts'
import type { GatewayRequest, GatewayResponse } from './http-types.ts'
import type { TransportHandler } from './listeners.ts'
import { errorFields, type Logger } from './logger.ts'
import {
  answerOperationalRoute,
  findOperationalRoute,
  pathOf,
  type OperationalRoute,
} from './operational-routes.ts'
import { newExtendedRequestId, newRequestId } from './request-id.ts'
import { sendAccessDenied, sendPreflight, setCorsHeaders } from './responses.ts'

export interface RequestHandlerOptions {
  readonly aws: AwsPipeline
  readonly routes: readonly OperationalRoute[]
  readonly connections: ConnectionTracker
  readonly logger: Logger
  readonly observeRequest?: RequestObserver | undefined
}

/** One AWS request (a POST), reported when its response closes. */
export interface RequestObservation {
  /** The service and operation it reached; undefined when it reached none (an unknown operation, ...). */
  readonly service: string | undefined
  readonly operation: string | undefined
  /** The response's status (for a client that went away first, the status it was being answered with). */
  readonly status: number
  /** The AWS error type of an error answer. */
  readonly errorType: string | undefined
  /** Until the response closed: for an event stream, its duration. */
  readonly latencyMs: number
}

/** Told of every AWS request (e.g. to count them for metrics); must not throw and must be quick. */
export type RequestObserver = (observation: RequestObservation) => void

/**
 * The entry point of every request on every port and protocol: gives it its request ids, then sends POSTs (AWS
 * calls; AWS ignores the path) to the AWS pipeline and other requests to the operational routes, through Express
 * on HTTP/1.1 and a plain lookup on HTTP/2. Writes one log line per request when its response closes (for an
 * event stream, when the stream ends: its latency is the stream's duration).
 */
export function createRequestHandler(options: RequestHandlerOptions): TransportHandler {
  const { aws, routes, connections, logger, observeRequest } = options
  const http1App = createHttp1App(routes, sendAccessDenied, logger)

  return (req, res) => {
    const started = performance.now()
    const call: AwsCallRecord = { requestId: newRequestId() }
    res.setHeader('x-amzn-RequestId', call.requestId)
    connections.requestStarted(req, res)
    res.once('close', () => {
      const elapsedMs = performance.now() - started
      logRequest(logger, req, res, call, elapsedMs)
      if (observeRequest !== undefined && req.method === 'POST') {
        observe(observeRequest, res, call, elapsedMs, logger)
      }
    })

    // Browsers (the AWS SDK in a web page) send Origin; AWS answers their preflights without x-amz-id-2.
    const cors = req.headers.origin !== undefined
    if (cors && req.method === 'OPTIONS') {
      sendPreflight(req, res)
      return
    }
    res.setHeader('x-amz-id-2', newExtendedRequestId())
    if (cors) setCorsHeaders(res)

    if (req.method === 'POST') {
      serveAwsRequest(req, res, call, aws).catch((error: unknown) => {
        logger.error('request failed', { requestId: call.requestId, ...errorFields(error) })
      })
    } else if (req instanceof IncomingMessage && res instanceof ServerResponse) {
      http1App(req, res)
    } else {
      serveOperationalRequest(req, res, routes).catch((error: unknown) => {
        logger.error('route failed', { requestId: call.requestId, ...errorFields(error) })
        if (!res.headersSent) res.end()
      })
    }
  }
}

async function serveOperationalRequest(
  req: GatewayRequest,
  res: GatewayResponse,
  routes: readonly OperationalRoute[],
): Promise<void> {
  const route = findOperationalRoute(routes, req.method, pathOf(req.url))
  if (route === undefined) sendAccessDenied(res)
  else await answerOperationalRoute(route, req, res)
}

function observe(
  observer: RequestObserver,
  res: GatewayResponse,
  call: AwsCallRecord,
  latencyMs: number,
  logger: Logger,
): void {
  try {
    observer({
      service: call.service,
      operation: call.operation,
      status: res.statusCode,
      errorType: call.errorType,
      latencyMs,
    })
  } catch (error) {
    logger.error('request observer failed', { requestId: call.requestId, ...errorFields(error) })
  }
}

function logRequest(
  logger: Logger,
  req: GatewayRequest,
  res: GatewayResponse,
  call: AwsCallRecord,
  elapsedMs: number,
): void {
  const fields = {
    requestId: call.requestId,
    httpVersion: req.httpVersion,
    method: req.method,
    path: pathOf(req.url),
    target: call.target,
    // A response that was never ended: the client went away first.
    ...(res.writableEnded ? { status: res.statusCode } : { aborted: true }),
    errorType: call.errorType,
    events: call.events,
    latencyMs: Math.round(elapsedMs * 100) / 100,
  }
  if (res.statusCode >= 500) logger.warn('request', fields)
  else logger.info('request', fields)
}
