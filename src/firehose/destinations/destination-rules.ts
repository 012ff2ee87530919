// The rules across a destination's members that CreateDeliveryStream and UpdateDestination check before storing
// it (the model's constraints on single members are checked earlier, as ValidationException): S3 prefixes and
// dynamic partitioning, processors, record format conversion, buffering minimums. A destination that breaks one is refused with
// InvalidArgumentException and nothing is stored. UpdateDestination checks the destination as merged, so an
// update that is fine alone but not with what it keeps is refused too.

import type {
  DestinationDescription,
  ExtendedS3DestinationDescription,
  S3DestinationDescription,
} from '@aws-sdk/client-firehose'

import { compilePrefix, s3PrefixViolation } from '../delivery/object-keys.ts'
import { DEFAULT_BUFFERING_HINTS } from './descriptions.ts'
import { InvalidArgumentException } from '../errors.ts'
import { dataFormatConversionViolation, processingConfigurationViolation } from '../processing/index.ts'

/** Throws InvalidArgumentException with AWS's message when the destination breaks a rule. */
export function checkDestinationRules(destination: DestinationDescription): void {
  const violation = destinationViolation(destination)
  if (violation !== undefined) throw InvalidArgumentException(violation)
}

function destinationViolation(destination: DestinationDescription): string | undefined {
  const extended = destination.ExtendedS3DestinationDescription
  if (extended !== undefined) {
    const partitioning = extended.DynamicPartitioningConfiguration
    return (
      s3PrefixViolation({
        Prefix: extended.Prefix,
        ErrorOutputPrefix: extended.ErrorOutputPrefix,
        DynamicPartitioningEnabled: partitioning?.Enabled === true,
      }) ??
      processingConfigurationViolation(extended.ProcessingConfiguration, partitioning) ??
      partitionKeySourceViolation(extended) ??
      dataFormatConversionViolation(extended.DataFormatConversionConfiguration) ??
      plainS3PrefixViolation(extended.S3BackupDescription) ??
      bufferingViolation(extended)
    )
  }
  const http = destination.HttpEndpointDestinationDescription
  if (http !== undefined) {
    return (
      processingConfigurationViolation(http.ProcessingConfiguration) ??
      plainS3PrefixViolation(http.S3DestinationDescription)
    )
  }
  return undefined
}

/**
 * AWS's minimums for large objects, in its words: dynamic partitioning needs SizeInMBs >= 64 and
 * IntervalInSeconds >= 60 (no zero buffering), record format conversion SizeInMBs >= 64.
 */
function bufferingViolation(extended: ExtendedS3DestinationDescription): string | undefined {
  const size = extended.BufferingHints?.SizeInMBs ?? DEFAULT_BUFFERING_HINTS.SizeInMBs
  const interval = extended.BufferingHints?.IntervalInSeconds ?? DEFAULT_BUFFERING_HINTS.IntervalInSeconds
  if (extended.DynamicPartitioningConfiguration?.Enabled === true) {
    if (size < 64) return 'BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.'
    if (interval < 60) {
      return 'BufferingHints.IntervalInSeconds must be at least 60 seconds when Dynamic Partitioning is enabled.'
    }
  }
  const conversion = extended.DataFormatConversionConfiguration
  if (conversion !== undefined && conversion.Enabled !== false && size < 64) {
    return 'BufferingHints.SizeInMBs must be at least 64 when data format conversion is enabled.'
  }
  return undefined
}

/** An S3 configuration without dynamic partitioning: an HTTP endpoint's, or an S3 backup's. */
function plainS3PrefixViolation(s3: S3DestinationDescription | undefined): string | undefined {
  if (s3 === undefined) return undefined
  return s3PrefixViolation({ Prefix: s3.Prefix, ErrorOutputPrefix: s3.ErrorOutputPrefix })
}

/**
 * Under dynamic partitioning, the partition keys need an enabled processor that gives them, and the Prefix's
 * keys the processor of their namespace: MetadataExtraction for `partitionKeyFromQuery`, Lambda for
 * `partitionKeyFromLambda` (AWS's wording). Runs after s3PrefixViolation, so the Prefix compiles.
 */
function partitionKeySourceViolation(extended: ExtendedS3DestinationDescription): string | undefined {
  if (extended.DynamicPartitioningConfiguration?.Enabled !== true) return undefined
  const processing = extended.ProcessingConfiguration
  const processors = new Set(
    processing?.Enabled === true ? (processing.Processors ?? []).map((processor) => processor.Type) : [],
  )
  if (!processors.has('MetadataExtraction') && !processors.has('Lambda')) {
    return 'Processing Configuration is not enabled when DataPartitioning is enabled'
  }
  const sources = new Set(
    compilePrefix(extended.Prefix ?? '').parts.flatMap((part) =>
      part.kind === 'partition-key' ? [part.source] : [],
    ),
  )
  if (sources.has('query') && !processors.has('MetadataExtraction')) {
    return 'MetadataExtraction processor should be present when S3 Prefix has partitionKeyFromQuery namespace'
  }
  if (sources.has('lambda') && !processors.has('Lambda')) {
    return 'Lambda should be present when S3 Prefix contains keys from partitionKeyFromLambda namespace'
  }
  return undefined
}
