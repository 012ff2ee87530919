import { describe, expect, it } from 'vitest'

import { MAX_REPORTED_VIOLATIONS, checkConstraints, messageMemberName } from './constraints.ts'
import type { Shape, StructureShape } from './shape.ts'
import { MAX_VALUE_TEXT_LENGTH } from './value-text.ts'

function structure(members: Record<string, Shape>): StructureShape {
  return { type: 'structure', members }
}

function messageOf(input: unknown, shape: StructureShape): string | undefined {
  const failure = checkConstraints(input, shape)
  if (failure !== undefined) expect(failure.type).toBe('ValidationException')
  return failure?.message
}

const streamName: Shape = {
  type: 'string',
  required: true,
  pattern: '[a-zA-Z0-9_.-]+',
  minLength: 1,
  maxLength: 128,
}

describe('single constraints', () => {
  it('required', () => {
    expect(messageOf({}, structure({ StreamName: streamName }))).toBe(
      "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null",
    )
    expect(messageOf({ StreamName: null }, structure({ StreamName: streamName }))).toContain('Value null at')
  })

  it('minimum and maximum string length', () => {
    const shape = structure({ PartitionKey: { type: 'string', minLength: 1, maxLength: 256 } })
    expect(messageOf({ PartitionKey: '' }, shape)).toBe(
      "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
    )
    expect(messageOf({ PartitionKey: 'k'.repeat(257) }, shape)).toBe(
      `1 validation error detected: Value '${'k'.repeat(257)}' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256`,
    )
    expect(messageOf({ PartitionKey: 'k'.repeat(256) }, shape)).toBeUndefined()
  })

  it('counts UTF-16 code units like Java', () => {
    const shape = structure({ PartitionKey: { type: 'string', maxLength: 2 } })
    expect(messageOf({ PartitionKey: '😀' }, shape)).toBeUndefined()
    expect(messageOf({ PartitionKey: '😀a' }, shape)).toContain('less than or equal to 2')
  })

  it('pattern, matched against the whole value', () => {
    const shape = structure({ StreamName: streamName })
    expect(messageOf({ StreamName: 'a b' }, shape)).toBe(
      "1 validation error detected: Value 'a b' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    )
    const hashKey = structure({ ExplicitHashKey: { type: 'string', pattern: '0|([1-9]\\d{0,38})' } })
    expect(messageOf({ ExplicitHashKey: '01' }, hashKey)).toContain('pattern: 0|([1-9]\\d{0,38})')
    expect(messageOf({ ExplicitHashKey: '0' }, hashKey)).toBeUndefined()
    expect(messageOf({ ExplicitHashKey: '1'.repeat(39) }, hashKey)).toBeUndefined()
    expect(messageOf({ ExplicitHashKey: '1'.repeat(40) }, hashKey)).toContain('pattern')
  })

  it('patterns written for Java: anchors, \\p classes and escapes JavaScript forbids in unicode mode', () => {
    const arn = structure({
      ConsumerARN: {
        type: 'string',
        pattern:
          '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+',
      },
    })
    expect(
      messageOf(
        { ConsumerARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1525898737' },
        arn,
      ),
    ).toBeUndefined()
    expect(messageOf({ ConsumerARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s' }, arn)).toContain(
      'pattern',
    )
    const tag = structure({ Key: { type: 'string', pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' } })
    expect(messageOf({ Key: 'ü0 _.' }, tag)).toBeUndefined()
    expect(messageOf({ Key: 'a;b' }, tag)).toContain('pattern')
    const legacy = structure({ Name: { type: 'string', pattern: '[A-Za-z0-9\\_\\-]+' } })
    expect(messageOf({ Name: 'a_b-c' }, legacy)).toBeUndefined()
    expect(messageOf({ Name: 'a.b' }, legacy)).toContain('pattern')
  })

  it('minimum and maximum value', () => {
    const shape = structure({ Limit: { type: 'integer', min: 1, max: 10000 } })
    expect(messageOf({ Limit: 0 }, shape)).toBe(
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    )
    expect(messageOf({ Limit: 100000 }, shape)).toBe(
      "1 validation error detected: Value '100000' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
    )
    expect(messageOf({ Limit: 10000 }, shape)).toBeUndefined()
  })

  it('truncates fractional numbers like AWS', () => {
    const shape = structure({ Limit: { type: 'integer', min: 1 } })
    expect(messageOf({ Limit: 0.9 }, shape)).toContain("Value '0' at 'limit'")
    expect(messageOf({ Limit: 1.9 }, shape)).toBeUndefined()
  })

  it('accepts bigint numbers from CBOR', () => {
    const shape = structure({ Limit: { type: 'long', max: 10 } })
    expect(messageOf({ Limit: 11n }, shape)).toContain("Value '11' at 'limit'")
  })

  it('enum', () => {
    const shape = structure({
      ShardIteratorType: {
        type: 'string',
        required: true,
        enum: ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'],
      },
    })
    expect(messageOf({ ShardIteratorType: 'OLDEST' }, shape)).toBe(
      "1 validation error detected: Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]",
    )
    expect(messageOf({ ShardIteratorType: 'LATEST' }, shape)).toBeUndefined()
  })

  it('list length, showing the list', () => {
    const shape = structure({
      TagKeys: { type: 'list', required: true, minLength: 1, maxLength: 3, member: { type: 'string' } },
    })
    expect(messageOf({ TagKeys: [] }, shape)).toBe(
      "1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1",
    )
    expect(messageOf({ TagKeys: ['1', '2', '3', '4'] }, shape)).toBe(
      "1 validation error detected: Value '[1, 2, 3, 4]' at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 3",
    )
  })

  it('map size, showing the map', () => {
    const shape = structure({
      Tags: { type: 'map', minLength: 1, maxLength: 2, keys: { type: 'string' }, values: { type: 'string' } },
    })
    expect(messageOf({ Tags: {} }, shape)).toBe(
      "1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1",
    )
    expect(messageOf({ Tags: { a: 'b', c: 'd', e: 'f' } }, shape)).toBe(
      "1 validation error detected: Value '{a=b, c=d, e=f}' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2",
    )
  })

  it('blob length, showing the ByteBuffer AWS deserialized', () => {
    const shape = structure({ Data: { type: 'blob', required: true, maxLength: 1048576 } })
    const base64 = Buffer.alloc(1048577).toString('base64')
    const expected =
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576"
    expect(messageOf({ Data: base64 }, shape)).toBe(expected)
    expect(messageOf({ Data: new Uint8Array(1048577) }, shape)).toBe(expected)
    expect(messageOf({ Data: Buffer.alloc(1048576).toString('base64') }, shape)).toBeUndefined()
    expect(messageOf({ Data: '' }, shape)).toBeUndefined()
  })
})

describe('nesting', () => {
  const records: Shape = {
    type: 'list',
    required: true,
    minLength: 1,
    maxLength: 500,
    member: {
      type: 'structure',
      display: 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2',
      members: {
        Data: { type: 'blob', required: true, maxLength: 1048576 },
        ExplicitHashKey: { type: 'string', pattern: '0|([1-9]\\d{0,38})' },
        PartitionKey: { type: 'string', required: true, minLength: 1, maxLength: 256 },
      },
    },
  }
  const shape = structure({ Records: records })

  it('names members of list items by 1-based position', () => {
    expect(messageOf({ Records: [{ Data: '', PartitionKey: 'a' }, { Data: '' }] }, shape)).toBe(
      "1 validation error detected: Value null at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null",
    )
    expect(
      messageOf({ Records: [{ Data: Buffer.alloc(1048577).toString('base64'), PartitionKey: 'a' }] }, shape),
    ).toBe(
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    )
  })

  it('reports a null item of a list of structures', () => {
    expect(messageOf({ Records: [null] }, shape)).toBe(
      "1 validation error detected: Value null at 'records.1.member' failed to satisfy constraint: Member must not be null",
    )
  })

  it('shows structures inside a list value as AWS prints them', () => {
    const entry = { Data: '', PartitionKey: 'a' }
    expect(messageOf({ Records: Array.from({ length: 501 }, () => entry) }, shape)).toBe(
      `1 validation error detected: Value '[${Array.from({ length: 501 }, () => 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2').join(', ')}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500`,
    )
  })

  it('names members of nested structures with dots', () => {
    const modeShape = structure({
      StreamModeDetails: {
        type: 'structure',
        members: { StreamMode: { type: 'string', required: true, enum: ['PROVISIONED', 'ON_DEMAND'] } },
      },
    })
    expect(messageOf({ StreamModeDetails: {} }, modeShape)).toBe(
      "1 validation error detected: Value null at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must not be null",
    )
    expect(messageOf({}, modeShape)).toBeUndefined()
  })

  it('summarizes the constraints of plain list items at the list', () => {
    const tagKeys = structure({
      TagKeys: { type: 'list', member: { type: 'string', minLength: 1, maxLength: 128 } },
    })
    const long = 'a'.repeat(129)
    expect(messageOf({ TagKeys: ['a', long, 'b'] }, tagKeys)).toBe(
      `1 validation error detected: Value '[a, ${long}, b]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]`,
    )
    expect(messageOf({ TagKeys: ['a', 'b'] }, tagKeys)).toBeUndefined()
  })

  it('summarizes enum items', () => {
    const metrics = structure({
      ShardLevelMetrics: { type: 'list', member: { type: 'string', enum: ['IncomingBytes', 'ALL'] } },
    })
    expect(messageOf({ ShardLevelMetrics: ['ALL', 'Bogus'] }, metrics)).toBe(
      "1 validation error detected: Value '[ALL, Bogus]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, ALL]]",
    )
  })

  it('summarizes map keys and values at the map', () => {
    const tags = structure({
      Tags: {
        type: 'map',
        keys: { type: 'string', minLength: 1, maxLength: 3, pattern: '[a-z]*' },
        values: { type: 'string', maxLength: 2 },
      },
    })
    expect(messageOf({ Tags: { abcd: 'x', ok: 'xyz' } }, tags)).toBe(
      "2 validation errors detected: Value '{abcd=x, ok=xyz}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 3, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [a-z]*]; Value '{abcd=x, ok=xyz}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 2]",
    )
  })

  it('names members of structures inside maps by key', () => {
    const shape2 = structure({
      Things: {
        type: 'map',
        keys: { type: 'string' },
        values: { type: 'structure', members: { Name: { type: 'string', required: true } } },
      },
    })
    expect(messageOf({ Things: { first: {} } }, shape2)).toBe(
      "1 validation error detected: Value null at 'things.first.member.name' failed to satisfy constraint: Member must not be null",
    )
  })
})

describe('several violations', () => {
  it('lists them in declaration order with the plural heading', () => {
    const shape = structure({
      ShardCount: { type: 'integer', required: true, min: 1 },
      StreamName: streamName,
    })
    expect(messageOf({ StreamName: '', ShardCount: 0 }, shape)).toBe(
      "3 validation errors detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    )
  })

  it('follows the declaration, not the document', () => {
    const shape = structure({ B: { type: 'string', required: true }, A: { type: 'string', required: true } })
    expect(messageOf({}, shape)).toBe(
      "2 validation errors detected: Value null at 'b' failed to satisfy constraint: Member must not be null; Value null at 'a' failed to satisfy constraint: Member must not be null",
    )
  })

  it(`stops at ${MAX_REPORTED_VIOLATIONS}`, () => {
    const members = Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [
        `Member${index}`,
        { type: 'string', required: true } as const,
      ]),
    )
    const message = messageOf({}, structure(members)) ?? ''
    expect(message.startsWith('10 validation errors detected: ')).toBe(true)
    expect(message.match(/Value null/g)).toHaveLength(10)
    expect(message).toContain("'member9'")
    expect(message).not.toContain("'member10'")
  })

  it('ignores members that are not declared and passes a valid input', () => {
    const shape = structure({ StreamName: streamName })
    expect(checkConstraints({ StreamName: 'orders', Unknown: 5 }, shape)).toBeUndefined()
  })

  it('treats a missing or non-object input as an empty structure', () => {
    const shape = structure({ StreamName: streamName })
    expect(messageOf(undefined, shape)).toContain("Value null at 'streamName'")
    expect(messageOf(null, shape)).toContain("Value null at 'streamName'")
  })
})

describe('messageMemberName', () => {
  it('lowercases only the first letter', () => {
    expect(messageMemberName('StreamName')).toBe('streamName')
    expect(messageMemberName('ExclusiveStartShardId')).toBe('exclusiveStartShardId')
    expect(messageMemberName('StreamARN')).toBe('streamARN')
    expect(messageMemberName('')).toBe('')
  })
})

describe('quoted values', () => {
  const iterator = structure({
    ShardIterator: { type: 'string', required: true, minLength: 1, maxLength: 512 },
  })

  it('quotes a value up to the bound whole', () => {
    const value = 'a'.repeat(MAX_VALUE_TEXT_LENGTH)
    expect(messageOf({ ShardIterator: value }, iterator)).toBe(
      `1 validation error detected: Value '${value}' at 'shardIterator' failed to satisfy constraint: Member must have length less than or equal to 512`,
    )
  })

  it('cuts a longer value and says how long it was', () => {
    const value = 'a'.repeat(1_000_000)
    const message = messageOf({ ShardIterator: value }, iterator)
    expect(message).toBe(
      `1 validation error detected: Value '${'a'.repeat(MAX_VALUE_TEXT_LENGTH)}... (1000000 characters)' at 'shardIterator' failed to satisfy constraint: Member must have length less than or equal to 512`,
    )
  })

  it('never splits a surrogate pair', () => {
    const value = `${'a'.repeat(MAX_VALUE_TEXT_LENGTH - 1)}\u{1F600}${'b'.repeat(10)}`
    expect(messageOf({ ShardIterator: value }, iterator)).toContain(
      `Value '${'a'.repeat(MAX_VALUE_TEXT_LENGTH - 1)}... (${String(value.length)} characters)'`,
    )
  })
})
