import type {
  DiscoverInputSchemaRequest,
  DiscoverInputSchemaResponse,
  InputStartingPosition,
} from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, type Operation } from '../../aws/index.ts'
import { parseStreamArn } from '../../mapping/arns.ts'
import { ObjectNotFoundError } from '../../ports/object-store.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { guarded, InvalidArgumentException, UnableToDetectSchemaException } from '../errors.ts'
import { discoverSchema } from '../input/schema-discovery.ts'
import {
  InputProcessingConfiguration,
  InputStartingPositionConfiguration,
  ResourceARN,
  RoleARN,
} from '../members.ts'

/** How many records discovery samples. */
export const SAMPLE_SIZE = 100

/** How long a NOW sample waits for records to arrive on each shard. */
const NOW_WAIT_MS = 1_000

/** Records written while the stream was encrypted carry this header; discovery cannot open them and skips them. */
const ENCRYPTION_HEADER = 'kinesis-encryption'

/**
 * DiscoverInputSchema: samples a Kinesis stream's records (or the lines of an S3 object) and infers a schema.
 * InputProcessingConfiguration is accepted but not applied (no Lambda is invoked): ProcessedInputRecords are
 * the raw records. Firehose delivery streams cannot be sampled.
 */
export function discoverInputSchema(
  deps: AnalyticsDeps,
): Operation<DiscoverInputSchemaRequest, DiscoverInputSchemaResponse> {
  return defineOperation({
    name: 'DiscoverInputSchema',
    input: {
      ResourceARN,
      RoleARN,
      InputStartingPositionConfiguration,
      S3Configuration: {
        type: 'structure',
        members: {
          RoleARN: { ...RoleARN, required: true },
          BucketARN: { ...ResourceARN, required: true },
          FileKey: { type: 'string', required: true, minLength: 1, maxLength: 1024 },
        },
      },
      InputProcessingConfiguration,
    },
    handle: (input) =>
      guarded(async () => {
        let records: string[]
        if (input.S3Configuration !== undefined) {
          if (input.ResourceARN !== undefined) {
            throw InvalidArgumentException(
              'Give either ResourceARN and RoleARN, or S3Configuration, not both.',
            )
          }
          records = await objectLines(
            deps,
            input.S3Configuration.BucketARN ?? '',
            input.S3Configuration.FileKey ?? '',
          )
        } else {
          if (input.ResourceARN === undefined || input.RoleARN === undefined) {
            throw InvalidArgumentException(
              'ResourceARN and RoleARN are required when S3Configuration is not given.',
            )
          }
          const position = input.InputStartingPositionConfiguration?.InputStartingPosition
          records = await streamSample(deps, input.ResourceARN, position)
        }
        const discovery = discoverSchema(records)
        if ('problem' in discovery) {
          throw UnableToDetectSchemaException(discovery.problem, {
            RawInputRecords: records,
            ProcessedInputRecords: records,
          })
        }
        return {
          InputSchema: discovery.schema,
          ParsedInputRecords: discovery.parsed,
          ProcessedInputRecords: records,
          RawInputRecords: records,
        }
      }),
  })
}

/** The stream's records from where the position says, oldest first, at most SAMPLE_SIZE. */
async function streamSample(
  deps: AnalyticsDeps,
  arn: string,
  position: InputStartingPosition | undefined,
): Promise<string[]> {
  const parts = parseStreamArn(arn)
  if (parts === undefined) {
    throw InvalidArgumentException(
      arn.startsWith('arn:aws:firehose:')
        ? 'Schema discovery from a Firehose delivery stream is not supported; sample its source or an S3 object.'
        : `${arn} is not a Kinesis stream ARN.`,
    )
  }
  const stream = await deps.streams.get({
    accountId: parts.accountId,
    region: parts.region,
    streamName: parts.streamName,
  })
  if (stream === undefined || stream.status === 'DELETING') {
    throw InvalidArgumentException(`Stream ${parts.streamName} under account ${parts.accountId} not found.`)
  }
  const decoder = new TextDecoder()
  // Shards are read together, so that a NOW sample waits once, not once per shard.
  const perShard = await Promise.all(
    stream.shards.map(async (shard) => {
      const range = await deps.recordLog.offsetRange(stream.topic, shard.index)
      const from =
        position === 'TRIM_HORIZON'
          ? range.earliest
          : position === 'NOW'
            ? range.latest
            : Math.max(range.earliest, range.latest - SAMPLE_SIZE)
      const result = await deps.recordLog.read(stream.topic, shard.index, from, {
        maxRecords: SAMPLE_SIZE,
        maxBytes: 1024 * 1024,
        maxWaitMs: position === 'NOW' ? NOW_WAIT_MS : 0,
      })
      return result.records
        .filter((record) => record.headers[ENCRYPTION_HEADER] === undefined && record.value !== null)
        .map((record) => ({ timestamp: record.timestamp, text: decoder.decode(record.value ?? undefined) }))
    }),
  )
  const sampled = perShard.flat()
  sampled.sort((a, b) => a.timestamp - b.timestamp)
  const chosen = position === 'TRIM_HORIZON' ? sampled.slice(0, SAMPLE_SIZE) : sampled.slice(-SAMPLE_SIZE)
  return chosen.map((record) => record.text)
}

/** The non-empty lines of an S3 object (`arn:aws:s3:::bucket`), at most SAMPLE_SIZE. */
async function objectLines(deps: AnalyticsDeps, bucketArn: string, fileKey: string): Promise<string[]> {
  const bucket = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(bucketArn)?.[1]
  if (bucket === undefined) throw InvalidArgumentException(`${bucketArn} is not an S3 bucket ARN.`)
  let body: Buffer
  try {
    body = await deps.objects.get(bucket, fileKey)
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw InvalidArgumentException(`Object ${fileKey} is not found in bucket ${bucket}.`)
    }
    throw error
  }
  return body
    .toString('utf8')
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .slice(0, SAMPLE_SIZE)
}
