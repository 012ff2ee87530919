// Writing DirectPut records to the delivery stream's topic, in the format the delivery workers read (see
// src/ports/delivery-streams.ts): one Kafka record per Firehose record, the data as the value, no key, no
// headers; the broker's append time is the record's timestamp (LogAppendTime). Each request's records go to
// one partition, the next one in turn, so that requests spread over all partitions and a batch travels to
// Kafka as one produce request.

import type { DeliveryStreamKey, StoredDeliveryStream } from '../../ports/delivery-stream-catalog.ts'
import { TopicNotFoundError, type RecordToAppend } from '../../ports/record-log.ts'
import { describedEncryption } from '../catalog/encryption-status.ts'
import { deliveryStreamNotFound } from '../catalog/delivery-stream-lookup.ts'
import type { FirehoseDeps } from '../deps.ts'
import { InvalidArgumentException } from '../errors.ts'
import { recordIdEncoder } from './record-ids.ts'

export interface WrittenRecords {
  recordIds: string[]
  encrypted: boolean
}

export interface RecordWriter {
  /** Appends the records (acknowledged by every in-sync replica) and answers their RecordIds, in order. */
  write(key: DeliveryStreamKey, records: readonly Uint8Array[]): Promise<WrittenRecords>
}

export function createRecordWriter(deps: FirehoseDeps): RecordWriter {
  let turn = 0
  return {
    async write(key, records) {
      const stream = await writableStream(deps, key)
      const partition = turn++ % stream.partitions
      const toAppend: RecordToAppend[] = records.map((data) => ({
        partition,
        key: null,
        value: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      }))
      const appended = await deps.recordLog.append(stream.topic, toAppend).catch((error: unknown) => {
        // Deleted between the lookup and the append: its topic is gone.
        throw error instanceof TopicNotFoundError ? deliveryStreamNotFound(key) : error
      })
      const recordId = recordIdEncoder(stream.id)
      return {
        recordIds: appended.map((record) => recordId(record.partition, record.offset)),
        encrypted: describedEncryption(stream, deps.clock.now())?.Status === 'ENABLED',
      }
    },
  }
}

/**
 * Puts need an ACTIVE DirectPut delivery stream; one still CREATING (or DELETING) is not found yet (any more).
 * Read from the replica's cached catalog: a put makes no Redis round trip once the delivery stream is cached.
 */
async function writableStream(deps: FirehoseDeps, key: DeliveryStreamKey): Promise<StoredDeliveryStream> {
  const stream = await deps.catalog.getCached(key)
  if (stream === undefined) throw deliveryStreamNotFound(key)
  if (stream.description.DeliveryStreamType === 'KinesisStreamAsSource') {
    throw InvalidArgumentException(
      'This operation is not permitted on KinesisStreamAsSource delivery stream type.',
    )
  }
  if (stream.description.DeliveryStreamStatus !== 'ACTIVE' || stream.partitions === 0) {
    throw deliveryStreamNotFound(key)
  }
  return stream
}
