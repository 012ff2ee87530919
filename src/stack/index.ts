export type { S3Endpoint, StackEndpoints } from './types.ts'
export {
  DEFAULT_PORTS,
  localStackEndpoints,
  PORT_VARIABLES,
  resolveLocalStackOptions,
  type LocalStackOptions,
  type LocalStackPorts,
} from './options.ts'
export {
  localStackStatus,
  provisionLocalStack,
  STACK_COMPONENTS,
  startLocalStack,
  stopLocalStack,
  type LocalStackStart,
} from './local-stack.ts'
export type { ServiceStatus, StackComponentName } from './service.ts'
export { endpointVariables, renderShellExports } from './environment.ts'
