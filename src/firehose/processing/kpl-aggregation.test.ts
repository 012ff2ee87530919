import { createHash } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { KPL_MAGIC as TEST_MAGIC, kplAggregate } from '../../../test/support/firehose/kpl-aggregate.ts'
import { deaggregateKpl, KPL_MAGIC } from './kpl-aggregation.ts'

describe('KPL de-aggregation', () => {
  it('reads the user records of an aggregated record, with their partition and explicit hash keys', () => {
    const aggregate = kplAggregate([
      { partitionKey: 'pk-a', data: 'first' },
      { partitionKey: 'pk-b', explicitHashKey: '1234', data: 'second' },
      { partitionKey: 'pk-a', data: Buffer.from([0, 1, 2, 255]) },
    ])
    expect(aggregate.subarray(0, 4)).toEqual(KPL_MAGIC)
    expect(TEST_MAGIC).toEqual(Buffer.from('f3899ac2', 'hex'))

    const records = deaggregateKpl(aggregate)

    expect(records).toEqual([
      { partitionKey: 'pk-a', data: Buffer.from('first') },
      { partitionKey: 'pk-b', explicitHashKey: '1234', data: Buffer.from('second') },
      { partitionKey: 'pk-a', data: Buffer.from([0, 1, 2, 255]) },
    ])
  })

  it('reads user records larger than 127 bytes (multi-byte lengths)', () => {
    const data = Buffer.alloc(70_000, 7)
    expect(deaggregateKpl(kplAggregate([{ partitionKey: 'k', data }]))).toEqual([{ partitionKey: 'k', data }])
  })

  it('leaves a record without the magic bytes alone', () => {
    expect(deaggregateKpl(Buffer.from('{"plain":"json record with enough bytes"}'))).toBeUndefined()
    expect(deaggregateKpl(Buffer.alloc(0))).toBeUndefined()
  })

  it('leaves a record whose MD5 does not match alone', () => {
    const aggregate = kplAggregate([{ partitionKey: 'k', data: 'x' }])
    aggregate.writeUInt8(aggregate.readUInt8(aggregate.length - 1) ^ 0xff, aggregate.length - 1)
    expect(deaggregateKpl(aggregate)).toBeUndefined()
  })

  it('leaves a record whose protobuf is broken alone, even with a matching digest', () => {
    const message = Buffer.from([0x1a, 0x05, 0x08]) // records field claiming 5 bytes, 1 present
    const record = Buffer.concat([KPL_MAGIC, message, createHash('md5').update(message).digest()])
    expect(deaggregateKpl(record)).toBeUndefined()
  })

  it('refuses a user record whose partition key index is out of the table', () => {
    const inner = Buffer.from([0x08, 0x05, 0x1a, 0x01, 0x41]) // partition_key_index 5, data "A"
    const message = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b]), Buffer.from([0x1a, inner.length]), inner])
    const record = Buffer.concat([KPL_MAGIC, message, createHash('md5').update(message).digest()])
    expect(deaggregateKpl(record)).toBeUndefined()
  })

  it('reads aggregated records produced by other KPL-format implementations', () => {
    // Published test vectors of KPL aggregation libraries (not built by this project's encoder).
    const threeRecords =
      '84mawgoCcDEaGAgAGhQwMTIzNDU2Nzg5MDEyMzQ1NjdfQRoYCAAaFDAxMjM0NTY3ODkwMTIzNDU2N19CGhgIABoUMDEyMzQ1Njc4OTAxMjM0NTY3X0NHjL02iyRk3D+kO2UC2X6u'
    expect(
      deaggregateKpl(Buffer.from(threeRecords, 'base64'))?.map((record) => [
        record.partitionKey,
        record.data.toString(),
      ]),
    ).toEqual([
      ['p1', '012345678901234567_A'],
      ['p1', '012345678901234567_B'],
      ['p1', '012345678901234567_C'],
    ])
    const withHashKeys =
      '84mawgokODE2MjJiMGUtNWFlOC00YjUzLWE1ODUtYzZjYjc3ODBlNjgwCiQyNWQ0YzNjMS0zMWZlLTQyNGYtOTFmMy04MTI0MWRjYzY1OTASCXVuZGVmaW5lZBoRCAAQABoLeyJhIjoiQUJDIn0aEQgBEAAaC3siYiI6IkRFRiJ9jU+TcO1bDHHEgOGh8mJlCw=='
    expect(deaggregateKpl(Buffer.from(withHashKeys, 'base64'))).toEqual([
      {
        partitionKey: '81622b0e-5ae8-4b53-a585-c6cb7780e680',
        explicitHashKey: 'undefined',
        data: Buffer.from('{"a":"ABC"}'),
      },
      {
        partitionKey: '25d4c3c1-31fe-424f-91f3-81241dcc6590',
        explicitHashKey: 'undefined',
        data: Buffer.from('{"b":"DEF"}'),
      },
    ])
  })
})
