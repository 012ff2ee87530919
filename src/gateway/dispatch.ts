import {
  AwsError,
  UnknownOperationException,
  type Operation,
  type Service,
  type WireProtocol,
} from '../aws/index.ts'

export interface Route {
  readonly service: Service
  readonly operation: Operation
}

/**
 * Finds the operation a request names, among the services that speak one of the request's protocols: by
 * `X-Amz-Target` (AWS JSON and CBOR), by URL path (Smithy RPC v2), or by Action and Version (AWS query).
 */
export interface Dispatcher {
  /** Throws UnknownOperationException for a missing target, unknown service or operation, or another protocol. */
  route(target: string | undefined, protocols: readonly WireProtocol[]): Route
  /** The same, undefined where route would throw. */
  find(target: string | undefined, protocols: readonly WireProtocol[]): Route | undefined
  /**
   * `{prefix?}/service/<service>/operation/<operation>`; the service may be named by its absolute shape id with
   * '.' for '#'. Anything else is answered 404 UnknownOperationException, as Smithy's RPC v2 servers do.
   */
  routePath(path: string | undefined, protocols: readonly WireProtocol[]): Route
  /** Action and Version of an AWS query request, answered with the query protocol's errors when unknown. */
  routeAction(
    action: string | undefined,
    version: string | undefined,
    protocols: readonly WireProtocol[],
  ): Route
}

export function createDispatcher(services: readonly Service[]): Dispatcher {
  const byName = new Map<string, Service>()
  const byQueryVersion = new Map<string, Service>()
  for (const service of services) {
    if (byName.has(service.name)) throw new Error(`Service ${service.name} registered twice`)
    byName.set(service.name, service)
    if (service.query === undefined || !service.protocols.includes('aws-query')) continue
    const other = byQueryVersion.get(service.query.version)
    if (other !== undefined) {
      throw new Error(
        `${service.name} and ${other.name} both answer aws-query version ${service.query.version}`,
      )
    }
    byQueryVersion.set(service.query.version, service)
  }
  const lookup = (serviceName: string, operationName: string, protocols: readonly WireProtocol[]) => {
    const service = byName.get(serviceName)
    const operation = service?.operations.get(operationName)
    if (service === undefined || operation === undefined) return undefined
    if (!speaksAny(service, protocols)) return undefined
    return { service, operation }
  }
  const find = (target: string | undefined, protocols: readonly WireProtocol[]): Route | undefined => {
    const dot = target?.indexOf('.') ?? -1
    if (target === undefined || dot === -1) return undefined
    return lookup(target.slice(0, dot), target.slice(dot + 1), protocols)
  }
  return {
    find,
    route(target, protocols) {
      const route = find(target, protocols)
      if (route === undefined) throw UnknownOperationException()
      return route
    },
    routePath(path, protocols) {
      const names = RPC_V2_PATH.exec(path ?? '')
      const route =
        names?.[1] === undefined || names[2] === undefined ? undefined : lookup(names[1], names[2], protocols)
      if (route === undefined) throw RpcV2UnknownOperation()
      return route
    },
    routeAction(action, version, protocols) {
      if (action === undefined || action === '') throw MissingAction()
      if (version === undefined || version === '') throw MissingVersion()
      const service = byQueryVersion.get(version)
      if (service === undefined || !speaksAny(service, protocols)) throw NoSuchVersion(version)
      const operation = service.operations.get(action)
      if (operation === undefined) throw InvalidAction(action, version)
      return { service, operation }
    },
  }
}

const IDENTIFIER = '(?:_+[A-Za-z0-9]|[A-Za-z])[A-Za-z0-9_]*'
/** The last four segments; a namespace before the service name is ignored. The query string is not routed. */
const RPC_V2_PATH = new RegExp(
  `/service/(?:${IDENTIFIER}\\.)*(${IDENTIFIER})/operation/(${IDENTIFIER})(?:\\?.*)?$`,
)

function speaksAny(service: Service, protocols: readonly WireProtocol[]): boolean {
  for (const protocol of protocols) if (service.protocols.includes(protocol)) return true
  return false
}

// Routing errors. RPC v2: Smithy's servers answer an unknown service or operation 404 UnknownOperationException.
// Query: the common errors of AWS's query APIs, with the messages AWS sends where they are known.

function RpcV2UnknownOperation(): AwsError {
  return new AwsError('UnknownOperationException', '', 404, { namespace: 'com.amazon.coral.service' })
}

function MissingAction(): AwsError {
  return new AwsError('MissingAction', 'The request must contain the parameter Action', 400)
}

function MissingVersion(): AwsError {
  return new AwsError('MissingParameter', 'The request must contain the parameter Version', 400)
}

function NoSuchVersion(version: string): AwsError {
  return new AwsError(
    'NoSuchVersion',
    `The requested version (${version}) of this service does not exist`,
    400,
  )
}

function InvalidAction(action: string, version: string): AwsError {
  return new AwsError('InvalidAction', `Could not find operation ${action} for version ${version}`, 400)
}
