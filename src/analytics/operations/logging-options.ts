import type {
  AddApplicationCloudWatchLoggingOptionRequest,
  AddApplicationCloudWatchLoggingOptionResponse,
  DeleteApplicationCloudWatchLoggingOptionRequest,
  DeleteApplicationCloudWatchLoggingOptionResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { changeConfiguration } from '../applications/changes.ts'
import { loggingDescription } from '../applications/configuration.ts'
import { itemIndex, replaced } from '../applications/items.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { guarded, InvalidArgumentException } from '../errors.ts'
import { ApplicationName, CloudWatchLoggingOption, CurrentApplicationVersionId, Id } from '../members.ts'

// CloudWatch logging options are stored and described; the gateway writes no CloudWatch Logs.

export function addApplicationCloudWatchLoggingOption(
  deps: AnalyticsDeps,
): Operation<AddApplicationCloudWatchLoggingOptionRequest, AddApplicationCloudWatchLoggingOptionResponse> {
  return defineOperation({
    name: 'AddApplicationCloudWatchLoggingOption',
    input: {
      ApplicationName,
      CurrentApplicationVersionId,
      CloudWatchLoggingOption: { ...CloudWatchLoggingOption, required: true },
    },
    handle: (input, context) =>
      guarded(async () => {
        await changeConfiguration(deps, context, {
          applicationName: validated(input.ApplicationName, 'ApplicationName'),
          currentApplicationVersionId: validated(
            input.CurrentApplicationVersionId,
            'CurrentApplicationVersionId',
          ),
          checksCode: false,
          change: (record) => {
            const option = validated(input.CloudWatchLoggingOption, 'CloudWatchLoggingOption')
            if (
              record.cloudWatchLoggingOptions.some((current) => current.LogStreamARN === option.LogStreamARN)
            ) {
              throw InvalidArgumentException(
                `Log stream ${option.LogStreamARN ?? ''} is already a CloudWatch logging option of the application.`,
              )
            }
            const ordinal = record.nextOrdinals.cloudWatchLoggingOption
            return {
              cloudWatchLoggingOptions: [
                ...record.cloudWatchLoggingOptions,
                loggingDescription(option, ordinal),
              ],
              nextOrdinals: { ...record.nextOrdinals, cloudWatchLoggingOption: ordinal + 1 },
            }
          },
        })
        return {}
      }),
  })
}

export function deleteApplicationCloudWatchLoggingOption(
  deps: AnalyticsDeps,
): Operation<
  DeleteApplicationCloudWatchLoggingOptionRequest,
  DeleteApplicationCloudWatchLoggingOptionResponse
> {
  return defineOperation({
    name: 'DeleteApplicationCloudWatchLoggingOption',
    input: {
      ApplicationName,
      CurrentApplicationVersionId,
      CloudWatchLoggingOptionId: { ...Id, required: true },
    },
    handle: (input, context) =>
      guarded(async () => {
        await changeConfiguration(deps, context, {
          applicationName: validated(input.ApplicationName, 'ApplicationName'),
          currentApplicationVersionId: validated(
            input.CurrentApplicationVersionId,
            'CurrentApplicationVersionId',
          ),
          checksCode: false,
          change: (record) => {
            const id = validated(input.CloudWatchLoggingOptionId, 'CloudWatchLoggingOptionId')
            const index = itemIndex(record, record.cloudWatchLoggingOptions, 'CloudWatchLoggingOptionId', id)
            return { cloudWatchLoggingOptions: replaced(record.cloudWatchLoggingOptions, index, undefined) }
          },
        })
        return {}
      }),
  })
}
