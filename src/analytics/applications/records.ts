import type { ApplicationDetail, ApplicationSummary } from '@aws-sdk/client-kinesis-analytics'

import type { RequestContext } from '../../aws/index.ts'
import type { ApplicationKey, ApplicationRecord } from '../../ports/application-catalog.ts'

/** An application's key in the caller's account and region. */
export function applicationKey(context: RequestContext, applicationName: string): ApplicationKey {
  return { accountId: context.accountId, region: context.region, applicationName }
}

export function applicationArn(key: ApplicationKey): string {
  return `arn:aws:kinesisanalytics:${key.region}:${key.accountId}:application/${key.applicationName}`
}

/** The application named by an ARN of the caller's account and region (TagResource & co.); undefined otherwise. */
export function keyOfArn(context: RequestContext, arn: string): ApplicationKey | undefined {
  const match = /^arn:aws:kinesisanalytics:([^:]+):(\d{12}):application\/([a-zA-Z0-9_.-]{1,128})$/.exec(arn)
  if (match === null) return undefined
  const [, region, accountId, applicationName] = match
  if (region !== context.region || accountId !== context.accountId || applicationName === undefined) {
    return undefined
  }
  return { accountId, region, applicationName }
}

export function applicationSummary(record: ApplicationRecord): ApplicationSummary {
  return {
    ApplicationName: record.applicationName,
    ApplicationARN: record.applicationArn,
    ApplicationStatus: record.status,
  }
}

export function applicationDetail(record: ApplicationRecord): ApplicationDetail {
  return {
    ApplicationName: record.applicationName,
    ...(record.description === undefined ? {} : { ApplicationDescription: record.description }),
    ApplicationARN: record.applicationArn,
    ApplicationStatus: record.status,
    CreateTimestamp: new Date(record.createdAtMillis),
    LastUpdateTimestamp: new Date(record.updatedAtMillis),
    InputDescriptions: [...record.inputs],
    OutputDescriptions: [...record.outputs],
    ReferenceDataSourceDescriptions: [...record.referenceDataSources],
    CloudWatchLoggingOptionDescriptions: [...record.cloudWatchLoggingOptions],
    ...(record.code === undefined ? {} : { ApplicationCode: record.code }),
    ApplicationVersionId: record.versionId,
  }
}
