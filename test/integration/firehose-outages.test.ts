import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  PutRecordBatchCommand,
  PutRecordCommand,
} from '@aws-sdk/client-firehose'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { createKafkaClient } from '../../src/adapters/kafka/kafka-client.ts'
import { KafkaRecordLog } from '../../src/adapters/kafka/kafka-record-log.ts'
import { parseRecordId } from '../../src/firehose/records/record-ids.ts'
import { deliveryStreamTopicName } from '../../src/mapping/delivery-stream-topics.ts'
import { firehoseClient } from './fixture/firehose.ts'
import { startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { stackControl, type StackControl } from './fixture/stack-control.ts'

/**
 * Kafka and Redis of the local stack are stopped under a running gateway while Firehose requests arrive: every
 * failure is a retriable 503 ServiceUnavailableException, every RecordId answered is a record Kafka has, and the
 * same gateway serves again once the server is back.
 */
const access = await stackControl(inject('infrastructureSource'), inject('stack'), (line) => {
  process.stdout.write(`[faults] ${line}\n`)
})
if ('skipReason' in access) {
  process.stdout.write(`[faults] skipping the Firehose outage cases: ${access.skipReason}\n`)
}

describe.skipIf('skipReason' in access)('Firehose while Redis or Kafka is down', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  const region = 'us-east-1'
  const control = 'control' in access ? access.control : (undefined as unknown as StackControl)
  let gateway: TestGateway
  let client: FirehoseClient
  const log = new KafkaRecordLog(
    createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'firehose-outages' }),
  )

  beforeAll(async () => {
    gateway = await startTestGateway(stack)
    client = firehoseClient(gateway.endpoint, accountId, region)
  })

  afterAll(async () => {
    await control.start('redis')
    await control.start('kafka')
    client.destroy()
    await gateway.stop()
    await log.close()
  })

  for (const component of ['kafka', 'redis'] as const) {
    it(`answers 503 ServiceUnavailableException while ${component} is down, never a RecordId for a record not stored`, async () => {
      const name = uniqueName(`fh-outage-${component}`)
      await client.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: name,
          ExtendedS3DestinationConfiguration: {
            RoleARN: 'arn:aws:iam::123456789012:role/firehose',
            BucketARN: 'arn:aws:s3:::firehose',
          },
        }),
      )
      for (let attempt = 0; attempt < 100; attempt++) {
        const { DeliveryStreamDescription } = await client.send(
          new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
        )
        if (DeliveryStreamDescription?.DeliveryStreamStatus === 'ACTIVE') break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }

      const answered: string[] = []
      const failures: string[] = []
      const attempt = async (index: number): Promise<void> => {
        try {
          const batch = await client.send(
            new PutRecordBatchCommand({
              DeliveryStreamName: name,
              Records: [
                { Data: Buffer.from(`${String(index)}-a`) },
                { Data: Buffer.from(`${String(index)}-b`) },
              ],
            }),
          )
          for (const entry of batch.RequestResponses ?? []) answered.push(entry.RecordId ?? '')
        } catch (error) {
          const failure = error as { name: string; $metadata?: { httpStatusCode?: number } }
          failures.push(`${String(failure.$metadata?.httpStatusCode)} ${failure.name}`)
        }
      }
      await attempt(0)
      await control.stop(component)
      try {
        for (let index = 1; index <= 3; index++) await attempt(index)
        const describeFailure = await client
          .send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }))
          .then(
            () => undefined,
            (error: unknown) => (error as { name: string }).name,
          )
        if (component === 'redis') expect(describeFailure).toBe('ServiceUnavailableException')
      } finally {
        await control.start(component)
      }
      expect(failures.length).toBeGreaterThan(0)
      expect(new Set(failures)).toEqual(new Set(['503 ServiceUnavailableException']))

      // The same gateway serves again.
      let recovered = false
      for (let index = 0; index < 60 && !recovered; index++) {
        recovered = await client
          .send(new PutRecordCommand({ DeliveryStreamName: name, Record: { Data: Buffer.from('after') } }))
          .then(
            (put) => {
              answered.push(put.RecordId ?? '')
              return true
            },
            () =>
              new Promise<boolean>((resolve) =>
                setTimeout(() => {
                  resolve(false)
                }, 1_000),
              ),
          )
      }
      expect(recovered).toBe(true)
      const topic = deliveryStreamTopicName({ accountId, region, name })
      for (const recordId of answered) {
        const place = parseRecordId(recordId)
        const read = await log.read(topic, place?.partition ?? -1, place?.offset ?? -1, {
          maxRecords: 1,
          maxBytes: 1 << 20,
          maxWaitMs: 0,
        })
        expect(read.records[0]?.offset).toBe(place?.offset)
      }
    }, 150_000)
  }
})
