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
}

export function createDispatcher(services: readonly Service[]): Dispatcher {
  const byPrefix = new Map<string, Service>()
  for (const service of services) {
    if (byPrefix.has(service.targetPrefix))
      throw new Error(`Service ${service.targetPrefix} registered twice`)
    byPrefix.set(service.targetPrefix, service)
  }
  return {
    route(target) {
      const dot = target?.indexOf('.') ?? -1
      if (target === undefined || dot === -1) throw UnknownOperationException()
      const service = byPrefix.get(target.slice(0, dot))
      const operation = service?.operations.get(target.slice(dot + 1))
      if (service === undefined || operation === undefined) throw UnknownOperationException()
      return { service, operation }
    },
  }
}
