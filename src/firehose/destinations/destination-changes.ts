// The destination CreateDeliveryStream configures and UpdateDestination changes. A delivery stream has
// exactly one; the gateway serves S3 (S3 and ExtendedS3 configurations) and HTTP endpoint destinations. An
// update of the same type merges into the destination (members not given keep their values); an update of
// another type replaces it, and must then carry what a configuration of that type requires.

import type {
  CreateDeliveryStreamInput,
  DestinationDescription,
  S3DestinationConfiguration,
  S3DestinationUpdate,
  UpdateDestinationInput,
} from '@aws-sdk/client-firehose'

import { InvalidArgumentException } from '../errors.ts'
import {
  DESTINATION_ID,
  extendedS3Description,
  httpEndpointDescription,
  httpEndpointDestination,
  s3Description,
  s3Destination,
  s3PartOf,
} from './descriptions.ts'

const CONFIGURATIONS = {
  ExtendedS3DestinationConfiguration: 'ExtendedS3',
  S3DestinationConfiguration: 'S3',
  HttpEndpointDestinationConfiguration: 'HttpEndpoint',
  RedshiftDestinationConfiguration: 'Redshift',
  ElasticsearchDestinationConfiguration: 'Elasticsearch',
  AmazonopensearchserviceDestinationConfiguration: 'AmazonOpenSearchService',
  AmazonOpenSearchServerlessDestinationConfiguration: 'AmazonOpenSearchServerless',
  SplunkDestinationConfiguration: 'Splunk',
  SnowflakeDestinationConfiguration: 'Snowflake',
  IcebergDestinationConfiguration: 'Iceberg',
} as const

const UPDATES = {
  ExtendedS3DestinationUpdate: 'ExtendedS3',
  S3DestinationUpdate: 'S3',
  HttpEndpointDestinationUpdate: 'HttpEndpoint',
  RedshiftDestinationUpdate: 'Redshift',
  ElasticsearchDestinationUpdate: 'Elasticsearch',
  AmazonopensearchserviceDestinationUpdate: 'AmazonOpenSearchService',
  AmazonOpenSearchServerlessDestinationUpdate: 'AmazonOpenSearchServerless',
  SplunkDestinationUpdate: 'Splunk',
  SnowflakeDestinationUpdate: 'Snowflake',
  IcebergDestinationUpdate: 'Iceberg',
} as const

const SERVED = new Set(['ExtendedS3', 'S3', 'HttpEndpoint'])

/**
 * The S3 configuration and update of the model, which the SDK types mark deprecated (ExtendedS3 supersedes
 * them) and AWS still serves.
 */
interface LegacyS3Members {
  S3DestinationConfiguration?: S3DestinationConfiguration | undefined
  S3DestinationUpdate?: S3DestinationUpdate | undefined
}

export interface ConfiguredDestination {
  destination: DestinationDescription
  /** The HTTP endpoint's access key, which descriptions never show. */
  httpEndpointAccessKey?: string
}

/** The one destination of a CreateDeliveryStream request; InvalidArgumentException unless exactly one, served. */
export function destinationOfCreate(input: CreateDeliveryStreamInput): ConfiguredDestination {
  const given = presentMembers(input, CONFIGURATIONS)
  const [member] = given
  if (given.length !== 1 || member === undefined) throw exactlyOneDestination()
  refuseUnserved(CONFIGURATIONS[member])
  if (input.HttpEndpointDestinationConfiguration !== undefined) {
    const config = input.HttpEndpointDestinationConfiguration
    return withAccessKey(httpEndpointDestination(config), config.EndpointConfiguration?.AccessKey)
  }
  const s3 = input.ExtendedS3DestinationConfiguration ?? (input as LegacyS3Members).S3DestinationConfiguration
  return { destination: s3Destination(s3 ?? {}) }
}

/**
 * The destination after an UpdateDestination request, or undefined when the request names none (nothing
 * changes). Same type merges, another type replaces.
 */
export function destinationAfterUpdate(
  current: DestinationDescription,
  currentAccessKey: string | undefined,
  input: UpdateDestinationInput,
): ConfiguredDestination | undefined {
  const given = presentMembers(input, UPDATES)
  const [member] = given
  if (given.length > 1) throw exactlyOneDestination()
  if (member === undefined) return undefined
  refuseUnserved(UPDATES[member])

  const extended = current.ExtendedS3DestinationDescription
  const http = current.HttpEndpointDestinationDescription
  const legacyUpdate = (input as LegacyS3Members).S3DestinationUpdate
  if (input.ExtendedS3DestinationUpdate !== undefined || legacyUpdate !== undefined) {
    const update = input.ExtendedS3DestinationUpdate ?? legacyUpdate ?? {}
    if (extended === undefined) requireMembers(update, ['RoleARN', 'BucketARN'], UPDATES[member])
    if (
      extended?.S3BackupMode === 'Enabled' &&
      input.ExtendedS3DestinationUpdate?.S3BackupMode === 'Disabled'
    ) {
      throw InvalidArgumentException('Disabling S3 backup is not allowed once it has been enabled.')
    }
    const partitioning = input.ExtendedS3DestinationUpdate?.DynamicPartitioningConfiguration
    if (partitioning !== undefined && !sameJson(partitioning, extended?.DynamicPartitioningConfiguration)) {
      throw InvalidArgumentException(
        'DynamicPartitioningConfiguration can only be set when the delivery stream is created.',
      )
    }
    const backupUpdate = input.ExtendedS3DestinationUpdate?.S3BackupUpdate
    const merged = extendedS3Description(update, extended)
    const next =
      backupUpdate === undefined
        ? merged
        : { ...merged, S3BackupDescription: s3Description(backupUpdate, extended?.S3BackupDescription) }
    return {
      destination: {
        DestinationId: DESTINATION_ID,
        S3DestinationDescription: s3PartOf(next),
        ExtendedS3DestinationDescription: next,
      },
    }
  }
  const update = input.HttpEndpointDestinationUpdate ?? {}
  if (http === undefined) {
    requireMembers(update, ['EndpointConfiguration', 'S3Update'], 'HttpEndpoint')
    requireMembers(update.S3Update ?? {}, ['RoleARN', 'BucketARN'], 'HttpEndpoint')
  }
  const next = httpEndpointDescription({ ...update, S3Configuration: update.S3Update }, http)
  const accessKey =
    update.EndpointConfiguration === undefined ? currentAccessKey : update.EndpointConfiguration.AccessKey
  return withAccessKey({ DestinationId: DESTINATION_ID, HttpEndpointDestinationDescription: next }, accessKey)
}

function exactlyOneDestination(): Error {
  return InvalidArgumentException('Exactly one destination configuration is supported for a Firehose')
}

function refuseUnserved(type: string): void {
  if (SERVED.has(type)) return
  throw InvalidArgumentException(
    `Destination type ${type} is not supported here; the supported destinations are ExtendedS3, S3 and HttpEndpoint.`,
  )
}

/** Changing to another destination type needs what a configuration of that type requires. */
function requireMembers(update: object, members: readonly string[], type: string): void {
  const missing = members.filter((member) => !(member in update))
  if (missing.length === 0) return
  throw InvalidArgumentException(
    `Changing the destination to ${type} requires ${missing.join(' and ')} in the update.`,
  )
}

function presentMembers<Member extends string>(
  input: object,
  members: Readonly<Record<Member, string>>,
): Member[] {
  return (Object.keys(members) as Member[]).filter(
    (member) => (input as Record<string, unknown>)[member] !== undefined,
  )
}

function withAccessKey(
  destination: DestinationDescription,
  accessKey: string | undefined,
): ConfiguredDestination {
  return accessKey === undefined ? { destination } : { destination, httpEndpointAccessKey: accessKey }
}

/** Equal as JSON with members in any order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member !== null && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  )
}
