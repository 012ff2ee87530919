import type { CreateApplicationRequest, CreateApplicationResponse } from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { ApplicationRecord } from '../../ports/application-catalog.ts'
import { checkCode } from '../applications/changes.ts'
import {
  checkCount,
  inputDescription,
  LIMITS,
  loggingDescription,
  outputDescription,
} from '../applications/configuration.ts'
import { applicationArn, applicationKey, applicationSummary } from '../applications/records.ts'
import { checkTags } from '../applications/tags.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { guarded, LimitExceededException, ResourceInUseException } from '../errors.ts'
import { ApplicationCode, ApplicationName, CloudWatchLoggingOption, Input, Output, Tags } from '../members.ts'

export function createApplication(
  deps: AnalyticsDeps,
): Operation<CreateApplicationRequest, CreateApplicationResponse> {
  return defineOperation({
    name: 'CreateApplication',
    input: {
      ApplicationName,
      ApplicationDescription: { type: 'string', minLength: 0, maxLength: 1024 },
      Inputs: { type: 'list', member: Input },
      Outputs: { type: 'list', member: Output },
      CloudWatchLoggingOptions: { type: 'list', member: CloudWatchLoggingOption },
      ApplicationCode,
      Tags,
    },
    handle: (input, context) =>
      guarded(async () => {
        const key = applicationKey(context, validated(input.ApplicationName, 'ApplicationName'))
        const inputs = input.Inputs ?? []
        const outputs = input.Outputs ?? []
        const loggingOptions = input.CloudWatchLoggingOptions ?? []
        checkCount('inputs', inputs.length)
        checkCount('outputs', outputs.length)
        const tags = checkTags([], input.Tags ?? [])
        if ((await deps.applications.count(key)) >= LIMITS.applicationsPerRegion) {
          throw LimitExceededException(
            `The account has reached its limit of ${LIMITS.applicationsPerRegion} applications in ${key.region}.`,
          )
        }
        const now = deps.clock.now()
        const record: ApplicationRecord = {
          ...key,
          applicationArn: applicationArn(key),
          description: input.ApplicationDescription,
          code: input.ApplicationCode,
          status: 'READY',
          versionId: 1,
          createdAtMillis: now,
          updatedAtMillis: now,
          inputs: await Promise.all(inputs.map((item, index) => inputDescription(deps, item, index + 1))),
          outputs: await Promise.all(outputs.map((item, index) => outputDescription(deps, item, index + 1))),
          referenceDataSources: [],
          cloudWatchLoggingOptions: loggingOptions.map((item, index) => loggingDescription(item, index + 1)),
          tags,
          nextOrdinals: {
            input: inputs.length + 1,
            output: outputs.length + 1,
            referenceDataSource: 1,
            cloudWatchLoggingOption: loggingOptions.length + 1,
          },
          revision: 1,
        }
        checkCode(deps, record)
        if (!(await deps.applications.create(record))) {
          throw ResourceInUseException(`Application ${key.applicationName} already exists.`)
        }
        return { ApplicationSummary: applicationSummary(record) }
      }),
  })
}
