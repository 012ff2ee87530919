import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { ENCRYPTION_HEADER } from '../../mapping/record-envelope.ts'
import type { StoredRecord } from '../../ports/record-log.ts'
import { deliveryRecords, type SourceReading } from './source-records.ts'

const KEY = createSecretKey(randomBytes(32))

/** A record sealed as Kinesis Data Streams seals it: version 1, IV, AES-256-GCM ciphertext, tag. */
function sealed(data: string): Buffer {
  const iv = randomBytes(12)
  const header = Buffer.of(1)
  const cipher = createCipheriv('aes-256-gcm', KEY, iv)
  cipher.setAAD(header)
  return Buffer.concat([header, iv, cipher.update(data), cipher.final(), cipher.getAuthTag()])
}

function stored(
  offset: number,
  value: Buffer,
  key: string | null,
  headers: Record<string, Buffer> = {},
): StoredRecord {
  return { offset, timestamp: 1_000 + offset, key: key === null ? null : Buffer.from(key), value, headers }
}

const kinesis: SourceReading = {
  source: {
    type: 'KinesisStreamAsSource',
    streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
    startTimestampMs: 0,
  },
  keyRing: { dataKey: (keyId) => (keyId === 'alias/aws/kinesis' ? KEY : undefined) },
  sourceStreamCreatedAtMs: Date.UTC(2026, 0, 1),
}

describe('deliveryRecords', () => {
  it('hands DirectPut values over as put, arrival = the Kafka timestamp', () => {
    const read = deliveryRecords(
      { source: { type: 'DirectPut' }, keyRing: undefined, sourceStreamCreatedAtMs: 0 },
      2,
      [stored(7, Buffer.from('abc'), null)],
      5_000,
    )
    expect(read.failed).toEqual([])
    expect(read.records).toEqual([
      { recordId: '2.7', data: Buffer.from('abc'), approximateArrivalTimestamp: 1_007 },
    ])
  })

  it('reads a Kinesis source stream: partition keys, sequence numbers, encrypted records opened', () => {
    const read = deliveryRecords(
      kinesis,
      3,
      [
        stored(0, Buffer.from('plain'), 'pk'),
        stored(1, sealed('secret'), 'pk2', { [ENCRYPTION_HEADER]: Buffer.from('kms:alias/aws/kinesis') }),
        stored(2, Buffer.from('native'), null),
      ],
      5_000,
    )
    expect(read.failed).toEqual([])
    expect(read.records.map((record) => record.data.toString())).toEqual(['plain', 'secret', 'native'])
    expect(read.records.map((record) => record.kinesisRecordMetadata?.partitionKey)).toEqual([
      'pk',
      'pk2',
      '-',
    ])
    const sequenceNumbers = read.records.map((record) => record.kinesisRecordMetadata?.sequenceNumber ?? '')
    expect(sequenceNumbers.every((number) => /^\d{56}$/.test(number))).toBe(true)
    expect([...sequenceNumbers].sort()).toEqual(sequenceNumbers)
    expect(read.records[0]?.kinesisRecordMetadata?.shardId).toBe('shardId-000000000003')
  })

  it('sends a record whose key the ring lacks to the error output', () => {
    const read = deliveryRecords(
      kinesis,
      0,
      [stored(4, sealed('x'), 'pk', { [ENCRYPTION_HEADER]: Buffer.from('kms:alias/other') })],
      5_000,
    )
    expect(read.records).toEqual([])
    expect(read.failed).toEqual([
      expect.objectContaining({ errorOutputType: 'processing-failed', errorCode: 'KMS.NotFoundException' }),
    ])
  })
})
