import type {
  AddApplicationCloudWatchLoggingOptionRequest,
  AddApplicationCloudWatchLoggingOptionResponse,
  DeleteApplicationCloudWatchLoggingOptionRequest,
  DeleteApplicationCloudWatchLoggingOptionResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { validated, type Operation } from '../../aws/index.ts'
import { loggingDescription } from '../applications/configuration.ts'
import { itemIndex, replaced } from '../applications/items.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { configurationOperation } from './configuration-operation.ts'
import { InvalidArgumentException } from '../errors.ts'
import { CloudWatchLoggingOption, Id } from '../members.ts'

// CloudWatch logging options are stored and described; the gateway writes no CloudWatch Logs.

export function addApplicationCloudWatchLoggingOption(
  deps: AnalyticsDeps,
): Operation<AddApplicationCloudWatchLoggingOptionRequest, AddApplicationCloudWatchLoggingOptionResponse> {
  return configurationOperation<AddApplicationCloudWatchLoggingOptionRequest>(deps, {
    name: 'AddApplicationCloudWatchLoggingOption',
    input: { CloudWatchLoggingOption: { ...CloudWatchLoggingOption, required: true } },
    checksCode: false,
    change: (record, input) => {
      const option = validated(input.CloudWatchLoggingOption, 'CloudWatchLoggingOption')
      if (record.cloudWatchLoggingOptions.some((current) => current.LogStreamARN === option.LogStreamARN)) {
        throw InvalidArgumentException(
          `Log stream ${option.LogStreamARN ?? ''} is already a CloudWatch logging option of the application.`,
        )
      }
      const ordinal = record.nextOrdinals.cloudWatchLoggingOption
      return {
        cloudWatchLoggingOptions: [...record.cloudWatchLoggingOptions, loggingDescription(option, ordinal)],
        nextOrdinals: { ...record.nextOrdinals, cloudWatchLoggingOption: ordinal + 1 },
      }
    },
  })
}

export function deleteApplicationCloudWatchLoggingOption(
  deps: AnalyticsDeps,
): Operation<
  DeleteApplicationCloudWatchLoggingOptionRequest,
  DeleteApplicationCloudWatchLoggingOptionResponse
> {
  return configurationOperation<DeleteApplicationCloudWatchLoggingOptionRequest>(deps, {
    name: 'DeleteApplicationCloudWatchLoggingOption',
    input: { CloudWatchLoggingOptionId: { ...Id, required: true } },
    checksCode: false,
    change: (record, input) => {
      const id = validated(input.CloudWatchLoggingOptionId, 'CloudWatchLoggingOptionId')
      const index = itemIndex(record, record.cloudWatchLoggingOptions, 'CloudWatchLoggingOptionId', id)
      return { cloudWatchLoggingOptions: replaced(record.cloudWatchLoggingOptions, index, undefined) }
    },
  })
}
