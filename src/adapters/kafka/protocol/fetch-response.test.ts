import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { decodeFetchResponse, type FetchedMessage } from './fetch-response.ts'
import { encodeProduceRequest, type ProduceMessage } from './produce-request.ts'

const require = createRequire(import.meta.url)

/** kafkajs's own Fetch v11 decoder, the model. */
const kafkajsFetchV11 = require('kafkajs/src/protocol/requests/fetch/v11/response') as {
  decode(raw: Buffer): Promise<{
    responses: {
      partitions: {
        highWatermark: string
        messages: {
          offset: string
          timestamp: string
          key: Buffer | null
          value: Buffer | null
          headers: Record<string, Buffer | null | (Buffer | null)[]>
        }[]
      }[]
    }[]
  }>
}

const ATTRIBUTES_AT = 21
const TRANSACTIONAL = 0x10
const CONTROL = 0x20
const LOG_APPEND_TIME = 0x08
const GZIP = 0x01

interface BatchOptions {
  baseOffset: number
  attributes?: number
  producerId?: bigint
  now?: number
}

/** A record batch as a broker stores it, written by the produce encoder and given a base offset. */
function batch(messages: readonly ProduceMessage[], options: BatchOptions): Buffer {
  const request = encodeProduceRequest(
    {
      acks: -1,
      timeout: 0,
      producerId: options.producerId ?? -1n,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages }] }],
    },
    options.now ?? 1_750_000_000_000,
  )
  const bytes = Buffer.from(request.subarray(2 + 2 + 4 + 4 + 2 + 1 + 4 + 4 + 4))
  bytes.writeBigInt64BE(BigInt(options.baseOffset), 0)
  bytes.writeInt16BE(options.attributes ?? 0, ATTRIBUTES_AT)
  return bytes
}

/** The records section of a batch compressed as a producer with gzip writes it. */
function gzipped(plain: Buffer): Buffer {
  const header = plain.subarray(0, 61)
  const compressed = gzipSync(plain.subarray(61))
  const bytes = Buffer.concat([header, compressed])
  bytes.writeInt32BE(bytes.length - 12, 8)
  bytes.writeInt16BE(GZIP, ATTRIBUTES_AT)
  return bytes
}

function fetchResponse(
  records: Buffer,
  partition: { highWatermark?: number; logStartOffset?: number; aborted?: [bigint, number][] } = {},
): Buffer {
  const head = Buffer.alloc(4 + 2 + 4 + 4 + 2 + 5 + 4 + 4 + 2 + 8 + 8 + 8 + 4)
  let at = 0
  at = head.writeInt32BE(0, at)
  at = head.writeInt16BE(0, at)
  at = head.writeInt32BE(0, at)
  at = head.writeInt32BE(1, at)
  at = head.writeInt16BE(5, at)
  at += head.write('topic', at)
  at = head.writeInt32BE(1, at)
  at = head.writeInt32BE(3, at)
  at = head.writeInt16BE(0, at)
  at = head.writeBigInt64BE(BigInt(partition.highWatermark ?? 100), at)
  at = head.writeBigInt64BE(BigInt(partition.highWatermark ?? 100), at)
  at = head.writeBigInt64BE(BigInt(partition.logStartOffset ?? 0), at)
  const aborted = partition.aborted
  head.writeInt32BE(aborted === undefined ? -1 : aborted.length, at)
  const abortedBytes = Buffer.alloc((aborted?.length ?? 0) * 16)
  aborted?.forEach(([producerId, firstOffset], index) => {
    abortedBytes.writeBigInt64BE(producerId, index * 16)
    abortedBytes.writeBigInt64BE(BigInt(firstOffset), index * 16 + 8)
  })
  const tail = Buffer.alloc(8)
  tail.writeInt32BE(-1, 0)
  tail.writeInt32BE(records.length, 4)
  return Buffer.concat([head, abortedBytes, tail, records])
}

async function messagesOf(raw: Buffer): Promise<FetchedMessage[]> {
  return (await decodeFetchResponse(raw)).responses[0]?.partitions[0]?.messages ?? []
}

const bytesOrText = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 30 }),
)
const message: fc.Arbitrary<ProduceMessage> = fc.record(
  {
    key: fc.oneof(bytesOrText, fc.constant(null)),
    value: fc.oneof(bytesOrText, fc.constant(null)),
    // kafkajs mistakes names such as toString for headers already seen: those are tested on their own below.
    headers: fc.dictionary(
      fc.string({ maxLength: 8 }).filter((name) => !(name in Object.prototype)),
      fc.oneof(bytesOrText, fc.array(bytesOrText, { minLength: 1, maxLength: 3 })),
      {
        maxKeys: 3,
      },
    ),
    timestamp: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
  },
  { requiredKeys: ['value', 'timestamp'] },
)

describe('decodeFetchResponse', () => {
  it('reads the records kafkajs reads from the same response', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(message, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 }),
        fc.nat({ max: 2 ** 40 }),
        async (batches, firstOffset) => {
          let offset = firstOffset
          const records = Buffer.concat(
            batches.map((messages) => {
              const bytes = batch(messages, { baseOffset: offset })
              offset += messages.length
              return bytes
            }),
          )
          const raw = fetchResponse(records)
          const model = (await kafkajsFetchV11.decode(raw)).responses[0]?.partitions[0]?.messages ?? []
          expect(await messagesOf(raw)).toEqual(
            model.map((record) => ({
              offset: Number(record.offset),
              timestamp: Number(record.timestamp),
              key: record.key,
              value: record.value,
              headers: Object.fromEntries(
                Object.entries(record.headers).map(([name, value]) => [
                  name,
                  (Array.isArray(value) ? value[0] : value) ?? undefined,
                ]),
              ),
            })),
          )
        },
      ),
      { numRuns: 100 },
    )
  })

  it('reports the partition offsets as numbers', async () => {
    const decoded = await decodeFetchResponse(
      fetchResponse(batch([{ value: 'a' }], { baseOffset: 41 }), { highWatermark: 42, logStartOffset: 7 }),
    )
    const partition = decoded.responses[0]?.partitions[0]
    expect(decoded.responses[0]?.topicName).toBe('topic')
    expect(partition).toMatchObject({ partition: 3, errorCode: 0, highWatermark: 42, logStartOffset: 7 })
    expect(partition?.messages.map((record) => record.offset)).toEqual([41])
  })

  it('keeps headers of any name, __proto__ included', async () => {
    const records = await messagesOf(
      fetchResponse(
        batch([{ value: 'a', headers: { ['__proto__']: 'p', constructor: 'c' } }], { baseOffset: 0 }),
      ),
    )
    expect(Object.keys(records[0]?.headers ?? {})).toEqual(['__proto__', 'constructor'])
    const name: string = 'constructor'
    expect(records[0]?.headers[name]?.toString()).toBe('c')
  })

  it('leaves out a batch cut off at the end of the response', async () => {
    const whole = batch([{ value: 'one' }, { value: 'two' }], { baseOffset: 0 })
    const cut = batch([{ value: 'three' }], { baseOffset: 2 })
    const records = await messagesOf(fetchResponse(Buffer.concat([whole, cut.subarray(0, cut.length - 3)])))
    expect(records.map((record) => record.value?.toString())).toEqual(['one', 'two'])
  })

  it('stamps every record of a LogAppendTime batch with the batch time', async () => {
    const records = await messagesOf(
      fetchResponse(
        batch(
          [
            { value: 'a', timestamp: 1_000 },
            { value: 'b', timestamp: 5_000 },
          ],
          {
            baseOffset: 0,
            attributes: LOG_APPEND_TIME,
          },
        ),
      ),
    )
    expect(records.map((record) => record.timestamp)).toEqual([5_000, 5_000])
  })

  it('skips transaction markers and the records of aborted transactions, keeping committed ones', async () => {
    const aborting = 7n
    const committing = 8n
    const records = Buffer.concat([
      batch([{ value: 'plain' }], { baseOffset: 0 }),
      batch([{ value: 'aborted' }], { baseOffset: 1, attributes: TRANSACTIONAL, producerId: aborting }),
      batch([{ value: 'committed' }], { baseOffset: 2, attributes: TRANSACTIONAL, producerId: committing }),
      batch([{ value: 'marker' }], {
        baseOffset: 3,
        attributes: TRANSACTIONAL | CONTROL,
        producerId: aborting,
      }),
      batch([{ value: 'marker' }], {
        baseOffset: 4,
        attributes: TRANSACTIONAL | CONTROL,
        producerId: committing,
      }),
      batch([{ value: 'after' }], { baseOffset: 5, attributes: TRANSACTIONAL, producerId: aborting }),
    ])
    const decoded = await messagesOf(fetchResponse(records, { aborted: [[aborting, 1]] }))
    expect(decoded.map((record) => [record.offset, record.value?.toString()])).toEqual([
      [0, 'plain'],
      [2, 'committed'],
      [5, 'after'],
    ])
  })

  it('reads gzip-compressed batches', async () => {
    const plain = batch([{ value: 'x', key: 'k', headers: { h: 'v' } }, { value: 'y' }], { baseOffset: 10 })
    const records = await messagesOf(fetchResponse(gzipped(plain)))
    expect(
      records.map((record) => [record.offset, record.key?.toString(), record.value?.toString()]),
    ).toEqual([
      [10, 'k', 'x'],
      [11, undefined, 'y'],
    ])
    expect(records[0]?.headers.h?.toString()).toBe('v')
  })
})
