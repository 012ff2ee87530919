import type {
  DataFormatConversionConfiguration,
  DynamicPartitioningConfiguration,
  ProcessingConfiguration,
} from '@aws-sdk/client-firehose'

import type { Clock } from '../../ports/clock.ts'
import type { LambdaInvoker } from '../../ports/lambda-invoker.ts'
import type {
  DeliveryRecord,
  ErrorOutputType,
  FailedRecord,
  ProcessedBatch,
  ProcessedRecord,
} from '../delivery/delivery-record.ts'
import { extractLogMessages, gunzip } from './cloudwatch-logs.ts'
import type { FormatConverter } from './format-conversion.ts'
import { deaggregateKpl } from './kpl-aggregation.ts'
import { transformRecords, type InvocationContext } from './lambda-transformation.ts'
import { createKeyExtractor } from './metadata-extraction.ts'
import { processingSettings } from './processing-settings.ts'
import { splitDelimited, splitJsonObjects } from './record-deaggregation.ts'

/** The part of a destination's configuration (or description) that decides processing. */
export interface ProcessingDestination {
  readonly ProcessingConfiguration?: ProcessingConfiguration | undefined
  readonly DynamicPartitioningConfiguration?: DynamicPartitioningConfiguration | undefined
  readonly DataFormatConversionConfiguration?: DataFormatConversionConfiguration | undefined
}

export interface ProcessingDeps {
  readonly clock: Clock
  /** Required when the configuration has a Lambda processor. */
  readonly lambda?: LambdaInvoker
  /** Required when data format conversion is enabled (createFormatConverter). */
  readonly formatConverter?: FormatConverter
}

export type RecordProcessor = (records: readonly DeliveryRecord[]) => Promise<ProcessedBatch>

/**
 * The processing stage of one delivery stream, in Firehose's order:
 *
 *   KPL de-aggregation (Kinesis stream sources) → Decompression (GZIP) and CloudWatchLogProcessing
 *   (DataMessageExtraction) → RecordDeAggregation (JSON | DELIMITED) → Lambda → MetadataExtraction (the
 *   partition keys, when dynamic partitioning is on) → AppendDelimiterToRecord, or with data format
 *   conversion the check that each record converts (the worker writes the file with `write`).
 *
 * Decompression comes before RecordDeAggregation because splitting needs the inflated bytes. A record that
 * splits becomes several, with recordIds `<recordId>.<n>`. Records that fail a step leave as FailedRecords
 * (their data as it was when they failed) with the error output type of that step; the others come out in
 * their order.
 */
export function createRecordProcessor(
  destination: ProcessingDestination,
  context: InvocationContext,
  deps: ProcessingDeps,
): RecordProcessor {
  const settings = processingSettings(
    destination.ProcessingConfiguration,
    destination.DynamicPartitioningConfiguration,
  )
  const extractKeys =
    settings.metadataExtractionQuery === undefined
      ? undefined
      : createKeyExtractor(settings.metadataExtractionQuery)
  const kinesisSource = context.sourceKinesisStreamArn !== undefined
  if (settings.lambda !== undefined && deps.lambda === undefined) {
    throw new Error(
      `No Lambda endpoint is configured to run ${settings.lambda.lambdaArn} (set LAMBDA_ENDPOINT)`,
    )
  }
  const conversion = destination.DataFormatConversionConfiguration
  const converter =
    conversion === undefined || conversion.Enabled === false ? undefined : deps.formatConverter
  if (conversion !== undefined && conversion.Enabled !== false && converter === undefined) {
    throw new Error('Data format conversion is enabled but no format converter was given')
  }

  return async (input) => {
    const failed: FailedRecord[] = []
    const fail = (
      record: DeliveryRecord,
      errorOutputType: ErrorOutputType,
      errorCode: string,
      errorMessage: string,
    ) => {
      failed.push({
        record,
        errorOutputType,
        errorCode,
        errorMessage,
        attemptsMade: 1,
        attemptEndingTimestamp: deps.clock.now(),
      })
    }

    let records: DeliveryRecord[] = kinesisSource ? input.flatMap(kplUserRecords) : [...input]

    if (settings.decompression) {
      records = records.flatMap((record) => {
        try {
          const inflated = gunzip(record.data)
          if (!settings.dataMessageExtraction) return [{ ...record, data: inflated }]
          return split(record, extractLogMessages(inflated))
        } catch (error) {
          fail(record, 'decompression-failed', 'Decompression.Failed', messageOf(error))
          return []
        }
      })
    }

    const deaggregation = settings.deaggregation
    if (deaggregation !== undefined) {
      records = records.flatMap((record) => {
        const parts =
          deaggregation.subRecordType === 'JSON'
            ? splitJsonObjects(record.data)
            : splitDelimited(record.data, deaggregation.delimiter)
        return parts === undefined || parts.length === 1 ? [record] : split(record, parts)
      })
    }

    let outputs: { record: DeliveryRecord; partitionKeys?: Readonly<Record<string, string>> }[] = records.map(
      (record) => ({ record }),
    )

    if (settings.lambda !== undefined && deps.lambda !== undefined) {
      const lambdaArn = settings.lambda.lambdaArn
      const outcomes = await transformRecords(records, settings.lambda, context, {
        lambda: deps.lambda,
        clock: deps.clock,
      })
      outputs = []
      records.forEach((record, index) => {
        const outcome = outcomes[index]
        if (outcome === undefined || outcome.result === 'Dropped') return
        if (outcome.result === 'Failed') {
          failed.push({
            record,
            errorOutputType: 'processing-failed',
            errorCode: outcome.errorCode,
            errorMessage: outcome.errorMessage,
            attemptsMade: outcome.attemptsMade,
            attemptEndingTimestamp: outcome.attemptEndingTimestamp,
            lambdaArn,
          })
          return
        }
        const transformed = { ...record, data: outcome.data }
        outputs.push(
          outcome.partitionKeys === undefined
            ? { record: transformed }
            : { record: transformed, partitionKeys: outcome.partitionKeys },
        )
      })
    }

    if (extractKeys !== undefined) {
      const extractions = await extractKeys(outputs.map((output) => output.record.data))
      const keyed: typeof outputs = []
      outputs.forEach((output, index) => {
        const extraction = extractions[index]
        if (extraction === undefined || 'errorCode' in extraction) {
          fail(
            output.record,
            'partitioning-failed',
            extraction?.errorCode ?? 'DynamicPartitioning.MetadataExtractionFailed',
            extraction?.errorMessage ?? 'No partition keys',
          )
          return
        }
        // Query keys and Lambda keys share one map; a key both name takes the query's value.
        keyed.push({ record: output.record, partitionKeys: { ...output.partitionKeys, ...extraction.keys } })
      })
      outputs = keyed
    }

    if (converter !== undefined) {
      outputs = outputs.filter((output) => {
        const failure = converter.check(output.record.data)
        if (failure !== undefined)
          fail(output.record, 'format-conversion-failed', failure.errorCode, failure.errorMessage)
        return failure === undefined
      })
    }

    // A Parquet file has no record delimiters.
    const delimiter = converter === undefined ? settings.appendDelimiter : undefined
    const processed = outputs.map(({ record, partitionKeys }): ProcessedRecord => {
      const data = delimiter === undefined ? record.data : Buffer.concat([record.data, delimiter])
      return partitionKeys === undefined
        ? { data, approximateArrivalTimestamp: record.approximateArrivalTimestamp }
        : { data, approximateArrivalTimestamp: record.approximateArrivalTimestamp, partitionKeys }
    })
    return { records: processed, failed }
  }
}

/** A record read from a Kinesis stream: its KPL user records when it is an aggregate, else itself. */
function kplUserRecords(record: DeliveryRecord): DeliveryRecord[] {
  const userRecords = deaggregateKpl(record.data)
  if (userRecords === undefined) return [record]
  return userRecords.map((userRecord, index) => {
    const metadata = record.kinesisRecordMetadata
    return {
      recordId: `${record.recordId}.${index}`,
      data: userRecord.data,
      approximateArrivalTimestamp: record.approximateArrivalTimestamp,
      ...(metadata === undefined
        ? {}
        : {
            kinesisRecordMetadata: {
              ...metadata,
              partitionKey: userRecord.partitionKey,
              subsequenceNumber: index,
            },
          }),
    }
  })
}

function split(record: DeliveryRecord, parts: readonly Buffer[]): DeliveryRecord[] {
  return parts.map((data, index) => ({ ...record, recordId: `${record.recordId}.${index}`, data }))
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
