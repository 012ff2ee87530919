import type {
  CloudWatchLoggingOption,
  CloudWatchLoggingOptionDescription,
  Input,
  InputDescription,
  InputProcessingConfiguration,
  InputProcessingConfigurationDescription,
  Output,
  OutputDescription,
  ReferenceDataSource,
  ReferenceDataSourceDescription,
  SourceSchema,
} from '@aws-sdk/client-kinesis-analytics'

import { validated } from '../../aws/index.ts'
import { parseStreamArn } from '../../mapping/arns.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { InvalidArgumentException, LimitExceededException } from '../errors.ts'
import { schemaProblem } from '../input/schema.ts'

// The configuration an application is given (inputs, outputs, reference data, logging options), checked as AWS
// checks it and turned into the descriptions DescribeApplication answers with.

/** AWS's limits for a SQL application. */
export const LIMITS = { inputs: 1, outputs: 3, referenceDataSources: 1, applicationsPerRegion: 50 } as const

/** `1.1`, `2.1`, ...: the ordinal of the added item, then the first version of it. */
export function itemId(ordinal: number): string {
  return `${ordinal}.1`
}

export function inAppStreamNames(namePrefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${namePrefix}_${String(index + 1).padStart(3, '0')}`)
}

export async function inputDescription(
  deps: AnalyticsDeps,
  input: Input,
  ordinal: number,
): Promise<InputDescription> {
  const sources = [input.KinesisStreamsInput, input.KinesisFirehoseInput].filter(
    (source) => source !== undefined,
  )
  if (sources.length !== 1) {
    throw InvalidArgumentException(
      'Exactly one streaming source must be given for an input: KinesisStreamsInput or KinesisFirehoseInput.',
    )
  }
  if (input.KinesisStreamsInput !== undefined) {
    await requireStream(deps, validated(input.KinesisStreamsInput.ResourceARN, 'ResourceARN'))
  }
  const schema = validated(input.InputSchema, 'InputSchema')
  checkSchema(schema)
  const namePrefix = validated(input.NamePrefix, 'NamePrefix')
  const count = input.InputParallelism?.Count ?? 1
  return {
    InputId: itemId(ordinal),
    NamePrefix: namePrefix,
    InAppStreamNames: inAppStreamNames(namePrefix, count),
    ...(input.InputProcessingConfiguration === undefined
      ? {}
      : {
          InputProcessingConfigurationDescription: processingDescription(input.InputProcessingConfiguration),
        }),
    ...(input.KinesisStreamsInput === undefined
      ? {}
      : { KinesisStreamsInputDescription: resource(input.KinesisStreamsInput) }),
    ...(input.KinesisFirehoseInput === undefined
      ? {}
      : { KinesisFirehoseInputDescription: resource(input.KinesisFirehoseInput) }),
    InputSchema: normalizedSchema(schema),
    InputParallelism: { Count: count },
  }
}

export function processingDescription(
  configuration: InputProcessingConfiguration,
): InputProcessingConfigurationDescription {
  return {
    InputLambdaProcessorDescription: resource(
      validated(configuration.InputLambdaProcessor, 'InputLambdaProcessor'),
    ),
  }
}

export async function outputDescription(
  deps: AnalyticsDeps,
  output: Output,
  ordinal: number,
): Promise<OutputDescription> {
  const destinations = [
    output.KinesisStreamsOutput,
    output.KinesisFirehoseOutput,
    output.LambdaOutput,
  ].filter((destination) => destination !== undefined)
  if (destinations.length !== 1) {
    throw InvalidArgumentException(
      'Exactly one destination must be given for an output: KinesisStreamsOutput, KinesisFirehoseOutput or LambdaOutput.',
    )
  }
  if (output.KinesisStreamsOutput !== undefined) {
    await requireStream(deps, validated(output.KinesisStreamsOutput.ResourceARN, 'ResourceARN'))
  }
  return {
    OutputId: itemId(ordinal),
    Name: validated(output.Name, 'Name'),
    ...(output.KinesisStreamsOutput === undefined
      ? {}
      : { KinesisStreamsOutputDescription: resource(output.KinesisStreamsOutput) }),
    ...(output.KinesisFirehoseOutput === undefined
      ? {}
      : { KinesisFirehoseOutputDescription: resource(output.KinesisFirehoseOutput) }),
    ...(output.LambdaOutput === undefined ? {} : { LambdaOutputDescription: resource(output.LambdaOutput) }),
    DestinationSchema: {
      RecordFormatType: validated(output.DestinationSchema?.RecordFormatType, 'RecordFormatType'),
    },
  }
}

export function referenceDescription(
  source: ReferenceDataSource,
  ordinal: number,
): ReferenceDataSourceDescription {
  if (source.S3ReferenceDataSource === undefined) {
    throw InvalidArgumentException('S3ReferenceDataSource is required for a reference data source.')
  }
  const schema = validated(source.ReferenceSchema, 'ReferenceSchema')
  checkSchema(schema)
  return {
    ReferenceId: itemId(ordinal),
    TableName: validated(source.TableName, 'TableName'),
    S3ReferenceDataSourceDescription: {
      BucketARN: source.S3ReferenceDataSource.BucketARN,
      FileKey: source.S3ReferenceDataSource.FileKey,
      ReferenceRoleARN: source.S3ReferenceDataSource.ReferenceRoleARN,
    },
    ReferenceSchema: normalizedSchema(schema),
  }
}

export function loggingDescription(
  option: CloudWatchLoggingOption,
  ordinal: number,
): CloudWatchLoggingOptionDescription {
  return {
    CloudWatchLoggingOptionId: itemId(ordinal),
    LogStreamARN: option.LogStreamARN,
    RoleARN: option.RoleARN,
  }
}

/** A source or destination as described: its ARN and role (both required by the model). */
export function resource(given: { ResourceARN?: string | undefined; RoleARN?: string | undefined }): {
  ResourceARN: string
  RoleARN: string
} {
  return {
    ResourceARN: validated(given.ResourceARN, 'ResourceARN'),
    RoleARN: validated(given.RoleARN, 'RoleARN'),
  }
}

export function checkSchema(schema: SourceSchema): void {
  const problem = schemaProblem(schema)
  if (problem !== undefined) throw InvalidArgumentException(problem)
}

/** The schema as stored and described: RecordEncoding defaults to UTF-8. */
export function normalizedSchema(schema: SourceSchema): SourceSchema {
  return {
    RecordFormat: schema.RecordFormat,
    RecordEncoding: schema.RecordEncoding ?? 'UTF-8',
    RecordColumns: schema.RecordColumns,
  }
}

export function checkCount(what: 'inputs' | 'outputs' | 'referenceDataSources', count: number): void {
  const limit = LIMITS[what]
  if (count <= limit) return
  const noun = { inputs: 'inputs', outputs: 'outputs', referenceDataSources: 'reference data sources' }[what]
  throw LimitExceededException(
    `An application can have at most ${limit} ${noun}; this change would make ${count}.`,
  )
}

/**
 * A Kinesis stream named as an input or output must exist (AWS checks it with the role when the configuration
 * is given). Firehose delivery streams and Lambda functions are accepted unchecked.
 */
export async function requireStream(deps: AnalyticsDeps, arn: string): Promise<void> {
  const parts = parseStreamArn(arn)
  if (parts === undefined) throw InvalidArgumentException(`${arn} is not a Kinesis stream ARN.`)
  const stream = await deps.streams.get({
    accountId: parts.accountId,
    region: parts.region,
    streamName: parts.streamName,
  })
  if (stream === undefined || stream.status === 'DELETING') {
    throw InvalidArgumentException(`Stream ${parts.streamName} under account ${parts.accountId} not found.`)
  }
}
