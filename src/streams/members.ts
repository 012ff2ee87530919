import type { MemberConstraints } from '../validation/member-constraints.ts'

// Member constraints shared by many operations, as in the Kinesis service model (2013-12-02).

export const StreamName: MemberConstraints = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '[a-zA-Z0-9_.-]+',
}

export const StreamARN: MemberConstraints = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  pattern: 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
}

export const ShardId: MemberConstraints = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '[a-zA-Z0-9_.-]+',
}

export const HashKey: MemberConstraints = { type: 'string', pattern: '0|([1-9]\\d{0,38})' }

export const SequenceNumber: MemberConstraints = { type: 'string', pattern: '0|([1-9]\\d{0,128})' }

export const PartitionKey: MemberConstraints = { type: 'string', minLength: 1, maxLength: 256 }

export const TagKey: MemberConstraints = { type: 'string', minLength: 1, maxLength: 128 }

export const TagValue: MemberConstraints = { type: 'string', minLength: 0, maxLength: 256 }

export const ResourceARN: MemberConstraints = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  pattern: 'arn:aws.*:kinesis:.*:\\d{12}:.+',
}

export const StreamModeDetails: MemberConstraints = {
  type: 'structure',
  members: { StreamMode: { type: 'string', required: true, enum: ['PROVISIONED', 'ON_DEMAND'] } },
}

export const TagMap: MemberConstraints = {
  type: 'map',
  minLength: 1,
  maxLength: 200,
  keys: TagKey,
  values: TagValue,
}

export const TagKeyList: MemberConstraints = { type: 'list', minLength: 1, maxLength: 50, member: TagKey }

export const RetentionPeriodHours: MemberConstraints = { type: 'integer' }

export const MaxRecordSizeInKiB: MemberConstraints = { type: 'integer', min: 1024, max: 10240 }

export const EncryptionType: MemberConstraints = { type: 'string', enum: ['NONE', 'KMS'] }

export const KeyId: MemberConstraints = { type: 'string', minLength: 1, maxLength: 2048 }

export const MetricsNameList: MemberConstraints = {
  type: 'list',
  minLength: 1,
  maxLength: 7,
  member: {
    type: 'string',
    enum: [
      'IncomingBytes',
      'IncomingRecords',
      'OutgoingBytes',
      'OutgoingRecords',
      'WriteProvisionedThroughputExceeded',
      'ReadProvisionedThroughputExceeded',
      'IteratorAgeMilliseconds',
      'ALL',
    ],
  },
}

export const NextToken: MemberConstraints = { type: 'string', minLength: 1, maxLength: 1048576 }

export const Policy: MemberConstraints = { type: 'string' }

export const Timestamp: MemberConstraints = { type: 'timestamp' }
