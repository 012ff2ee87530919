import { decode as decodeReferenceCbor } from 'cbor2'
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../aws/index.ts'
import { awsCborCodec } from './aws-cbor.ts'
import { encodeCbor, encodeCborChunks } from './cbor-writer.ts'
import { list, structure } from '../../../test/support/shapes.ts'

const codec = awsCborCodec()

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex')
}

function ascii(text: string): string {
  return Buffer.from(text).toString('hex')
}

describe('AWS CBOR 1.1 output', () => {
  it('writes byte strings, tag 1 epoch milliseconds and indefinite-length maps', () => {
    const bytes = codec.encode({
      Data: new Uint8Array([1, 2, 3]),
      T: new Date(1700000000123),
      Gone: undefined,
    })
    expect(bytes.toString('hex')).toBe(
      'bf' + '64' + ascii('Data') + '43010203' + '61' + ascii('T') + 'c1' + '1b0000018bcfe5687b' + 'ff',
    )
  })

  it('gives the same bytes in chunks of at most 1 MiB as in one buffer, for a page that needs several', () => {
    const page = {
      Records: Array.from({ length: 30 }, (_, index) => ({
        SequenceNumber: String(index).padStart(56, '1'),
        ApproximateArrivalTimestamp: new Date(1_700_000_000_000 + index),
        Data: Buffer.alloc(150_000 + index, index),
        PartitionKey: `ключ-${String(index)}`,
      })),
      MillisBehindLatest: 0,
    }
    const chunks = encodeCborChunks(page)
    expect(chunks.length).toBeGreaterThan(3)
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(1024 * 1024)
    const joined = Buffer.concat(chunks)
    expect(joined.equals(encodeCbor(page))).toBe(true)
    expect(decodeReferenceCbor(joined)).toMatchObject({ MillisBehindLatest: 0 })
  })

  it('writes integers in their shortest form and other numbers as float64', () => {
    expect(encodeCbor(0).toString('hex')).toBe('00')
    expect(encodeCbor(23).toString('hex')).toBe('17')
    expect(encodeCbor(24).toString('hex')).toBe('1818')
    expect(encodeCbor(1000).toString('hex')).toBe('1903e8')
    expect(encodeCbor(1000000).toString('hex')).toBe('1a000f4240')
    expect(encodeCbor(2 ** 32).toString('hex')).toBe('1b0000000100000000')
    expect(encodeCbor(-1).toString('hex')).toBe('20')
    expect(encodeCbor(-1000).toString('hex')).toBe('3903e7')
    expect(encodeCbor(1.5).toString('hex')).toBe('fb3ff8000000000000')
    expect(encodeCbor(12n).toString('hex')).toBe('0c')
  })

  it('writes strings, arrays, booleans and null', () => {
    expect(encodeCbor('').toString('hex')).toBe('60')
    expect(encodeCbor('é').toString('hex')).toBe('62c3a9')
    expect(encodeCbor('x'.repeat(24)).toString('hex')).toBe('7818' + ascii('x'.repeat(24)))
    expect(encodeCbor([true, false, null, undefined]).toString('hex')).toBe('84f5f4f6f6')
  })

  it('matches the error document AWS sends for an unknown operation', () => {
    // The bytes Kinesis answers (as recorded by kinesalite): {"__type": "UnknownOperationException"}.
    const aws = hex('bf 66' + ascii('__type') + '7819' + ascii('UnknownOperationException') + 'ff')
    expect(codec.encode({ __type: 'UnknownOperationException' })).toEqual(aws)
  })

  it('grows its buffer for large blobs and many items', () => {
    const big = Buffer.alloc(100_000, 7)
    const records = Array.from({ length: 2000 }, (_, i) => ({
      Data: big.subarray(0, i % 50),
      PartitionKey: `pk-${i}`,
    }))
    const decoded = decodeReferenceCbor<{
      Big: Uint8Array
      Records: { Data: Uint8Array; PartitionKey: string }[]
    }>(codec.encode({ Big: big, Records: records }))
    expect(Buffer.compare(decoded.Big, big)).toBe(0)
    expect(decoded.Records).toHaveLength(2000)
    expect(decoded.Records[1999]?.PartitionKey).toBe('pk-1999')
    expect(decoded.Records[1999]?.Data.length).toBe(1999 % 50)
  })
})

describe('AWS CBOR 1.1 input', () => {
  const shape = structure({
    StreamName: 'string',
    ShardIteratorType: 'string',
    Timestamp: 'timestamp',
    Records: list(structure({ Data: 'blob', PartitionKey: 'string' })),
    Limit: 'integer',
  })

  it('reads a request as the Java SDK writes it: tag 1 with 8-byte epoch milliseconds', () => {
    const body = hex(
      'bf' +
        ('6a' + ascii('StreamName') + '64' + ascii('test')) +
        ('71' + ascii('ShardIteratorType') + '6c' + ascii('AT_TIMESTAMP')) +
        ('69' + ascii('Timestamp') + 'c1 1b 0000018bcfe5687b') +
        ('65' + ascii('Limit') + '19 2710') +
        'ff',
    )
    expect(codec.readInput(codec.parse(body), shape)).toEqual({
      StreamName: 'test',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: new Date(1700000000123),
      Limit: 10000,
    })
  })

  it('refuses a float with a fraction (half, single or double precision) for an integer member', () => {
    // 2.5 as a half-precision, single-precision and double-precision float.
    for (const float of ['f9 4100', 'fa 40200000', 'fb 4004000000000000']) {
      const body = hex('bf 65' + ascii('Limit') + float + ' ff')
      expect(() => codec.readInput(codec.parse(body), shape)).toThrow(
        'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Integer',
      )
    }
    // A float holding a whole number is that number.
    expect(
      codec.readInput(codec.parse(hex('bf 65' + ascii('Limit') + 'fb 4000000000000000 ff')), shape),
    ).toEqual({
      Limit: 2,
    })
  })

  it('reads tag 1 with a 4-byte integer, and an untagged number, as milliseconds', () => {
    const tagged = hex('bf 69' + ascii('Timestamp') + 'c1 1a 000f4240 ff')
    expect(codec.readInput(codec.parse(tagged), shape)).toEqual({ Timestamp: new Date(1_000_000) })
    const untagged = hex('bf 69' + ascii('Timestamp') + '1a 000f4240 ff')
    expect(codec.readInput(codec.parse(untagged), shape)).toEqual({ Timestamp: new Date(1_000_000) })
  })

  it('reads blobs as views into the request body, without copying', () => {
    const body = hex(
      'a1 67' +
        ascii('Records') +
        '81 a2' +
        '64' +
        ascii('Data') +
        '43 010203' +
        '6c' +
        ascii('PartitionKey') +
        '61 61',
    )
    const input = codec.readInput(codec.parse(body), shape) as { Records: { Data: Uint8Array }[] }
    const data = input.Records[0]?.Data
    expect(data && Buffer.from(data)).toEqual(Buffer.from([1, 2, 3]))
    expect(data?.buffer).toBe(body.buffer)
  })

  it('round-trips its own encoding', () => {
    const input = {
      StreamName: 's',
      Timestamp: new Date(1700000000999),
      Records: [{ Data: Buffer.from('hi') }],
    }
    expect(codec.readInput(codec.parse(codec.encode(input)), shape)).toEqual(input)
  })

  it('rejects malformed or empty bodies, trailing bytes and wrong member types', () => {
    for (const body of [hex(''), hex('bf'), hex('a1 61'), hex('a0 00')]) {
      expect(() => codec.parse(body)).toThrow(AwsError)
    }
    const wrongType = hex('bf 6a' + ascii('StreamName') + '43 010203 ff')
    expect(() => codec.readInput(codec.parse(wrongType), shape)).toThrow(
      'class java.nio.HeapByteBuffer can not be converted to an String',
    )
    const badDate = hex('bf 69' + ascii('Timestamp') + 'c1 61 78 ff')
    expect(() => codec.readInput(codec.parse(badDate), shape)).toThrow(AwsError)
  })
})
