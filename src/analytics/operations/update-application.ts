import type {
  ApplicationUpdate,
  CloudWatchLoggingOptionDescription,
  InputDescription,
  InputUpdate,
  OutputDescription,
  OutputUpdate,
  ReferenceDataSourceDescription,
  ReferenceDataSourceUpdate,
  SourceSchema,
  UpdateApplicationRequest,
  UpdateApplicationResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import type { ApplicationRecord } from '../../ports/application-catalog.ts'
import { changeConfiguration, type ConfigurationChange } from '../applications/changes.ts'
import {
  checkSchema,
  inAppStreamNames,
  normalizedSchema,
  requireStream,
  resource,
} from '../applications/configuration.ts'
import { itemIndex, replaced } from '../applications/items.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { guarded, InvalidArgumentException } from '../errors.ts'
import {
  ApplicationName,
  ApplicationUpdate as ApplicationUpdateShape,
  CurrentApplicationVersionId,
} from '../members.ts'

/**
 * UpdateApplication: code, inputs, outputs, reference data sources and logging options by id, in one new
 * version. A `...Update` of a source or destination replaces it; given for a kind the item does not have yet,
 * it must name both the ARN and the role.
 */
export function updateApplication(
  deps: AnalyticsDeps,
): Operation<UpdateApplicationRequest, UpdateApplicationResponse> {
  return defineOperation({
    name: 'UpdateApplication',
    input: {
      ApplicationName,
      CurrentApplicationVersionId,
      ApplicationUpdate: { ...ApplicationUpdateShape, required: true },
    },
    handle: (input, context) =>
      guarded(async () => {
        const update = validated(input.ApplicationUpdate, 'ApplicationUpdate')
        if (isEmpty(update))
          throw InvalidArgumentException('ApplicationUpdate must contain at least one update.')
        await changeConfiguration(deps, context, {
          applicationName: validated(input.ApplicationName, 'ApplicationName'),
          currentApplicationVersionId: validated(
            input.CurrentApplicationVersionId,
            'CurrentApplicationVersionId',
          ),
          checksCode: true,
          change: (record) => applyUpdate(deps, record, update),
        })
        return {}
      }),
  })
}

function isEmpty(update: ApplicationUpdate): boolean {
  return (
    update.ApplicationCodeUpdate === undefined &&
    (update.InputUpdates ?? []).length === 0 &&
    (update.OutputUpdates ?? []).length === 0 &&
    (update.ReferenceDataSourceUpdates ?? []).length === 0 &&
    (update.CloudWatchLoggingOptionUpdates ?? []).length === 0
  )
}

async function applyUpdate(
  deps: AnalyticsDeps,
  record: ApplicationRecord,
  update: ApplicationUpdate,
): Promise<ConfigurationChange> {
  let inputs = record.inputs
  for (const inputUpdate of update.InputUpdates ?? []) {
    const index = itemIndex(record, inputs, 'InputId', validated(inputUpdate.InputId, 'InputId'))
    inputs = replaced(inputs, index, await updatedInput(deps, inputs[index] ?? {}, inputUpdate))
  }
  let outputs = record.outputs
  for (const outputUpdate of update.OutputUpdates ?? []) {
    const index = itemIndex(record, outputs, 'OutputId', validated(outputUpdate.OutputId, 'OutputId'))
    outputs = replaced(outputs, index, await updatedOutput(deps, outputs[index] ?? {}, outputUpdate))
  }
  let references = record.referenceDataSources
  for (const referenceUpdate of update.ReferenceDataSourceUpdates ?? []) {
    const id = validated(referenceUpdate.ReferenceId, 'ReferenceId')
    const index = itemIndex(record, references, 'ReferenceId', id)
    const current = references[index]
    if (current === undefined) continue
    references = replaced(references, index, updatedReference(current, referenceUpdate))
  }
  let logging = record.cloudWatchLoggingOptions
  for (const loggingUpdate of update.CloudWatchLoggingOptionUpdates ?? []) {
    const id = validated(loggingUpdate.CloudWatchLoggingOptionId, 'CloudWatchLoggingOptionId')
    const index = itemIndex(record, logging, 'CloudWatchLoggingOptionId', id)
    const current: CloudWatchLoggingOptionDescription | undefined = logging[index]
    if (current === undefined) continue
    logging = replaced(logging, index, {
      ...current,
      LogStreamARN: loggingUpdate.LogStreamARNUpdate ?? current.LogStreamARN,
      RoleARN: loggingUpdate.RoleARNUpdate ?? current.RoleARN,
    })
  }
  return {
    ...(update.ApplicationCodeUpdate === undefined ? {} : { code: update.ApplicationCodeUpdate }),
    inputs,
    outputs,
    referenceDataSources: references,
    cloudWatchLoggingOptions: logging,
  }
}

type ResourcePair = { ResourceARN?: string | undefined; RoleARN?: string | undefined } | undefined
type ResourcePairUpdate = { ResourceARNUpdate?: string | undefined; RoleARNUpdate?: string | undefined }

/** A source or destination after its `...Update`: each member given replaces the current one. */
function updatedResource(
  current: ResourcePair,
  update: ResourcePairUpdate,
  what: string,
): { ResourceARN: string; RoleARN: string } {
  const ResourceARN = update.ResourceARNUpdate ?? current?.ResourceARN
  const RoleARN = update.RoleARNUpdate ?? current?.RoleARN
  if (ResourceARN === undefined || RoleARN === undefined) {
    throw InvalidArgumentException(
      `${what} needs both ResourceARNUpdate and RoleARNUpdate to replace the current one.`,
    )
  }
  return resource({ ResourceARN, RoleARN })
}

async function updatedInput(
  deps: AnalyticsDeps,
  current: InputDescription,
  update: InputUpdate,
): Promise<InputDescription> {
  let next: InputDescription = { ...current }
  if (update.KinesisStreamsInputUpdate !== undefined && update.KinesisFirehoseInputUpdate !== undefined) {
    throw InvalidArgumentException('An input update can name only one streaming source.')
  }
  if (update.KinesisStreamsInputUpdate !== undefined) {
    const source = updatedResource(
      current.KinesisStreamsInputDescription,
      update.KinesisStreamsInputUpdate,
      'KinesisStreamsInputUpdate',
    )
    await requireStream(deps, source.ResourceARN)
    const { KinesisFirehoseInputDescription: _replaced, ...rest } = next
    next = { ...rest, KinesisStreamsInputDescription: source }
  }
  if (update.KinesisFirehoseInputUpdate !== undefined) {
    const source = updatedResource(
      current.KinesisFirehoseInputDescription,
      update.KinesisFirehoseInputUpdate,
      'KinesisFirehoseInputUpdate',
    )
    const { KinesisStreamsInputDescription: _replaced, ...rest } = next
    next = { ...rest, KinesisFirehoseInputDescription: source }
  }
  const lambda = update.InputProcessingConfigurationUpdate?.InputLambdaProcessorUpdate
  if (lambda !== undefined) {
    next.InputProcessingConfigurationDescription = {
      InputLambdaProcessorDescription: updatedResource(
        current.InputProcessingConfigurationDescription?.InputLambdaProcessorDescription,
        lambda,
        'InputLambdaProcessorUpdate',
      ),
    }
  }
  const schemaUpdate = update.InputSchemaUpdate
  if (schemaUpdate !== undefined) {
    const schema: SourceSchema = {
      RecordFormat: validated(
        schemaUpdate.RecordFormatUpdate ?? current.InputSchema?.RecordFormat,
        'RecordFormat',
      ),
      RecordEncoding: schemaUpdate.RecordEncodingUpdate ?? current.InputSchema?.RecordEncoding ?? 'UTF-8',
      RecordColumns: validated(
        schemaUpdate.RecordColumnUpdates ?? current.InputSchema?.RecordColumns,
        'RecordColumns',
      ),
    }
    checkSchema(schema)
    next.InputSchema = normalizedSchema(schema)
  }
  const namePrefix = update.NamePrefixUpdate ?? current.NamePrefix ?? ''
  const count = update.InputParallelismUpdate?.CountUpdate ?? current.InputParallelism?.Count ?? 1
  next.NamePrefix = namePrefix
  next.InputParallelism = { Count: count }
  next.InAppStreamNames = inAppStreamNames(namePrefix, count)
  return next
}

async function updatedOutput(
  deps: AnalyticsDeps,
  current: OutputDescription,
  update: OutputUpdate,
): Promise<OutputDescription> {
  const destinations = [
    update.KinesisStreamsOutputUpdate,
    update.KinesisFirehoseOutputUpdate,
    update.LambdaOutputUpdate,
  ]
  if (destinations.filter((destination) => destination !== undefined).length > 1) {
    throw InvalidArgumentException('An output update can name only one destination.')
  }
  const {
    KinesisStreamsOutputDescription,
    KinesisFirehoseOutputDescription,
    LambdaOutputDescription,
    ...rest
  } = current
  let next: OutputDescription = { ...current }
  if (update.KinesisStreamsOutputUpdate !== undefined) {
    const destination = updatedResource(
      KinesisStreamsOutputDescription,
      update.KinesisStreamsOutputUpdate,
      'KinesisStreamsOutputUpdate',
    )
    await requireStream(deps, destination.ResourceARN)
    next = { ...rest, KinesisStreamsOutputDescription: destination }
  } else if (update.KinesisFirehoseOutputUpdate !== undefined) {
    next = {
      ...rest,
      KinesisFirehoseOutputDescription: updatedResource(
        KinesisFirehoseOutputDescription,
        update.KinesisFirehoseOutputUpdate,
        'KinesisFirehoseOutputUpdate',
      ),
    }
  } else if (update.LambdaOutputUpdate !== undefined) {
    next = {
      ...rest,
      LambdaOutputDescription: updatedResource(
        LambdaOutputDescription,
        update.LambdaOutputUpdate,
        'LambdaOutputUpdate',
      ),
    }
  }
  if (update.NameUpdate !== undefined) next.Name = update.NameUpdate
  if (update.DestinationSchemaUpdate !== undefined) {
    next.DestinationSchema = {
      RecordFormatType: validated(update.DestinationSchemaUpdate.RecordFormatType, 'RecordFormatType'),
    }
  }
  return next
}

function updatedReference(
  current: ReferenceDataSourceDescription,
  update: ReferenceDataSourceUpdate,
): ReferenceDataSourceDescription {
  const next: ReferenceDataSourceDescription = { ...current }
  if (update.TableNameUpdate !== undefined) next.TableName = update.TableNameUpdate
  const s3 = update.S3ReferenceDataSourceUpdate
  if (s3 !== undefined) {
    next.S3ReferenceDataSourceDescription = {
      BucketARN: s3.BucketARNUpdate ?? current.S3ReferenceDataSourceDescription?.BucketARN,
      FileKey: s3.FileKeyUpdate ?? current.S3ReferenceDataSourceDescription?.FileKey,
      ReferenceRoleARN:
        s3.ReferenceRoleARNUpdate ?? current.S3ReferenceDataSourceDescription?.ReferenceRoleARN,
    }
  }
  if (update.ReferenceSchemaUpdate !== undefined) {
    checkSchema(update.ReferenceSchemaUpdate)
    next.ReferenceSchema = normalizedSchema(update.ReferenceSchemaUpdate)
  }
  return next
}
