import { afterEach, describe, expect, it, vi } from 'vitest'

import { processingFor } from '../../src/firehose-delivery.ts'
import { DeliveryMetrics } from '../../src/firehose/delivery/delivery-metrics.ts'
import { DeliveryWorker } from '../../src/firehose/delivery/delivery-worker.ts'
import { FakeClock } from '../support/fake-clock.ts'
import { deliveryStreamRecord } from '../support/firehose/delivery-streams.ts'
import { MemoryConsumerGroups } from '../support/memory/memory-consumer-groups.ts'
import { MemoryObjectStore } from '../support/memory/memory-object-store.ts'

const workers: DeliveryWorker[] = []

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.abandon()))
})

describe('delivery with the processing stage', () => {
  it('delivers AWS CDK dynamic partitioning case: two partitions from one record, a third record to partitioning-failed', async () => {
    const clock = new FakeClock(Date.UTC(2026, 6, 13, 14))
    const groups = new MemoryConsumerGroups()
    groups.createTopic('t', 1)
    const store = new MemoryObjectStore()
    const stream = deliveryStreamRecord({
      name: 'cdk',
      topic: 't',
      bucket: 'b',
      destination: {
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 0 },
        Prefix: 'key1=!{partitionKeyFromQuery:key1}/key2=!{partitionKeyFromQuery:key2}/',
        ErrorOutputPrefix: 'error-output/!{firehose:error-output-type}/',
        DynamicPartitioningConfiguration: { Enabled: true },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'RecordDeAggregation',
              Parameters: [{ ParameterName: 'SubRecordType', ParameterValue: 'JSON' }],
            },
            {
              Type: 'MetadataExtraction',
              Parameters: [
                {
                  ParameterName: 'MetadataExtractionQuery',
                  ParameterValue: '{"key1":.foo,"key2":.bar.baz|ascii_upcase}',
                },
                { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
      },
    })
    const process = processingFor(stream, { clock, lambda: undefined })
    if (process === undefined) throw new Error('the stream has no format conversion: it has processing')
    workers.push(
      await DeliveryWorker.start(
        stream,
        {
          groups,
          objectStore: store,
          clock,
          keyRing: undefined,
          metrics: new DeliveryMetrics(),
          settings: { maxBufferedBytes: 1 << 24, retryInitialMs: 1, retryMaxMs: 5, stopTimeoutMs: 1_000 },
          log: () => undefined,
        },
        { process },
      ),
    )
    groups.append(
      't',
      0,
      Buffer.from('{"foo":"a","bar":{"baz":"x"}}{"foo":"b","bar":{"baz":"y"}}'),
      clock.now(),
    )
    groups.append('t', 0, Buffer.from('{"nothing":1}'), clock.now())
    await groups.pump()
    await vi.waitFor(() => {
      expect(store.objects('b').size).toBe(3)
    })
    const prefixes = [...store.objects('b').keys()].map((key) => key.replace(/cdk-1-.*$/, '')).sort()
    expect(prefixes).toEqual(['error-output/partitioning-failed/', 'key1=a/key2=X/', 'key1=b/key2=Y/'])
  })
})
