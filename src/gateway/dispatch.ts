import { UnknownOperationException, type Operation, type Service, type WireProtocol } from '../aws/index.ts'

export interface Route {
  readonly service: Service
  readonly operation: Operation
}

/**
 * Finds the operation an `X-Amz-Target` header (`<service name>.<operation>`) names, among the services that
 * speak one of the request's protocols.
 */
export interface Dispatcher {
  /** Throws UnknownOperationException for a missing target, unknown service or operation, or another protocol. */
  route(target: string | undefined, protocols: readonly WireProtocol[]): Route
  /** The same, undefined where route would throw. */
  find(target: string | undefined, protocols: readonly WireProtocol[]): Route | undefined
}

export function createDispatcher(services: readonly Service[]): Dispatcher {
  const byName = new Map<string, Service>()
  for (const service of services) {
    if (byName.has(service.name)) throw new Error(`Service ${service.name} registered twice`)
    byName.set(service.name, service)
  }
  const find = (target: string | undefined, protocols: readonly WireProtocol[]): Route | undefined => {
    const dot = target?.indexOf('.') ?? -1
    if (target === undefined || dot === -1) return undefined
    const service = byName.get(target.slice(0, dot))
    const operation = service?.operations.get(target.slice(dot + 1))
    if (service === undefined || operation === undefined) return undefined
    if (!speaksAny(service, protocols)) return undefined
    return { service, operation }
  }
  return {
    find,
    route(target, protocols) {
      const route = find(target, protocols)
      if (route === undefined) throw UnknownOperationException()
      return route
    },
  }
}

function speaksAny(service: Service, protocols: readonly WireProtocol[]): boolean {
  for (const protocol of protocols) if (service.protocols.includes(protocol)) return true
  return false
}
