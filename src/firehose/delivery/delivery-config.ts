// What a delivery worker reads from a delivery stream's description: where its records come from, how they are
// buffered, and how its S3 objects are named and compressed.

import type { DeliveryStreamDescription, S3DestinationDescription } from '@aws-sdk/client-firehose'

import type { DeliveryStreamRecord } from '../../ports/delivery-streams.ts'
import { compressionFormat, type CompressionFormat } from './compression.ts'
import { objectNaming, type ObjectNaming } from './object-keys.ts'

const MIB = 1024 * 1024
/** The defaults Describe echoes: 5 MiB / 300 s. */
const DEFAULT_SIZE_MB = 5
const DEFAULT_INTERVAL_SECONDS = 300
const PARQUET_EXTENSION = '.parquet'

export interface Buffering {
  readonly sizeBytes: number
  /** 0: no buffering, every batch read is delivered at once. */
  readonly intervalMs: number
}

/** An S3 location objects are written to: bucket, naming and compression. */
export interface S3Output {
  readonly bucket: string
  readonly naming: ObjectNaming
  readonly compression: CompressionFormat
}

export type DeliverySource =
  | { readonly type: 'DirectPut' }
  | { readonly type: 'KinesisStreamAsSource'; readonly streamArn: string; readonly startTimestampMs: number }

export interface DeliveryConfig {
  readonly account: string
  readonly region: string
  readonly name: string
  readonly arn: string
  readonly versionId: string
  readonly createdAtMs: number
  readonly topic: string
  readonly source: DeliverySource
  readonly buffering: Buffering
  readonly destinationType: 'S3' | 'HttpEndpoint'
  /** Where delivered records go (S3 destinations), and failed records (every destination). */
  readonly s3: S3Output
  readonly dynamicPartitioning: boolean
  /** S3BackupMode Enabled: every source record also goes here, as received. */
  readonly backup: S3Output | undefined
  /**
   * Record format conversion (DataFormatConversionConfiguration not disabled): where its Parquet objects go, the
   * destination's bucket and prefix with the extension `.parquet` (FileExtension replaces it) and no S3
   * compression (Parquet compresses its pages itself). Failed records still go to `s3`.
   */
  readonly converted: S3Output | undefined
  readonly processingEnabled: boolean
}

export class UnsupportedDestinationError extends Error {
  override name = 'UnsupportedDestinationError'
}

/**
 * The settings of a delivery stream whose destination is S3 (ExtendedS3 or S3), or an HTTP endpoint (whose S3
 * configuration takes its failed records and, with AllData, its backup).
 */
export function deliveryConfigOf(record: DeliveryStreamRecord): DeliveryConfig {
  const { description } = record
  const name = description.DeliveryStreamName ?? ''
  const versionId = description.VersionId ?? '1'
  const destination = description.Destinations?.[0]
  const extended = destination?.ExtendedS3DestinationDescription
  const http = destination?.HttpEndpointDestinationDescription
  const s3 = extended ?? destination?.S3DestinationDescription ?? http?.S3DestinationDescription
  if (s3 === undefined) {
    throw new UnsupportedDestinationError(`delivery stream ${name} has no destination the workers deliver to`)
  }
  const hints = http === undefined ? s3.BufferingHints : http.BufferingHints
  const backup =
    extended?.S3BackupMode === 'Enabled' && extended.S3BackupDescription !== undefined
      ? s3Output(name, versionId, extended.S3BackupDescription, extended.CustomTimeZone, undefined)
      : undefined
  const conversion = extended?.DataFormatConversionConfiguration
  const converted =
    conversion === undefined || conversion.Enabled === false
      ? undefined
      : s3Output(
          name,
          versionId,
          { ...s3, CompressionFormat: 'UNCOMPRESSED' },
          extended?.CustomTimeZone,
          extended?.FileExtension === undefined || extended.FileExtension === ''
            ? PARQUET_EXTENSION
            : extended.FileExtension,
        )
  return {
    account: record.account,
    region: record.region,
    name,
    arn: description.DeliveryStreamARN ?? '',
    versionId,
    createdAtMs: millis(description.CreateTimestamp) ?? 0,
    topic: record.topic,
    source: sourceOf(description),
    buffering: {
      sizeBytes: (hints?.SizeInMBs ?? DEFAULT_SIZE_MB) * MIB,
      intervalMs: (hints?.IntervalInSeconds ?? DEFAULT_INTERVAL_SECONDS) * 1000,
    },
    destinationType: http === undefined ? 'S3' : 'HttpEndpoint',
    s3: s3Output(name, versionId, s3, extended?.CustomTimeZone, extended?.FileExtension),
    dynamicPartitioning: extended?.DynamicPartitioningConfiguration?.Enabled === true,
    backup,
    converted,
    processingEnabled: (extended ?? http)?.ProcessingConfiguration?.Enabled === true,
  }
}

function s3Output(
  name: string,
  versionId: string,
  s3: S3DestinationDescription,
  customTimeZone: string | undefined,
  fileExtension: string | undefined,
): S3Output {
  const compression = compressionFormat(s3.CompressionFormat)
  return {
    bucket: bucketOf(s3.BucketARN ?? ''),
    compression,
    naming: objectNaming({
      deliveryStreamName: name,
      versionId,
      prefix: s3.Prefix,
      errorOutputPrefix: s3.ErrorOutputPrefix,
      customTimeZone,
      compression,
      fileExtension,
    }),
  }
}

/** The bucket of `arn:aws:s3:::bucket`. */
export function bucketOf(bucketArn: string): string {
  const index = bucketArn.indexOf(':::')
  return index < 0 ? bucketArn : bucketArn.slice(index + 3)
}

function sourceOf(description: DeliveryStreamDescription): DeliverySource {
  const kinesis = description.Source?.KinesisStreamSourceDescription
  if (description.DeliveryStreamType === 'KinesisStreamAsSource' && kinesis !== undefined) {
    return {
      type: 'KinesisStreamAsSource',
      streamArn: kinesis.KinesisStreamARN ?? '',
      startTimestampMs: millis(kinesis.DeliveryStartTimestamp) ?? millis(description.CreateTimestamp) ?? 0,
    }
  }
  return { type: 'DirectPut' }
}

/** A timestamp as the catalog may hand it over: a Date, epoch millis, or ISO text. */
function millis(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string') {
    const parsed = Date.parse(value)
    return Number.isNaN(parsed) ? undefined : parsed
  }
  return undefined
}

/**
 * The consumer group of a delivery stream: account, region and name, and its creation time so that a stream
 * deleted and created again under the same name starts afresh instead of resuming the old one's offsets.
 */
export function deliveryGroupId(
  config: Pick<DeliveryConfig, 'account' | 'region' | 'name' | 'createdAtMs'>,
): string {
  return `firehose.${config.account}.${config.region}.${config.name}.${config.createdAtMs}`
}
