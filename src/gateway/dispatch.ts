import { UnknownOperationException } from './errors.ts'
import type { Operation, Service } from './service.ts'

export interface Route {
  readonly service: Service
  readonly operation: Operation
}

/** Finds the operation an `X-Amz-Target` header (`<targetPrefix>.<operation>`) names. */
export interface Dispatcher {
  /** Throws UnknownOperationException for a missing target, unknown service or unknown operation. */
  route(target: string | undefined): Route
  /** The same, undefined where route would throw. */
  find(target: string | undefined): Route | undefined
}

export function createDispatcher(services: readonly Service[]): Dispatcher {
  const byPrefix = new Map<string, Service>()
  for (const service of services) {
    if (byPrefix.has(service.targetPrefix))
      throw new Error(`Service ${service.targetPrefix} registered twice`)
    byPrefix.set(service.targetPrefix, service)
  }
  const find = (target: string | undefined): Route | undefined => {
    const dot = target?.indexOf('.') ?? -1
    if (target === undefined || dot === -1) return undefined
    const service = byPrefix.get(target.slice(0, dot))
    const operation = service?.operations.get(target.slice(dot + 1))
    if (service === undefined || operation === undefined) return undefined
    return { service, operation }
  }
  return {
    find,
    route(target) {
      const route = find(target)
      if (route === undefined) throw UnknownOperationException()
      return route
    },
  }
}
