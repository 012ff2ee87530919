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
