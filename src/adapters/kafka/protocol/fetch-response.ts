import { createRequire } from 'node:module'

/*
 * A Kafka Fetch response (version 11, record batch format v2) read in one pass into plain records: numbers for
 * offsets and timestamps, views into the response for keys and values. kafkajs decodes the same bytes through
 * a decoder object per record, 64-bit arithmetic and decimal strings for every offset and timestamp, which was
 * the largest part of a GetRecords after the response encoding.
 *
 * Reads are read_committed: control batches (transaction markers) are skipped, and so are the batches of
 * transactions the broker lists as aborted. Compressed batches are decompressed with kafkajs's codecs.
 */

export interface FetchedMessage {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  /** The first value of each header key; a header without a value (null in Kafka) is undefined. */
  headers: Readonly<Record<string, Buffer | undefined>>
}

const NO_HEADERS: Readonly<Record<string, Buffer | undefined>> = Object.freeze({})

export interface FetchedPartition {
  partition: number
  errorCode: number
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  messages: FetchedMessage[]
}

export interface FetchResponse {
  throttleTime: number
  clientSideThrottleTime: number
  errorCode: number
  sessionId: number
  responses: { topicName: string; partitions: FetchedPartition[] }[]
}

/** The Fetch version this decoder reads; kafkajs negotiates it with brokers from Kafka 2.3 on. */
export const FETCH_RESPONSE_VERSION = 11

const TIMESTAMP_TYPE_LOG_APPEND = 0x08
const TRANSACTIONAL = 0x10
const CONTROL = 0x20
const COMPRESSION_MASK = 0x07
/** baseOffset (8) + batchLength (4): what precedes the length-counted part of a batch. */
const BATCH_LOG_OVERHEAD = 12
/** The header of a batch up to and including the record count. */
const BATCH_HEADER_BYTES = 61

interface Codec {
  decompress(compressed: Buffer): Promise<Buffer>
}

const require = createRequire(import.meta.url)
const { lookupCodecByAttributes } = require('kafkajs/src/protocol/message/compression') as {
  lookupCodecByAttributes: (attributes: number) => Codec | undefined
}

export async function decodeFetchResponse(raw: Buffer): Promise<FetchResponse> {
  const reader = new ByteReader(raw)
  const clientSideThrottleTime = reader.int32()
  const errorCode = reader.int16()
  const sessionId = reader.int32()
  const responses: FetchResponse['responses'] = []
  for (let topics = reader.int32(); topics > 0; topics--) {
    const topicName = reader.string()
    const partitions: FetchedPartition[] = []
    for (let count = reader.int32(); count > 0; count--) partitions.push(await readPartition(reader))
    responses.push({ topicName, partitions })
  }
  // As kafkajs reports it: the broker did not throttle; a positive value asks the client to wait that long.
  return { throttleTime: 0, clientSideThrottleTime, errorCode, sessionId, responses }
}

async function readPartition(reader: ByteReader): Promise<FetchedPartition> {
  const partition = reader.int32()
  const errorCode = reader.int16()
  const highWatermark = reader.int64()
  const lastStableOffset = reader.int64()
  const logStartOffset = reader.int64()
  const abortedTransactions: AbortedTransaction[] = []
  for (let count = reader.int32(); count > 0; count--) {
    abortedTransactions.push({ producerId: reader.int64(), firstOffset: reader.int64() })
  }
  abortedTransactions.sort((a, b) => a.firstOffset - b.firstOffset)
  reader.int32() // preferred read replica
  const recordsSize = reader.int32()
  const messages: FetchedMessage[] = []
  if (recordsSize > 0) {
    const end = reader.offset + recordsSize
    await readBatches(reader.buffer.subarray(reader.offset, end), abortedTransactions, messages)
    reader.offset = end
  }
  return { partition, errorCode, highWatermark, lastStableOffset, logStartOffset, messages }
}

interface AbortedTransaction {
  producerId: number
  firstOffset: number
}

/** `abortedTransactions` in order of their first offsets. */
async function readBatches(
  records: Buffer,
  abortedTransactions: readonly AbortedTransaction[],
  messages: FetchedMessage[],
): Promise<void> {
  let nextAbort = 0
  const abortingProducers = new Set<number>()
  let position = 0
  // A response may end in the middle of a batch (the broker cuts at maxBytes): that tail is left out.
  while (position + BATCH_LOG_OVERHEAD <= records.length) {
    const batchLength = records.readInt32BE(position + 8)
    const batchEnd = position + BATCH_LOG_OVERHEAD + batchLength
    if (batchLength < BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD || batchEnd > records.length) break
    const reader = new ByteReader(records, position)
    position = batchEnd

    const baseOffset = reader.int64()
    reader.offset += 4 + 4 + 1 + 4 // batch length, partition leader epoch, magic, crc
    const attributes = reader.int16()
    reader.int32() // last offset delta
    const firstTimestamp = reader.int64()
    const maxTimestamp = reader.int64()
    const producerId = reader.int64()
    reader.offset += 2 + 4 // producer epoch, base sequence
    const count = reader.int32()

    for (; nextAbort < abortedTransactions.length; nextAbort++) {
      const aborted = abortedTransactions[nextAbort] as AbortedTransaction
      if (aborted.firstOffset > baseOffset) break
      abortingProducers.add(aborted.producerId)
    }
    if ((attributes & CONTROL) !== 0) {
      // A transaction marker: the producer's aborted transaction, if any, ends here.
      abortingProducers.delete(producerId)
      continue
    }
    if ((attributes & TRANSACTIONAL) !== 0 && abortingProducers.has(producerId)) continue

    const logAppendTime = (attributes & TIMESTAMP_TYPE_LOG_APPEND) !== 0 ? maxTimestamp : undefined
    const codec = (attributes & COMPRESSION_MASK) === 0 ? undefined : lookupCodecByAttributes(attributes)
    const recordReader =
      codec === undefined
        ? reader
        : new ByteReader(await codec.decompress(records.subarray(reader.offset, batchEnd)))
    const recordsEnd = codec === undefined ? batchEnd : recordReader.buffer.length
    for (let index = 0; index < count && recordReader.offset < recordsEnd; index++) {
      messages.push(readRecord(recordReader, baseOffset, firstTimestamp, logAppendTime))
    }
  }
}

function readRecord(
  reader: ByteReader,
  baseOffset: number,
  firstTimestamp: number,
  logAppendTime: number | undefined,
): FetchedMessage {
  const length = reader.varint()
  const end = reader.offset + length
  reader.offset += 1 // attributes
  const timestampDelta = reader.varint()
  const offsetDelta = reader.varint()
  const key = reader.varintBytes()
  const value = reader.varintBytes()
  let headers = NO_HEADERS
  const headerCount = reader.varint()
  if (headerCount > 0) {
    // Without a prototype, a header named __proto__ is a header like any other.
    const named = Object.create(null) as Record<string, Buffer | undefined>
    for (let index = 0; index < headerCount; index++) {
      const keyLength = reader.varint()
      const name = reader.buffer.toString('utf8', reader.offset, reader.offset + keyLength)
      reader.offset += keyLength
      const headerValue = reader.varintBytes() ?? undefined
      if (!Object.hasOwn(named, name)) named[name] = headerValue
    }
    headers = named
  }
  reader.offset = end
  return {
    offset: baseOffset + offsetDelta,
    timestamp: logAppendTime ?? firstTimestamp + timestampDelta,
    key,
    value,
    headers,
  }
}

class ByteReader {
  constructor(
    readonly buffer: Buffer,
    public offset = 0,
  ) {}

  int16(): number {
    const value = this.buffer.readInt16BE(this.offset)
    this.offset += 2
    return value
  }

  int32(): number {
    const value = this.buffer.readInt32BE(this.offset)
    this.offset += 4
    return value
  }

  /** Offsets, timestamps and producer ids stay far below 2^53 in practice; -1 stays -1. */
  int64(): number {
    const high = this.buffer.readInt32BE(this.offset)
    const low = this.buffer.readUInt32BE(this.offset + 4)
    this.offset += 8
    return high * 0x1_0000_0000 + low
  }

  string(): string {
    const length = this.int16()
    const text = this.buffer.toString('utf8', this.offset, this.offset + length)
    this.offset += length
    return text
  }

  /** A zigzag varint or varlong. */
  varint(): number {
    let unsigned = 0
    let scale = 1
    for (;;) {
      const byte = this.buffer[this.offset++] as number
      unsigned += (byte & 0x7f) * scale
      if (byte < 0x80) break
      scale *= 0x80
    }
    return unsigned % 2 === 0 ? unsigned / 2 : -(unsigned + 1) / 2
  }

  varintBytes(): Buffer | null {
    const length = this.varint()
    if (length < 0) return null
    const bytes = this.buffer.subarray(this.offset, this.offset + length)
    this.offset += length
    return bytes
  }
}
