// Stream and consumer ARNs:
//
//   arn:{partition}:kinesis:{region}:{accountId}:stream/{streamName}
//   arn:{partition}:kinesis:{region}:{accountId}:stream/{streamName}/consumer/{consumerName}:{creationEpochSeconds}

import { isAccountId, isConsumerName, isRegionName, isStreamName } from './identifiers.ts'

export const AWS_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const
export type AwsPartition = (typeof AWS_PARTITIONS)[number]

export interface StreamArnParts {
  readonly partition: AwsPartition
  readonly region: string
  readonly accountId: string
  readonly streamName: string
}

export interface ConsumerArnParts extends StreamArnParts {
  readonly consumerName: string
  readonly consumerCreationEpochSeconds: number
}

export type ParsedKinesisArn =
  ({ readonly kind: 'stream' } & StreamArnParts) | ({ readonly kind: 'consumer' } & ConsumerArnParts)

/** The partition a region belongs to: `cn-*` is aws-cn, `us-gov-*` is aws-us-gov, everything else aws. */
export function partitionOfRegion(region: string): AwsPartition {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

/** The ARN of a stream; the partition follows from the region. Throws RangeError on a malformed part. */
export function streamArn(stream: { region: string; accountId: string; streamName: string }): string {
  if (!isRegionName(stream.region)) throw new RangeError(`not a region name: '${stream.region}'`)
  if (!isAccountId(stream.accountId)) throw new RangeError(`not an account id: '${stream.accountId}'`)
  if (!isStreamName(stream.streamName)) throw new RangeError(`not a stream name: '${stream.streamName}'`)
  const partition = partitionOfRegion(stream.region)
  return `arn:${partition}:kinesis:${stream.region}:${stream.accountId}:stream/${stream.streamName}`
}

/** The ARN of a registered consumer of the stream `streamArnText`. */
export function consumerArn(
  streamArnText: string,
  consumerName: string,
  creationEpochSeconds: number,
): string {
  if (parseKinesisArn(streamArnText)?.kind !== 'stream')
    throw new RangeError(`not a stream ARN: '${streamArnText}'`)
  if (!isConsumerName(consumerName)) throw new RangeError(`not a consumer name: '${consumerName}'`)
  if (!Number.isSafeInteger(creationEpochSeconds) || creationEpochSeconds < 0) {
    throw new RangeError(`not a creation time in epoch seconds: ${creationEpochSeconds}`)
  }
  return `${streamArnText}/consumer/${consumerName}:${creationEpochSeconds}`
}

const ARN =
  /^arn:(aws|aws-cn|aws-us-gov):kinesis:([^:]*):([^:]*):stream\/([^/]*)(?:\/consumer\/([^:/]*):(\d{1,15}))?$/

/** Reads a stream or consumer ARN; undefined when it is neither or a part is malformed. */
export function parseKinesisArn(text: string): ParsedKinesisArn | undefined {
  const match = ARN.exec(text)
  if (match === null) return undefined
  const [, partition, region, accountId, streamName, consumerName, creationSeconds] = match
  if (
    !isPartition(partition) ||
    region === undefined ||
    !isRegionName(region) ||
    accountId === undefined ||
    !isAccountId(accountId) ||
    streamName === undefined ||
    !isStreamName(streamName)
  ) {
    return undefined
  }
  const stream = { partition, region, accountId, streamName }
  if (consumerName === undefined || creationSeconds === undefined) return { kind: 'stream', ...stream }
  if (!isConsumerName(consumerName)) return undefined
  return {
    kind: 'consumer',
    ...stream,
    consumerName,
    consumerCreationEpochSeconds: Number(creationSeconds),
  }
}

/** Reads a stream ARN; undefined for anything else, including consumer ARNs. */
export function parseStreamArn(text: string): StreamArnParts | undefined {
  const parsed = parseKinesisArn(text)
  if (parsed?.kind !== 'stream') return undefined
  const { partition, region, accountId, streamName } = parsed
  return { partition, region, accountId, streamName }
}

/** Reads a consumer ARN; undefined for anything else. */
export function parseConsumerArn(text: string): ConsumerArnParts | undefined {
  const parsed = parseKinesisArn(text)
  if (parsed?.kind !== 'consumer') return undefined
  const { partition, region, accountId, streamName, consumerName, consumerCreationEpochSeconds } = parsed
  return { partition, region, accountId, streamName, consumerName, consumerCreationEpochSeconds }
}

function isPartition(text: string | undefined): text is AwsPartition {
  return (AWS_PARTITIONS as readonly (string | undefined)[]).includes(text)
}
