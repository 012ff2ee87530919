// Messages AWS returned for these requests, as recorded by kinesalite's test suite (which runs against the
// real service): a JSON document read as AWS JSON against an input description (types first,
// SerializationException), then checked against its constraints (ValidationException). The small shapes below
// exist only for these tests; the operation tables live elsewhere.

import { describe, expect, it } from 'vitest'

import { AwsError, checkConstraints, type Shape, type StructureShape } from '../../aws/index.ts'
import { awsJsonCodec } from './aws-json.ts'

const codec = awsJsonCodec()

function validate(document: unknown, shape: Shape): { type: string; message: string } | undefined {
  try {
    const input = codec.readInput(document, shape as StructureShape)
    const failure = checkConstraints(input, shape as StructureShape)
    return failure === undefined ? undefined : { type: failure.type, message: failure.message }
  } catch (error) {
    if (error instanceof AwsError) return { type: error.type, message: error.message }
    throw error
  }
}

const streamName: Shape = {
  type: 'string',
  required: true,
  pattern: '[a-zA-Z0-9_.-]+',
  minLength: 1,
  maxLength: 128,
}
const sequenceNumber: Shape = { type: 'string', pattern: '0|([1-9]\\d{0,128})' }

const createStream: Shape = {
  type: 'structure',
  members: { ShardCount: { type: 'integer', required: true, min: 1 }, StreamName: streamName },
}

const putRecord: Shape = {
  type: 'structure',
  members: {
    SequenceNumberForOrdering: sequenceNumber,
    PartitionKey: { type: 'string', required: true, minLength: 1, maxLength: 256 },
    ExplicitHashKey: { type: 'string', pattern: '0|([1-9]\\d{0,38})' },
    Data: { type: 'blob', required: true, maxLength: 51200 },
    StreamName: streamName,
  },
}

const getShardIterator: Shape = {
  type: 'structure',
  members: {
    ShardId: { ...streamName },
    ShardIteratorType: {
      type: 'string',
      required: true,
      enum: ['AFTER_SEQUENCE_NUMBER', 'LATEST', 'AT_SEQUENCE_NUMBER', 'TRIM_HORIZON'],
    },
    StartingSequenceNumber: sequenceNumber,
    StreamName: streamName,
  },
}

const removeTags: Shape = {
  type: 'structure',
  members: {
    TagKeys: {
      type: 'list',
      required: true,
      minLength: 1,
      maxLength: 10,
      member: { type: 'string', minLength: 1, maxLength: 128 },
    },
    StreamName: streamName,
  },
}

describe('AWS messages', () => {
  it('CreateStream without members', () => {
    expect(validate({}, createStream)).toEqual({
      type: 'ValidationException',
      message:
        "2 validation errors detected: Value null at 'shardCount' failed to satisfy constraint: Member must not be null; Value null at 'streamName' failed to satisfy constraint: Member must not be null",
    })
  })

  it('CreateStream with a long name and a huge shard count', () => {
    const name = 'a'.repeat(129)
    expect(validate({ StreamName: name, ShardCount: 100000000000 }, createStream)?.message).toBe(
      `1 validation error detected: Value '${name}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128`,
    )
  })

  it('PutRecord without members', () => {
    expect(validate({}, putRecord)?.message).toBe(
      "3 validation errors detected: Value null at 'partitionKey' failed to satisfy constraint: Member must not be null; Value null at 'data' failed to satisfy constraint: Member must not be null; Value null at 'streamName' failed to satisfy constraint: Member must not be null",
    )
  })

  it('PutRecord with empty members', () => {
    const input = {
      StreamName: '',
      PartitionKey: '',
      Data: '',
      ExplicitHashKey: '',
      SequenceNumberForOrdering: '',
    }
    expect(validate(input, putRecord)?.message).toBe(
      "5 validation errors detected: Value '' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    )
  })

  it('PutRecord with long members', () => {
    const name = 'a'.repeat(129)
    const key = 'a'.repeat(257)
    const input = {
      StreamName: name,
      PartitionKey: key,
      Data: Buffer.alloc(51201).toString('base64'),
      ExplicitHashKey: '',
    }
    expect(validate(input, putRecord)?.message).toBe(
      `4 validation errors detected: Value '${key}' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256; Value '' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); Value 'java.nio.HeapByteBuffer[pos=0 lim=51201 cap=51201]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 51200; Value '${name}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128`,
    )
  })

  it('GetShardIterator with empty members', () => {
    const input = { StreamName: '', ShardIteratorType: '', ShardId: '', StartingSequenceNumber: '' }
    expect(validate(input, getShardIterator)?.message).toBe(
      "6 validation errors detected: Value '' at 'shardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'shardId' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]; Value '' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    )
  })

  it('RemoveTagsFromStream with a long tag key', () => {
    const name = 'a'.repeat(129)
    expect(validate({ StreamName: 'orders', TagKeys: ['a', name, 'b'] }, removeTags)?.message).toBe(
      `1 validation error detected: Value '[a, ${name}, b]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]`,
    )
  })

  it('RemoveTagsFromStream with too many keys', () => {
    const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']
    expect(validate({ StreamName: 'orders', TagKeys: keys }, removeTags)?.message).toBe(
      "1 validation error detected: Value '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]' at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 10",
    )
  })
})

describe('validate', () => {
  it('reports a type problem before any constraint', () => {
    expect(validate({ ShardCount: 0, StreamName: 5 }, createStream)).toEqual({
      type: 'SerializationException',
      message:
        'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    })
  })

  it('passes a valid input', () => {
    expect(validate({ StreamName: 'orders', ShardCount: 4 }, createStream)).toBeUndefined()
    expect(validate({ StreamName: 'orders', PartitionKey: 'k', Data: 'aGVsbG8=' }, putRecord)).toBeUndefined()
  })
})
