// What DescribeDeliveryStream shows of a destination, from the configuration CreateDeliveryStream received:
// AWS fills in every default (buffering 5 MB / 300 s, UNCOMPRESSED, NoEncryption, logging off, backup
// Disabled) and shows an S3 destination twice, as ExtendedS3DestinationDescription and as the S3 part of it
// (S3DestinationDescription), whichever of the two configurations created it.

import type {
  BufferingHints,
  DestinationDescription,
  ExtendedS3DestinationConfiguration,
  ExtendedS3DestinationDescription,
  HttpEndpointDestinationConfiguration,
  HttpEndpointDestinationDescription,
  S3DestinationConfiguration,
  S3DestinationDescription,
} from '@aws-sdk/client-firehose'

/** A delivery stream has one destination, and AWS gives it this id. */
export const DESTINATION_ID = 'destinationId-000000000001'

export const DEFAULT_BUFFERING_HINTS = { SizeInMBs: 5, IntervalInSeconds: 300 } as const
/**
 * SizeInMBs when none is given to an ExtendedS3 destination with record format conversion (AWS's default) or
 * dynamic partitioning, both of which need at least 64 (destination-rules.ts).
 */
export const LARGE_OBJECTS_DEFAULT_SIZE_IN_MBS = 128
/** An HTTP endpoint's failed deliveries are retried this long (seconds) by default. */
export const DEFAULT_HTTP_ENDPOINT_RETRY_SECONDS = 300

/** The S3 members every S3-like configuration and update share. */
type S3Members = Partial<S3DestinationConfiguration>

export function s3Description(config: S3Members, base?: S3DestinationDescription): S3DestinationDescription {
  return withoutUndefined({
    RoleARN: config.RoleARN ?? base?.RoleARN,
    BucketARN: config.BucketARN ?? base?.BucketARN,
    Prefix: config.Prefix ?? base?.Prefix,
    ErrorOutputPrefix: config.ErrorOutputPrefix ?? base?.ErrorOutputPrefix,
    BufferingHints: bufferingHints(config.BufferingHints, base?.BufferingHints),
    CompressionFormat: config.CompressionFormat ?? base?.CompressionFormat ?? 'UNCOMPRESSED',
    EncryptionConfiguration: config.EncryptionConfiguration ??
      base?.EncryptionConfiguration ?? { NoEncryptionConfig: 'NoEncryption' },
    CloudWatchLoggingOptions: config.CloudWatchLoggingOptions ??
      base?.CloudWatchLoggingOptions ?? { Enabled: false },
  })
}

/**
 * The ExtendedS3 description of an S3-like configuration (or update), over `base` when it changes one.
 * `S3BackupMode` stays Disabled unless configured.
 */
export function extendedS3Description(
  config: Partial<ExtendedS3DestinationConfiguration>,
  base?: ExtendedS3DestinationDescription,
): ExtendedS3DestinationDescription {
  const backup = config.S3BackupConfiguration
  const conversion = config.DataFormatConversionConfiguration ?? base?.DataFormatConversionConfiguration
  const partitioning = config.DynamicPartitioningConfiguration ?? base?.DynamicPartitioningConfiguration
  const largeObjects =
    (conversion !== undefined && conversion.Enabled !== false) || partitioning?.Enabled === true
  return withoutUndefined({
    ...s3Description(config, base),
    BufferingHints: bufferingHints(
      config.BufferingHints,
      base?.BufferingHints,
      largeObjects ? LARGE_OBJECTS_DEFAULT_SIZE_IN_MBS : DEFAULT_BUFFERING_HINTS.SizeInMBs,
    ),
    ProcessingConfiguration: config.ProcessingConfiguration ?? base?.ProcessingConfiguration,
    S3BackupMode: config.S3BackupMode ?? base?.S3BackupMode ?? 'Disabled',
    S3BackupDescription: backup === undefined ? base?.S3BackupDescription : s3Description(backup),
    DataFormatConversionConfiguration: conversion,
    DynamicPartitioningConfiguration: partitioning,
    FileExtension: config.FileExtension ?? base?.FileExtension,
    CustomTimeZone: config.CustomTimeZone ?? base?.CustomTimeZone,
  })
}

/** An S3 destination as AWS shows it: ExtendedS3 and its S3 part. */
export function s3Destination(config: Partial<ExtendedS3DestinationConfiguration>): DestinationDescription {
  const extended = extendedS3Description(config)
  return {
    DestinationId: DESTINATION_ID,
    S3DestinationDescription: s3PartOf(extended),
    ExtendedS3DestinationDescription: extended,
  }
}

export function s3PartOf(extended: ExtendedS3DestinationDescription): S3DestinationDescription {
  return s3Description({}, extended)
}

/** An HTTP endpoint configuration or update (whose S3 part, `S3Update`, is passed as `S3Configuration`). */
export type HttpEndpointMembers = Omit<Partial<HttpEndpointDestinationConfiguration>, 'S3Configuration'> & {
  S3Configuration?: S3Members | undefined
}

export function httpEndpointDescription(
  config: HttpEndpointMembers,
  base?: HttpEndpointDestinationDescription,
): HttpEndpointDestinationDescription {
  const endpoint = config.EndpointConfiguration
  return withoutUndefined({
    // The access key is never shown (StoredDeliveryStream.httpEndpointAccessKey keeps it).
    EndpointConfiguration:
      endpoint === undefined
        ? base?.EndpointConfiguration
        : withoutUndefined({ Url: endpoint.Url, Name: endpoint.Name }),
    BufferingHints: bufferingHints(config.BufferingHints, base?.BufferingHints),
    CloudWatchLoggingOptions: config.CloudWatchLoggingOptions ??
      base?.CloudWatchLoggingOptions ?? { Enabled: false },
    RequestConfiguration: config.RequestConfiguration ??
      base?.RequestConfiguration ?? { ContentEncoding: 'NONE' },
    ProcessingConfiguration: config.ProcessingConfiguration ?? base?.ProcessingConfiguration,
    RoleARN: config.RoleARN ?? base?.RoleARN,
    RetryOptions: config.RetryOptions ??
      base?.RetryOptions ?? { DurationInSeconds: DEFAULT_HTTP_ENDPOINT_RETRY_SECONDS },
    S3BackupMode: config.S3BackupMode ?? base?.S3BackupMode ?? 'FailedDataOnly',
    S3DestinationDescription:
      config.S3Configuration === undefined
        ? base?.S3DestinationDescription
        : s3Description(config.S3Configuration, base?.S3DestinationDescription),
    SecretsManagerConfiguration: config.SecretsManagerConfiguration ?? base?.SecretsManagerConfiguration,
  })
}

export function httpEndpointDestination(
  config: HttpEndpointDestinationConfiguration,
): DestinationDescription {
  return {
    DestinationId: DESTINATION_ID,
    HttpEndpointDestinationDescription: httpEndpointDescription(config),
  }
}

function bufferingHints(
  given: BufferingHints | undefined,
  base: BufferingHints | undefined,
  defaultSizeInMBs: number = DEFAULT_BUFFERING_HINTS.SizeInMBs,
): BufferingHints {
  return {
    SizeInMBs: given?.SizeInMBs ?? base?.SizeInMBs ?? defaultSizeInMBs,
    IntervalInSeconds:
      given?.IntervalInSeconds ?? base?.IntervalInSeconds ?? DEFAULT_BUFFERING_HINTS.IntervalInSeconds,
  }
}

/** Members left undefined are absent from the answer (and from the stored JSON). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T
}
