// The Firehose service on memory fakes, for unit tests: memory catalogs and log, a clock the test moves.

import type { RequestContext, Service } from '../../../src/aws/index.ts'
import type { FirehoseDeps, FirehoseSettings } from '../../../src/firehose/deps.ts'
import { createFirehoseService } from '../../../src/firehose/service.ts'
import { DEFAULT_TOPIC_TEMPLATE, parseTopicTemplate } from '../../../src/mapping/topic-names.ts'
import { FakeClock } from '../fake-clock.ts'
import { MemoryDeliveryStreamCatalog } from '../memory/memory-delivery-stream-catalog.ts'
import { MemoryRecordLog } from '../memory/memory-record-log.ts'
import { MemoryStreamCatalog } from '../memory/memory-stream-catalog.ts'

export interface FakeFirehoseDeps extends FirehoseDeps {
  catalog: MemoryDeliveryStreamCatalog
  recordLog: MemoryRecordLog
  streams: MemoryStreamCatalog
  clock: FakeClock
}

export interface FakeFirehose {
  deps: FakeFirehoseDeps
  service: Service
  context: RequestContext
  /** Calls an operation as the gateway does (constraints checked first). */
  call<Output = Record<string, unknown>>(operation: string, input: object): Promise<Output>
  /** Lets background work (topic creation, deletion) run to its end. */
  settle(): Promise<void>
}

export function fakeFirehose(settings: Partial<FirehoseSettings> = {}): FakeFirehose {
  const clock = new FakeClock()
  const deps: FakeFirehoseDeps = {
    catalog: new MemoryDeliveryStreamCatalog(),
    recordLog: new MemoryRecordLog(clock),
    streams: new MemoryStreamCatalog(),
    clock,
    settings: {
      topicPartitions: 2,
      streamTopicTemplate: parseTopicTemplate(DEFAULT_TOPIC_TEMPLATE),
      encryptionDelayMs: 1_000,
      ...settings,
    },
    sleep: (millis) => clock.sleep(millis),
  }
  const service = createFirehoseService(deps)
  const context: RequestContext = {
    requestId: 'test-request',
    accountId: '123456789012',
    region: 'us-east-1',
    accessKeyId: undefined,
  }
  return {
    deps,
    service,
    context,
    async call<Output>(operation: string, input: object): Promise<Output> {
      const found = service.operations.get(operation)
      if (found === undefined) throw new Error(`no operation ${operation}`)
      return (await found.handle(input, context)) as Output
    },
    async settle() {
      for (let round = 0; round < 5; round++) await new Promise((resolve) => setImmediate(resolve))
    },
  }
}

/** An S3 destination as a request gives it. */
export const S3_DESTINATION = {
  RoleARN: 'arn:aws:iam::123456789012:role/firehose',
  BucketARN: 'arn:aws:s3:::delivery-bucket',
}

/** Creates a DirectPut delivery stream with an ExtendedS3 destination and waits until it is ACTIVE. */
export async function createActiveDeliveryStream(
  firehose: FakeFirehose,
  name: string,
  extra: object = {},
): Promise<void> {
  await firehose.call('CreateDeliveryStream', {
    DeliveryStreamName: name,
    ExtendedS3DestinationConfiguration: S3_DESTINATION,
    ...extra,
  })
  await firehose.settle()
}
