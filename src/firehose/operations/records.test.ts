import { describe, expect, it, vi } from 'vitest'

import { RecordLogUnavailableError, TopicNotFoundError, type StoredRecord } from '../../ports/record-log.ts'
import { parseRecordId } from '../records/record-ids.ts'
import {
  createActiveDeliveryStream,
  fakeFirehose,
  S3_DESTINATION,
  type FakeFirehose,
} from '../../../test/support/firehose/fake-firehose.ts'

const TOPIC = 'firehose.123456789012.us-east-1.clicks'
const bytes = (text: string) => new TextEncoder().encode(text)

async function stored(firehose: FakeFirehose, partition: number): Promise<StoredRecord[]> {
  const read = await firehose.deps.recordLog.read(TOPIC, partition, 0, {
    maxRecords: 1000,
    maxBytes: 1 << 30,
    maxWaitMs: 0,
  })
  return read.records
}

interface BatchAnswer {
  FailedPutCount: number
  Encrypted: boolean
  RequestResponses: { RecordId: string }[]
}

describe('PutRecord and PutRecordBatch', () => {
  it('append one Kafka record per record, the data as value, no key, the arrival time as timestamp', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    const put = await firehose.call<{ RecordId: string; Encrypted: boolean }>('PutRecord', {
      DeliveryStreamName: 'clicks',
      Record: { Data: bytes('one') },
    })
    expect(put.Encrypted).toBe(false)
    const place = parseRecordId(put.RecordId)
    const records = await stored(firehose, place?.partition ?? -1)
    expect(records).toEqual([
      { offset: 0, timestamp: firehose.deps.clock.now(), key: null, value: Buffer.from('one'), headers: {} },
    ])
  })

  it('answer a batch in request order, each request on the next partition in turn', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    const answers: BatchAnswer[] = []
    for (let request = 0; request < 2; request++) {
      answers.push(
        await firehose.call<BatchAnswer>('PutRecordBatch', {
          DeliveryStreamName: 'clicks',
          Records: ['a', '', 'c'].map((text) => ({ Data: bytes(`${text}${String(request)}`) })),
        }),
      )
    }
    const [first, second] = answers
    expect(first?.FailedPutCount).toBe(0)
    const places = first?.RequestResponses.map((entry) => parseRecordId(entry.RecordId))
    expect(places?.map((place) => place?.offset)).toEqual([0, 1, 2])
    const partition = places?.[0]?.partition ?? -1
    expect((await stored(firehose, partition)).map((record) => record.value?.toString())).toEqual([
      'a0',
      '0',
      'c0',
    ])
    expect(parseRecordId(second?.RequestResponses[0]?.RecordId ?? '')?.partition).not.toBe(partition)
  })

  it('refuse puts to a delivery stream still CREATING, or unknown, as not found', async () => {
    const firehose = fakeFirehose()
    firehose.deps.recordLog.faults.plan('createTopic', 'hang-before')
    await firehose.call('CreateDeliveryStream', {
      DeliveryStreamName: 'clicks',
      ExtendedS3DestinationConfiguration: S3_DESTINATION,
    })
    for (const name of ['clicks', 'absent']) {
      await expect(
        firehose.call('PutRecord', { DeliveryStreamName: name, Record: { Data: bytes('x') } }),
      ).rejects.toMatchObject({
        type: 'ResourceNotFoundException',
        message: `Firehose ${name} under account 123456789012 not found.`,
      })
    }
  })

  it('refuse oversize records, more than 500 records and batches over 4 MiB, appending nothing', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    await expect(
      firehose.call('PutRecord', {
        DeliveryStreamName: 'clicks',
        Record: { Data: new Uint8Array(1_024_001) },
      }),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1024001 cap=1024001]' at " +
        "'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000",
    })
    await expect(
      firehose.call('PutRecordBatch', {
        DeliveryStreamName: 'clicks',
        Records: Array.from({ length: 501 }, () => ({ Data: bytes('x') })),
      }),
    ).rejects.toMatchObject({ type: 'ValidationException' })
    await expect(
      firehose.call('PutRecordBatch', {
        DeliveryStreamName: 'clicks',
        Records: Array.from({ length: 5 }, () => ({ Data: new Uint8Array(1_000_000) })),
      }),
    ).rejects.toMatchObject({ type: 'InvalidArgumentException', message: 'Records size exceeds 4 MB limit' })
    expect([...(await stored(firehose, 0)), ...(await stored(firehose, 1))]).toEqual([])
  })

  it('answer a retriable 503 for the whole batch when Kafka does not acknowledge it', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    vi.spyOn(firehose.deps.recordLog, 'append').mockRejectedValueOnce(
      new RecordLogUnavailableError('Kafka did not acknowledge the records'),
    )
    await expect(
      firehose.call('PutRecordBatch', { DeliveryStreamName: 'clicks', Records: [{ Data: bytes('x') }] }),
    ).rejects.toMatchObject({
      type: 'ServiceUnavailableException',
      status: 503,
      message: 'Kafka did not acknowledge the records',
    })
  })

  it('answer not found when the topic went with a deletion between lookup and append', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    vi.spyOn(firehose.deps.recordLog, 'append').mockRejectedValueOnce(new TopicNotFoundError(TOPIC))
    await expect(
      firehose.call('PutRecord', { DeliveryStreamName: 'clicks', Record: { Data: bytes('x') } }),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
  })

  it("read the delivery stream from the replica's cached catalog, never the store directly", async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    const read = vi.spyOn(firehose.deps.catalog, 'get')
    const readCached = vi.spyOn(firehose.deps.catalog, 'getCached')
    await firehose.call('PutRecord', { DeliveryStreamName: 'clicks', Record: { Data: bytes('x') } })
    await firehose.call('PutRecordBatch', { DeliveryStreamName: 'clicks', Records: [{ Data: bytes('y') }] })
    expect(read).not.toHaveBeenCalled()
    expect(readCached).toHaveBeenCalledTimes(2)
  })
})
