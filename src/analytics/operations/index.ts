import type { Operation } from '../../aws/index.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { describeApplication, listApplications } from './applications.ts'
import { createApplication } from './create-application.ts'
import { deleteApplication } from './delete-application.ts'
import { discoverInputSchema } from './discover-input-schema.ts'
import {
  addApplicationInput,
  addApplicationInputProcessingConfiguration,
  deleteApplicationInputProcessingConfiguration,
} from './inputs.ts'
import {
  addApplicationCloudWatchLoggingOption,
  deleteApplicationCloudWatchLoggingOption,
} from './logging-options.ts'
import { addApplicationOutput, deleteApplicationOutput } from './outputs.ts'
import { addApplicationReferenceDataSource, deleteApplicationReferenceDataSource } from './reference-data.ts'
import { startApplication, stopApplication } from './run.ts'
import { listTagsForResource, tagResource, untagResource } from './tags.ts'
import { updateApplication } from './update-application.ts'

/** Every operation of Kinesis Data Analytics for SQL (KinesisAnalytics_20150814). */
export function analyticsOperations(deps: AnalyticsDeps): Operation[] {
  const operations: Operation[] = [
    createApplication(deps),
    describeApplication(deps),
    listApplications(deps),
    updateApplication(deps),
    deleteApplication(deps),
    addApplicationInput(deps),
    addApplicationInputProcessingConfiguration(deps),
    deleteApplicationInputProcessingConfiguration(deps),
    addApplicationOutput(deps),
    deleteApplicationOutput(deps),
    addApplicationReferenceDataSource(deps),
    deleteApplicationReferenceDataSource(deps),
    addApplicationCloudWatchLoggingOption(deps),
    deleteApplicationCloudWatchLoggingOption(deps),
    startApplication(deps),
    stopApplication(deps),
    discoverInputSchema(deps),
    tagResource(deps),
    untagResource(deps),
    listTagsForResource(deps),
  ] as Operation[]
  return operations
}
