// The operational routes that show KCL applications; the gateway serves them beside /health and /metrics.
// Typed by shape (a service does not import the gateway): `main.ts` hands them to the gateway as its routes.

import { CatalogUnavailableError } from '../ports/stream-catalog.ts'
import { RecordLogUnavailableError } from '../ports/record-log.ts'
import { TableStoreUnavailableError, type TableScope } from '../ports/table-store.ts'
import type { KclInspector } from './inspector.ts'

export const KCL_APPLICATIONS_PATH = '/kcl/applications'

export interface KclRoute {
  readonly path: string
  readonly subpaths: boolean
  handle(request: { readonly path: string; readonly query: URLSearchParams }): Promise<KclReply>
}

export interface KclReply {
  readonly status: number
  readonly body: unknown
}

export interface KclRouteDefaults {
  readonly defaultAccountId: string
  readonly defaultRegion: string
}

/**
 * `GET /kcl/applications` lists the lease tables of an account and region (`?account=`, `?region=`, else the
 * gateway's defaults, which is where tables of unsigned or non-account-key callers live);
 * `GET /kcl/applications/<name>?stream=<stream>` shows one application's leases and their lag.
 */
export function kclApplicationsRoute(inspector: KclInspector, defaults: KclRouteDefaults): KclRoute {
  return {
    path: KCL_APPLICATIONS_PATH,
    subpaths: true,
    async handle({ path, query }) {
      const scope: TableScope = {
        accountId: query.get('account') ?? defaults.defaultAccountId,
        region: query.get('region') ?? defaults.defaultRegion,
      }
      if (!/^\d{12}$/.test(scope.accountId)) {
        return { status: 400, body: { message: 'account must be a 12-digit account id' } }
      }
      try {
        if (path === KCL_APPLICATIONS_PATH) {
          return { status: 200, body: { ...scope, applications: await inspector.applications(scope) } }
        }
        const name = decodeName(path.slice(KCL_APPLICATIONS_PATH.length + 1))
        if (name === undefined) return { status: 404, body: { message: `no such path: ${path}` } }
        const report = await inspector.describe(scope, name, query.get('stream') ?? undefined)
        if (report === undefined) {
          return {
            status: 404,
            body: { message: `no KCL lease table ${name} in account ${scope.accountId}, ${scope.region}` },
          }
        }
        return { status: 200, body: report }
      } catch (error) {
        if (isUnavailable(error)) return { status: 503, body: { message: error.message } }
        throw error
      }
    },
  }
}

function decodeName(segment: string): string | undefined {
  if (segment === '' || segment.includes('/')) return undefined
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

function isUnavailable(error: unknown): error is Error {
  return (
    error instanceof TableStoreUnavailableError ||
    error instanceof CatalogUnavailableError ||
    error instanceof RecordLogUnavailableError
  )
}
