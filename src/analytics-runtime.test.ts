import { describe, expect, it } from 'vitest'

import { outputDestinations } from './analytics-runtime.ts'
import { createStreamsService } from './streams/service.ts'
import { createActiveDeliveryStream, fakeFirehose } from '../test/support/firehose/fake-firehose.ts'
import { createTestDataPlane, createTestStream } from '../test/support/streams/test-streams.ts'
import { hashKeyOfPartitionKey } from './mapping/hash-keys.ts'

describe("the analytics outputs write through the services' own operations", () => {
  it('PutRecords: to the shard of each partition key, as a client put would', async () => {
    const plane = createTestDataPlane()
    const stream = await createTestStream(plane, { name: 'out', shardCount: 2 })
    const firehose = fakeFirehose()
    const destinations = outputDestinations(createStreamsService(plane.deps), firehose.service)
    const records = ['a', 'b', 'c', 'd', 'e', 'f'].map((partitionKey) => ({
      partitionKey,
      data: Buffer.from(`row ${partitionKey}`),
    }))
    expect(await destinations.putKinesisRecords(stream.streamArn, records)).toEqual([])
    for (const [partition, shard] of stream.shards.entries()) {
      const { records: stored } = await plane.recordLog.read(stream.topic, partition, 0, {
        maxRecords: 100,
        maxBytes: 1_000_000,
        maxWaitMs: 0,
      })
      const expected = records
        .filter(({ partitionKey }) => {
          const hash = BigInt(`0x${hashKeyOfPartitionKey(partitionKey)}`)
          return hash >= BigInt(shard.startingHashKey) && hash <= BigInt(shard.endingHashKey)
        })
        .map(({ data }) => data.toString())
      expect(stored.map((record) => record.value?.toString())).toEqual(expected)
    }
  })

  it('PutRecords to a stream that is not there rejects (the runtime writes again later)', async () => {
    const plane = createTestDataPlane()
    const destinations = outputDestinations(createStreamsService(plane.deps), fakeFirehose().service)
    await expect(
      destinations.putKinesisRecords('arn:aws:kinesis:us-east-1:123456789012:stream/none', [
        { partitionKey: 'k', data: Buffer.from('x') },
      ]),
    ).rejects.toThrow(/not found/)
  })

  it("PutRecordBatch: into the delivery stream's topic", async () => {
    const plane = createTestDataPlane()
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    const destinations = outputDestinations(createStreamsService(plane.deps), firehose.service)
    const arn = 'arn:aws:firehose:us-east-1:123456789012:deliverystream/clicks'
    expect(await destinations.putFirehoseRecords(arn, [Buffer.from('one\n'), Buffer.from('two\n')])).toEqual(
      [],
    )
    const topic = 'firehose.123456789012.us-east-1.clicks'
    const values: string[] = []
    for (let partition = 0; partition < firehose.deps.recordLog.partitionCount(topic); partition++) {
      const { records } = await firehose.deps.recordLog.read(topic, partition, 0, {
        maxRecords: 100,
        maxBytes: 1_000_000,
        maxWaitMs: 0,
      })
      values.push(...records.map((record) => record.value?.toString() ?? ''))
    }
    expect(values.sort()).toEqual(['one\n', 'two\n'])
  })
})
