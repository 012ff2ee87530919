import { defineService, type Service } from '../aws/index.ts'
import type { DynamoDbDeps } from './deps.ts'
import { dynamoDbOperations } from './operations/index.ts'

export const DYNAMODB_ENDPOINT = {
  name: 'DynamoDB_20120810',
  signingName: 'dynamodb',
  protocols: ['aws-json-1.0'],
  responseChecksum: 'crc32',
} as const

/** The DynamoDB subset KCL needs, its tables and items kept in the TableStore (Redis). */
export function createDynamoDbService(deps: DynamoDbDeps): Service {
  return defineService({ ...DYNAMODB_ENDPOINT, operations: dynamoDbOperations(deps) })
}
