import type { Operation } from '../../aws/index.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { describeApplication, listApplications } from './applications.ts'
import { createApplication } from './create-application.ts'
import { deleteApplication } from './delete-application.ts'

/** Every operation of Kinesis Data Analytics for SQL (KinesisAnalytics_20150814). */
export function analyticsOperations(deps: AnalyticsDeps): Operation[] {
  return [
    createApplication(deps),
    describeApplication(deps),
    listApplications(deps),
    deleteApplication(deps),
  ] as Operation[]
}
