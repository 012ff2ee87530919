import type { GatewayRequest, GatewayResponse } from './http-types.ts'
import { sendJson, sendText } from './responses.ts'

/** A JSON document (`body`), or a text in its own content type (`text`, e.g. Prometheus's exposition format). */
export type OperationalReply =
  | { readonly status: number; readonly body: unknown }
  | { readonly status: number; readonly text: string; readonly contentType: string }

/**
 * A non-AWS route (health, metrics), answered to GET and HEAD. Plain functions, so that Express serves
 * them on HTTP/1.1 and the HTTP/2 side (which Express cannot serve) answers them the same way.
 */
export interface OperationalRoute {
  readonly path: string
  /** Also answers the paths below `path` (`/kcl/applications/<name>`); otherwise only `path` itself. */
  readonly subpaths?: boolean
  handle(request: OperationalRequest): Promise<OperationalReply>
}

/** What a route is given of the request: its path (as sent, percent-encoded) and query parameters. */
export interface OperationalRequest {
  readonly path: string
  readonly query: URLSearchParams
}

export interface HealthReport {
  readonly ok: boolean
  readonly checks: Readonly<Record<string, string>>
}

export type HealthCheck = () => Promise<HealthReport>

/** `GET /health`: 200 with the report when healthy, 503 otherwise (also when the check itself fails). */
export function healthRoute(check: HealthCheck): OperationalRoute {
  return {
    path: '/health',
    async handle() {
      try {
        const report = await check()
        return { status: report.ok ? 200 : 503, body: report }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        return { status: 503, body: { ok: false, checks: { health: reason } } }
      }
    },
  }
}

export async function answerOperationalRoute(
  route: OperationalRoute,
  req: GatewayRequest,
  res: GatewayResponse,
): Promise<void> {
  const url = req.url ?? '/'
  const query = url.indexOf('?')
  const reply = await route.handle({
    path: pathOf(url),
    query: new URLSearchParams(query === -1 ? '' : url.slice(query + 1)),
  })
  const withBody = req.method !== 'HEAD'
  if ('text' in reply) sendText(res, reply.status, reply.contentType, reply.text, withBody)
  else sendJson(res, reply.status, reply.body, withBody)
}

/** The path of a request URL, without its query string. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/'
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

/** The route answering a GET or HEAD of `path`: the route of exactly that path, else one serving its sub-paths. */
export function findOperationalRoute(
  routes: readonly OperationalRoute[],
  method: string | undefined,
  path: string,
): OperationalRoute | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined
  return (
    routes.find((route) => route.path === path) ??
    routes.find((route) => route.subpaths === true && path.startsWith(`${route.path}/`))
  )
}
