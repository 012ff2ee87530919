import type { Shape } from '../aws/index.ts'

// Member constraints shared by many operations, as in the Kinesis service model (2013-12-02).

export const StreamName: Shape = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '[a-zA-Z0-9_.-]+',
}

export const StreamARN: Shape = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  pattern: 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
}

/** Optional on most operations in the current model; checked for form, otherwise unused. */
export const StreamId: Shape = {
  type: 'string',
  minLength: 1,
  maxLength: 24,
  pattern: '[a-z0-9]{20}-[a-z0-9]{3}',
}

export const ShardId: Shape = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '[a-zA-Z0-9_.-]+',
}

export const HashKey: Shape = { type: 'string', pattern: '0|([1-9]\\d{0,38})' }

export const SequenceNumber: Shape = { type: 'string', pattern: '0|([1-9]\\d{0,128})' }

export const PartitionKey: Shape = { type: 'string', minLength: 1, maxLength: 256 }

export const TagKey: Shape = { type: 'string', minLength: 1, maxLength: 128 }

export const TagValue: Shape = { type: 'string', minLength: 0, maxLength: 256 }

export const ResourceARN: Shape = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  pattern: 'arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+',
}

export const StreamModeDetails: Shape = {
  type: 'structure',
  members: { StreamMode: { type: 'string', required: true, enum: ['PROVISIONED', 'ON_DEMAND'] } },
}

export const TagMap: Shape = {
  type: 'map',
  minLength: 1,
  maxLength: 200,
  keys: TagKey,
  values: TagValue,
}

export const TagKeyList: Shape = { type: 'list', minLength: 1, maxLength: 50, member: TagKey }

export const RetentionPeriodHours: Shape = { type: 'integer' }

export const MaxRecordSizeInKiB: Shape = { type: 'integer', min: 1024, max: 10240 }

export const EncryptionType: Shape = { type: 'string', enum: ['NONE', 'KMS'] }

export const KeyId: Shape = { type: 'string', minLength: 1, maxLength: 2048 }

export const NextToken: Shape = { type: 'string', minLength: 1, maxLength: 1048576 }

export const Policy: Shape = { type: 'string' }

export const Timestamp: Shape = { type: 'timestamp' }
