import { defineService, type Service } from '../aws/index.ts'
import type { AnalyticsDeps } from './deps.ts'
import { analyticsOperations } from './operations/index.ts'

export const ANALYTICS_ENDPOINT = {
  name: 'KinesisAnalytics_20150814',
  signingName: 'kinesisanalytics',
  protocols: ['aws-json-1.1'],
} as const

/** Kinesis Data Analytics for SQL applications, kept in the ApplicationCatalog (Redis). */
export function createAnalyticsService(deps: AnalyticsDeps): Service {
  return defineService({ ...ANALYTICS_ENDPOINT, operations: analyticsOperations(deps) })
}
