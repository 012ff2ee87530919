import {
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  ListStreamConsumersCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
  SubscribeToShardCommand,
  type KinesisClient,
  type StartingPosition,
  type SubscribeToShardEvent,
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { kinesisClient, startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'
import { createActiveStream, rejection, waitUntilActive } from './fixture/streams.ts'

interface Delivery {
  values: string[]
  events: SubscribeToShardEvent[]
}

interface Subscription {
  /** Settles when the gateway answered with its initial response: position chosen, lease held. */
  ready: Promise<void>
  done: Promise<Delivery>
}

/**
 * Subscribes with the real SDK (HTTP/2 event stream) and collects events until `enough` says so, the stream
 * ends, or `timeoutMs` passes; then aborts the subscription.
 */
function startSubscription(
  client: KinesisClient,
  consumerArn: string,
  shardId: string,
  position: StartingPosition,
  enough: (delivery: Delivery) => boolean,
  timeoutMs = 15_000,
): Subscription {
  const abort = new AbortController()
  const timer = setTimeout(() => {
    abort.abort()
  }, timeoutMs)
  const delivery: Delivery = { values: [], events: [] }
  const response = client.send(
    new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: position }),
    { abortSignal: abort.signal },
  )
  const done = (async () => {
    try {
      for await (const event of (await response).EventStream ?? []) {
        const payload = event.SubscribeToShardEvent
        if (payload === undefined) continue
        delivery.events.push(payload)
        for (const record of payload.Records ?? [])
          delivery.values.push(Buffer.from(record.Data ?? []).toString())
        if (enough(delivery)) break
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error
    } finally {
      clearTimeout(timer)
      abort.abort()
    }
    return delivery
  })()
  const ready = response.then(() => undefined)
  // Failures surface through `done`; `ready` only tells when streaming began. Neither may go unobserved.
  done.catch(() => undefined)
  ready.catch(() => undefined)
  return { ready, done }
}

function subscribe(...args: Parameters<typeof startSubscription>): Promise<Delivery> {
  return startSubscription(...args).done
}

async function waitForConsumer(client: KinesisClient, consumerArn: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { ConsumerDescription } = await client.send(
      new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }),
    )
    if (ConsumerDescription?.ConsumerStatus === 'ACTIVE') return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${consumerArn} did not become ACTIVE`)
}

describe('enhanced fan-out on real Kafka and Redis through @aws-sdk/client-kinesis', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let gateway: TestGateway
  let client: KinesisClient

  beforeAll(async () => {
    gateway = await startTestGateway(stack, { STREAM_RESHARD_FENCE_MS: '200' })
    client = kinesisClient(gateway.endpoint, accountId, 'HTTP/2')
  })

  afterAll(async () => {
    client.destroy()
    await gateway.stop()
  })

  async function registerConsumer(streamArn: string, name: string): Promise<string> {
    const { Consumer } = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }),
    )
    const consumerArn = Consumer?.ConsumerARN ?? ''
    expect(consumerArn).toMatch(new RegExp(`^${streamArn}/consumer/${name}:\\d+$`))
    await waitForConsumer(client, consumerArn)
    return consumerArn
  }

  async function put(streamName: string, values: string[]): Promise<string[]> {
    const result = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: values.map((value) => ({ PartitionKey: 'one-key', Data: Buffer.from(value) })),
      }),
    )
    return (result.Records ?? []).map((record) => record.SequenceNumber ?? '')
  }

  it('delivers from every starting position and resumes from the continuation number without loss or repeat', async () => {
    const streamName = uniqueName('efo')
    await createActiveStream(client, streamName, 1)
    const streamArn = `arn:aws:kinesis:us-east-1:${accountId}:stream/${streamName}`
    const consumerArn = await registerConsumer(streamArn, 'reader')
    const listed = await client.send(new ListStreamConsumersCommand({ StreamARN: streamArn }))
    expect(listed.Consumers?.map((consumer) => consumer.ConsumerName)).toEqual(['reader'])

    const before = new Date(Date.now() - 1000)
    const sequenceNumbers = await put(streamName, ['r0', 'r1', 'r2', 'r3', 'r4'])
    const shard = 'shardId-000000000000'
    const all = (delivery: Delivery): boolean => delivery.values.length >= 5

    expect((await subscribe(client, consumerArn, shard, { Type: 'TRIM_HORIZON' }, all)).values).toEqual([
      'r0',
      'r1',
      'r2',
      'r3',
      'r4',
    ])
    const atTimestamp = await subscribe(
      client,
      consumerArn,
      shard,
      { Type: 'AT_TIMESTAMP', Timestamp: before },
      all,
    )
    expect(atTimestamp.values).toEqual(['r0', 'r1', 'r2', 'r3', 'r4'])
    const at = await subscribe(
      client,
      consumerArn,
      shard,
      { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: sequenceNumbers[2] },
      (delivery) => delivery.values.length >= 3,
    )
    expect(at.values).toEqual(['r2', 'r3', 'r4'])

    // Read two, then resume after the continuation number of the event that carried them.
    const partial = await subscribe(
      client,
      consumerArn,
      shard,
      { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: sequenceNumbers[0] },
      (delivery) => delivery.values.length >= 1,
    )
    const continuation = partial.events.at(-1)?.ContinuationSequenceNumber
    expect(continuation).toBeDefined()
    const resumed = await subscribe(
      client,
      consumerArn,
      shard,
      { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: continuation },
      (delivery) => partial.values.length + delivery.values.length >= 4,
    )
    expect([...partial.values, ...resumed.values]).toEqual(['r1', 'r2', 'r3', 'r4'])

    // LATEST: only what is written after the subscription starts, pushed as it arrives.
    const latest = startSubscription(
      client,
      consumerArn,
      shard,
      { Type: 'LATEST' },
      (delivery) => delivery.values.length >= 1,
    )
    await latest.ready
    await put(streamName, ['pushed'])
    expect((await latest.done).values).toEqual(['pushed'])

    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }))
    const { ConsumerDescription } = await client.send(
      new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }),
    )
    expect(ConsumerDescription?.ConsumerStatus).toBe('DELETING')
    await client.send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }))
  })

  it('serves several consumers independently and refuses a second subscription of one consumer', async () => {
    const streamName = uniqueName('efo-many')
    await createActiveStream(client, streamName, 1)
    const streamArn = `arn:aws:kinesis:us-east-1:${accountId}:stream/${streamName}`
    const consumers = await Promise.all(
      ['one', 'two', 'three'].map((name) => registerConsumer(streamArn, name)),
    )
    const shard = 'shardId-000000000000'

    const subscriptions = consumers.map((consumerArn) =>
      startSubscription(
        client,
        consumerArn,
        shard,
        { Type: 'LATEST' },
        (delivery) => delivery.values.length >= 3,
      ),
    )
    await Promise.all(subscriptions.map((subscription) => subscription.ready))
    // A subscription that ended early frees its lease: say why, rather than that the second one was accepted.
    const endedEarly = Promise.race(subscriptions.map((subscription) => subscription.done)).then(
      (delivery) => {
        throw new Error(`a subscription ended before any record was written: ${JSON.stringify(delivery)}`)
      },
    )
    // Sent without a time limit: an aborted call must not pass for a refused one on a slow machine.
    const second = await Promise.race([
      endedEarly,
      rejection<{ name: string }>(
        client.send(
          new SubscribeToShardCommand({
            ConsumerARN: consumers[0],
            ShardId: shard,
            StartingPosition: { Type: 'LATEST' },
          }),
        ),
      ),
    ])
    expect(second.name).toBe('ResourceInUseException')
    await put(streamName, ['a', 'b', 'c'])
    const deliveries = await Promise.all(subscriptions.map((subscription) => subscription.done))
    for (const delivery of deliveries) expect(delivery.values).toEqual(['a', 'b', 'c'])

    await client.send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }))
  })

  it('ends a parent subscription with ChildShards after a split, and the children continue', async () => {
    const streamName = uniqueName('efo-split')
    await createActiveStream(client, streamName, 1)
    const streamArn = `arn:aws:kinesis:us-east-1:${accountId}:stream/${streamName}`
    const consumerArn = await registerConsumer(streamArn, 'follower')
    await put(streamName, ['before-split'])

    const parent = startSubscription(
      client,
      consumerArn,
      'shardId-000000000000',
      { Type: 'TRIM_HORIZON' },
      (delivery) => (delivery.events.at(-1)?.ChildShards?.length ?? 0) > 0,
      20_000,
    )
    await parent.ready
    await client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: '170141183460469231731687303715884105728',
      }),
    )
    await waitUntilActive(client, streamName)
    const ended = await parent.done
    expect(ended.values).toEqual(['before-split'])
    const childShards = ended.events.at(-1)?.ChildShards?.map((child) => child.ShardId)
    expect(childShards).toEqual(['shardId-000000000001', 'shardId-000000000002'])

    const [sequenceNumber] = await put(streamName, ['after-split'])
    expect(sequenceNumber).toBeDefined()
    const children = await Promise.all(
      (childShards ?? []).map((shardId) =>
        subscribe(
          client,
          consumerArn,
          shardId ?? '',
          { Type: 'TRIM_HORIZON' },
          (delivery) => delivery.events.length >= 1,
          5_000,
        ),
      ),
    )
    expect(children.flatMap((delivery) => delivery.values)).toEqual(['after-split'])

    await client.send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }))
  })
})
