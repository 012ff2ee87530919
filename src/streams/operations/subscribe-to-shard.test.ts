import type { _Record, ChildShard } from '@aws-sdk/client-kinesis'
import { afterEach, describe, expect, it } from 'vitest'

import { MemoryConsumerRegistry } from '../../../test/support/memory/memory-consumer-registry.ts'
import { MemorySubscriptionLeases } from '../../../test/support/memory/memory-subscription-leases.ts'
import { isEventStreamOutput, type StreamEvent } from '../../aws/index.ts'
import { consumerArn } from '../../mapping/arns.ts'
import type { ConsumerRecord } from '../../ports/consumer-registry.ts'
import type { StreamEncryption, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { ShardTails } from '../fan-out/shard-tail.ts'
import type { KeyRing } from '../../ports/key-ring.ts'
import { derivedKeyRing } from '../records/record-encryption.ts'
import { sealingOf, toRecordToAppend } from '../records/record-envelope.ts'
import {
  createTestDataPlane,
  createTestStream,
  splitTestShard,
  type TestDataPlane,
} from '../../../test/support/streams/test-streams.ts'
import { WaitingRecordLog } from '../../../test/support/streams/waiting-record-log.ts'
import { subscribeToShardOperation } from './subscribe-to-shard.ts'

const FAN_OUT = {
  subscriptionDurationMs: 3_000,
  heartbeatIntervalMs: 150,
  tailWaitMs: 50,
  leaseRenewIntervalMs: 50,
}

interface FanOutPlane extends TestDataPlane {
  log: WaitingRecordLog
  consumers: MemoryConsumerRegistry
  leases: MemorySubscriptionLeases
  tails: ShardTails
  stream: StreamRecord
}

interface EventPayload {
  Records: _Record[]
  ContinuationSequenceNumber?: string
  MillisBehindLatest: number
  ChildShards?: ChildShard[]
}

const open: AsyncIterator<StreamEvent>[] = []

afterEach(async () => {
  for (const events of open.splice(0)) await events.return?.()
})

async function fanOutPlane(
  fanOut: Partial<typeof FAN_OUT> = {},
  options: { keyRing?: KeyRing; encryption?: StreamEncryption } = {},
): Promise<FanOutPlane> {
  const base = createTestDataPlane(options.keyRing === undefined ? {} : { keyRing: options.keyRing })
  const log = new WaitingRecordLog(base.clock)
  const consumers = new MemoryConsumerRegistry()
  const leases = new MemorySubscriptionLeases(base.clock)
  const deps: StreamsDeps = {
    ...base.deps,
    recordLog: log,
    consumers,
    subscriptionLeases: leases,
    fanOut: { ...FAN_OUT, ...fanOut },
  }
  const plane = { ...base, deps, recordLog: log }
  const stream = await createTestStream(plane, {
    name: 'orders',
    shardCount: 1,
    ...(options.encryption === undefined ? {} : { encryption: options.encryption }),
  })
  const tails = new ShardTails(log, {
    waitMs: 50,
    maxRecords: 10_000,
    maxBytes: 1024 * 1024,
    queuedBatches: 2,
  })
  return { ...plane, log, consumers, leases, tails, stream }
}

async function registerConsumer(
  plane: FanOutPlane,
  name = 'app',
  status: ConsumerRecord['status'] = 'ACTIVE',
): Promise<string> {
  const now = plane.clock.now()
  const arn = consumerArn(plane.stream.streamArn, name, Math.floor(now / 1000))
  await plane.consumers.register({
    accountId: plane.stream.accountId,
    region: plane.stream.region,
    streamName: plane.stream.streamName,
    streamArn: plane.stream.streamArn,
    streamIncarnation: plane.stream.incarnation,
    consumerName: name,
    consumerArn: arn,
    creationEpochSeconds: Math.floor(now / 1000),
    createdAtMillis: now,
    status,
    version: 1,
  })
  return arn
}

async function append(plane: FanOutPlane, ...values: string[]): Promise<void> {
  await plane.log.append(
    plane.stream.topic,
    values.map((value) => ({ partition: 0, key: Buffer.from(`pk-${value}`), value: Buffer.from(value) })),
  )
}

interface StartingPosition {
  Type: string
  SequenceNumber?: string | undefined
  Timestamp?: Date | undefined
}

async function subscribe(
  plane: FanOutPlane,
  ConsumerARN: string,
  StartingPosition: StartingPosition,
  requestId = `request-${String(Math.random())}`,
  ShardId = 'shardId-000000000000',
): Promise<AsyncIterator<StreamEvent>> {
  const operation = subscribeToShardOperation(plane.deps, plane.tails)
  const output = await operation.handle(
    { ConsumerARN, ShardId, StartingPosition },
    { ...plane.context, requestId },
  )
  if (!isEventStreamOutput(output)) throw new Error('not an event stream')
  expect(output.initial).toEqual({})
  const events = output.events[Symbol.asyncIterator]()
  open.push(events)
  return events
}

async function nextPayload(events: AsyncIterator<StreamEvent>): Promise<EventPayload> {
  const next = await events.next()
  if (next.done === true) throw new Error('the subscription ended')
  const event = next.value
  if (event.type !== 'event') throw new Error(`exception ${event.exceptionType}: ${event.message}`)
  expect(event.eventType).toBe('SubscribeToShardEvent')
  return event.payload as EventPayload
}

/** The data of the records of the next events until `count` records came. */
async function nextData(events: AsyncIterator<StreamEvent>, count: number): Promise<string[]> {
  const seen: string[] = []
  while (seen.length < count) {
    const payload = await nextPayload(events)
    seen.push(...payload.Records.map((record) => Buffer.from(record.Data ?? []).toString()))
  }
  return seen
}

describe('SubscribeToShard', () => {
  it('TRIM_HORIZON sends the retained records, then pushes new ones as they are appended', async () => {
    const plane = await fanOutPlane()
    await append(plane, 'a', 'b', 'c')
    const events = await subscribe(plane, await registerConsumer(plane), { Type: 'TRIM_HORIZON' })
    const first = await nextPayload(events)
    expect(first.Records.map((record) => record.PartitionKey)).toEqual(['pk-a', 'pk-b', 'pk-c'])
    expect(first.ContinuationSequenceNumber).toBe(first.Records[2]?.SequenceNumber)
    expect(first.MillisBehindLatest).toBe(0)
    const pending = nextData(events, 1)
    await append(plane, 'd')
    expect(await pending).toEqual(['d'])
  })

  it('LATEST skips what the shard holds; an idle subscription sends empty events', async () => {
    const plane = await fanOutPlane()
    await append(plane, 'old')
    const events = await subscribe(plane, await registerConsumer(plane), { Type: 'LATEST' })
    const heartbeat = await nextPayload(events)
    expect(heartbeat.Records).toEqual([])
    expect(heartbeat.MillisBehindLatest).toBe(0)
    const pending = nextData(events, 1)
    await append(plane, 'new')
    expect(await pending).toEqual(['new'])
  })

  it('AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER and AT_TIMESTAMP start where they say', async () => {
    const plane = await fanOutPlane()
    await append(plane, 'a')
    plane.clock.advance(1000)
    const since = new Date(plane.clock.now())
    await append(plane, 'b', 'c')
    const arn = await registerConsumer(plane)
    const all = await nextPayload(await subscribe(plane, arn, { Type: 'TRIM_HORIZON' }, 'r1'))
    const second = all.Records[1]?.SequenceNumber
    await open.splice(0).at(0)?.return?.()

    const at = await subscribe(plane, arn, { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: second }, 'r2')
    expect(await nextData(at, 2)).toEqual(['b', 'c'])
    await open.splice(0).at(0)?.return?.()
    const after = await subscribe(plane, arn, { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: second }, 'r3')
    expect(await nextData(after, 1)).toEqual(['c'])
    await open.splice(0).at(0)?.return?.()
    const atTime = await subscribe(plane, arn, { Type: 'AT_TIMESTAMP', Timestamp: since }, 'r4')
    expect(await nextData(atTime, 2)).toEqual(['b', 'c'])
  })

  it('refuses starting positions that lack their value or name another shard', async () => {
    const plane = await fanOutPlane()
    const arn = await registerConsumer(plane)
    await expect(subscribe(plane, arn, { Type: 'AT_SEQUENCE_NUMBER' })).rejects.toMatchObject({
      type: 'InvalidArgumentException',
    })
    await expect(subscribe(plane, arn, { Type: 'AT_TIMESTAMP' })).rejects.toMatchObject({
      type: 'InvalidArgumentException',
    })
    await expect(subscribe(plane, arn, { Type: 'SOMEWHERE' })).rejects.toMatchObject({
      type: 'ValidationException',
    })
    await expect(
      subscribe(plane, arn, { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: '1234' }),
    ).rejects.toMatchObject({ type: 'InvalidArgumentException' })
  })

  it('resubscribing AFTER_SEQUENCE_NUMBER the continuation number loses and repeats nothing', async () => {
    const plane = await fanOutPlane()
    const arn = await registerConsumer(plane)
    await append(plane, 'r0', 'r1')
    const first = await subscribe(plane, arn, { Type: 'TRIM_HORIZON' }, 'r1')
    const payload = await nextPayload(first)
    await first.return?.()
    await append(plane, 'r2', 'r3')
    const second = await subscribe(
      plane,
      arn,
      { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: payload.ContinuationSequenceNumber },
      'r2',
    )
    expect(await nextData(second, 2)).toEqual(['r2', 'r3'])

    // An empty event's continuation number resumes at the same place too.
    await second.return?.()
    const third = await subscribe(plane, arn, { Type: 'LATEST' }, 'r3')
    const heartbeat = await nextPayload(third)
    await third.return?.()
    await append(plane, 'r4')
    const fourth = await subscribe(
      plane,
      arn,
      { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: heartbeat.ContinuationSequenceNumber },
      'r4',
    )
    expect(await nextData(fourth, 1)).toEqual(['r4'])
  })

  it('serves several consumers of a shard with one upstream read', async () => {
    const plane = await fanOutPlane()
    const subscriptions = []
    for (const name of ['a', 'b', 'c']) {
      subscriptions.push(await subscribe(plane, await registerConsumer(plane, name), { Type: 'LATEST' }))
    }
    await Promise.all(subscriptions.map((events) => nextPayload(events)))
    const pending = subscriptions.map((events) => nextData(events, 1))
    await append(plane, 'x')
    expect(await Promise.all(pending)).toEqual([['x'], ['x'], ['x']])
    expect(plane.tails.runningTails).toBe(1)
    expect(plane.log.mostConcurrentWaits.get(`${plane.stream.topic}/0`)).toBe(1)
  })

  it('refuses a second subscription of the consumer to the shard while one is open', async () => {
    const plane = await fanOutPlane()
    const arn = await registerConsumer(plane)
    const first = await subscribe(plane, arn, { Type: 'LATEST' }, 'first')
    await expect(subscribe(plane, arn, { Type: 'LATEST' }, 'second')).rejects.toMatchObject({
      type: 'ResourceInUseException',
      message: `Another active subscription exists for this consumer: ${arn}`,
    })
    await first.return?.()
    await expect(subscribe(plane, arn, { Type: 'LATEST' }, 'third')).resolves.toBeDefined()
  })

  it('ends cleanly after the subscription duration and releases its lease', async () => {
    const plane = await fanOutPlane({ subscriptionDurationMs: 300 })
    const arn = await registerConsumer(plane)
    const events = await subscribe(plane, arn, { Type: 'LATEST' }, 'first')
    for (;;) {
      const next = await events.next()
      if (next.done === true) break
      expect(next.value.type).toBe('event')
    }
    expect(plane.tails.runningTails).toBe(0)
    await expect(subscribe(plane, arn, { Type: 'LATEST' }, 'second')).resolves.toBeDefined()
  })

  it('ends when its lease is lost', async () => {
    const plane = await fanOutPlane()
    const arn = await registerConsumer(plane)
    const events = await subscribe(plane, arn, { Type: 'LATEST' }, 'first')
    plane.clock.advance(60_000)
    await plane.leases.acquire(arn, 'shardId-000000000000', 'someone-else', 60_000)
    for (;;) {
      const next = await events.next()
      if (next.done === true) break
    }
  })

  it('delivers a closed shard to its end, then sends its ChildShards without a continuation and ends', async () => {
    const plane = await fanOutPlane()
    await append(plane, 'a', 'b')
    await splitTestShard(plane, 'orders', 0)
    await append(plane, 'stray')
    const events = await subscribe(plane, await registerConsumer(plane), { Type: 'TRIM_HORIZON' })
    expect(await nextData(events, 2)).toEqual(['a', 'b'])
    const last = await nextPayload(events)
    expect(last.Records).toEqual([])
    expect(last.ContinuationSequenceNumber).toBeUndefined()
    expect(last.ChildShards?.map((child) => child.ShardId)).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
    ])
    expect((await events.next()).done).toBe(true)
  })

  it('needs an ACTIVE consumer and an existing shard', async () => {
    const plane = await fanOutPlane()
    const creating = await registerConsumer(plane, 'new', 'CREATING')
    await expect(subscribe(plane, creating, { Type: 'LATEST' })).rejects.toMatchObject({
      type: 'ResourceInUseException',
      message: expect.stringContaining('is not in ACTIVE status.') as unknown,
    })
    const arn = await registerConsumer(plane)
    await expect(
      subscribe(plane, arn, { Type: 'LATEST' }, 'r', 'shardId-000000000009'),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
    await expect(
      subscribe(plane, `${plane.stream.streamArn}/consumer/nobody:1`, { Type: 'LATEST' }),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
  })

  it('ends an open subscription when its consumer is deregistered', async () => {
    const plane = await fanOutPlane()
    const arn = await registerConsumer(plane)
    const events = await subscribe(plane, arn, { Type: 'LATEST' })
    const [consumer] = await plane.consumers.list(plane.stream)
    if (consumer === undefined) throw new Error('no consumer')
    await plane.consumers.update({ ...consumer, status: 'DELETING', version: consumer.version + 1 })
    for (;;) {
      const next = await events.next()
      if (next.done === true) break
    }
  })

  it('reports the deletion of the stream as an exception', async () => {
    const plane = await fanOutPlane()
    const events = await subscribe(plane, await registerConsumer(plane), { Type: 'LATEST' })
    await plane.catalog.remove(plane.stream, plane.stream.version)
    await expect(events.next()).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
  })

  it('sends the records of an encrypted stream decrypted, marked KMS', async () => {
    const keyRing = derivedKeyRing(Buffer.alloc(32, 7))
    const plane = await fanOutPlane({}, { keyRing, encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' } })
    const sealing = sealingOf(plane.stream, keyRing)
    await plane.log.append(plane.stream.topic, [
      toRecordToAppend({ partition: 0, partitionKey: 'pk', data: Buffer.from('secret') }, sealing),
    ])
    const events = await subscribe(plane, await registerConsumer(plane), { Type: 'TRIM_HORIZON' })
    const [record] = (await nextPayload(events)).Records
    expect(Buffer.from(record?.Data ?? []).toString()).toBe('secret')
    expect(record?.EncryptionType).toBe('KMS')
  })
})
