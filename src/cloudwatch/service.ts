import { defineService, type Service } from '../aws/index.ts'
import type { CloudWatchDeps } from './deps.ts'
import { cloudWatchOperations } from './operations/index.ts'

/**
 * How requests reach CloudWatch: Smithy RPC v2 CBOR (the Java SDK 2.x, hence KCL 3.x), AWS JSON 1.0 (the JavaScript
 * SDK v3) and AWS query (the AWS CLI and older SDKs).
 */
export const CLOUDWATCH_ENDPOINT = {
  name: 'GraniteServiceVersion20100801',
  signingName: 'monitoring',
  protocols: ['rpc-v2-cbor', 'aws-json-1.0', 'aws-query'],
  query: { version: '2010-08-01', xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/' },
} as const

export function createCloudWatchService(deps: CloudWatchDeps): Service {
  return defineService({ ...CLOUDWATCH_ENDPOINT, operations: cloudWatchOperations(deps) })
}
