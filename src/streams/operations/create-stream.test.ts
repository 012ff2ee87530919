import { describe, expect, it } from 'vitest'

import { startingSequenceNumber } from '../../mapping/sequence-numbers.ts'
import {
  ACCOUNT_ID,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  settleBackgroundWork,
  storedStream,
  streamKey,
  type FakeStreamsDeps,
} from '../../../test/support/streams/fake-streams-deps.ts'
import { DEFAULT_CREATION_TIMEOUT_MS } from '../catalog/stream-creation.ts'
import { createStreamOperation } from './create-stream.ts'
import { deleteStreamOperation } from './delete-stream.ts'
import { describeStreamOperation } from './describe-stream.ts'

const context = fakeContext()
const TOPIC = `kinesis.${ACCOUNT_ID}.us-east-1.orders`

function create(
  deps: FakeStreamsDeps,
  input: Parameters<ReturnType<typeof createStreamOperation>['handle']>[0],
) {
  return createStreamOperation(deps).handle(input, context)
}

describe('CreateStream', () => {
  it('marks the topic, stores the stream CREATING, and creates its topic in the background', async () => {
    const deps = fakeStreamsDeps()
    const now = deps.clock.now()
    deps.recordLog.faults.plan('createTopic', 'hang-before')
    await expect(create(deps, { StreamName: 'orders', ShardCount: 3 })).resolves.toBeUndefined()
    await settleBackgroundWork()
    // Returned at once, with the topic not there yet.
    expect(await deps.recordLog.topicExists(TOPIC)).toBe(false)
    expect(await deps.catalog.topicClaim(TOPIC)).toEqual({
      ...streamKey('orders'),
      topic: TOPIC,
      claimedAtMillis: now,
    })
    expect(await storedStream(deps, 'orders')).toMatchObject({
      status: 'CREATING',
      creation: { deadlineMillis: now + DEFAULT_CREATION_TIMEOUT_MS },
      version: 1,
    })
  })

  it('clears the pending creation once its topic serves one partition per shard', async () => {
    const deps = fakeStreamsDeps()
    const now = deps.clock.now()
    await expect(create(deps, { StreamName: 'orders', ShardCount: 3 })).resolves.toBeUndefined()
    await settleBackgroundWork()

    const stream = await storedStream(deps, 'orders')
    expect(stream.creation).toBeUndefined()
    expect(stream).toMatchObject({
      streamArn: `arn:aws:kinesis:us-east-1:${ACCOUNT_ID}:stream/orders`,
      topic: TOPIC,
      status: 'CREATING',
      statusUntilMillis: now + deps.settings.creatingDelayMs,
      incarnation: now,
      createdAtMillis: now,
      mode: 'PROVISIONED',
      retentionPeriodHours: 24,
      encryption: { type: 'NONE' },
      maxRecordSizeKiB: 1024,
      tags: {},
      version: 2,
    })
    expect(stream.shards).toHaveLength(3)
    expect(deps.recordLog.topicConfig(TOPIC)).toEqual({
      'cleanup.policy': 'delete',
      'message.timestamp.type': 'LogAppendTime',
      'retention.ms': '86400000',
      'max.message.bytes': String(16 * 1024 * 1024),
    })
    expect((await deps.recordLog.offsetRange(TOPIC, 2)).latest).toBe(0)
  })

  it('becomes ACTIVE once creatingDelayMs has passed', async () => {
    const deps = fakeStreamsDeps()
    await create(deps, { StreamName: 'orders', ShardCount: 2 })
    const describe = () => describeStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    expect((await describe()).StreamDescription).toMatchObject({ StreamStatus: 'CREATING', Shards: [] })
    deps.clock.advance(deps.settings.creatingDelayMs)
    const description = (await describe()).StreamDescription
    expect(description?.StreamStatus).toBe('ACTIVE')
    expect(description?.Shards?.[1]?.SequenceNumberRange?.StartingSequenceNumber).toBe(
      startingSequenceNumber({
        incarnation: deps.clock.now() - deps.settings.creatingDelayMs,
        shardIndex: 1,
      }),
    )
  })

  it('stores tags, the stream mode and the record size limit', async () => {
    const deps = fakeStreamsDeps()
    await create(deps, {
      StreamName: 'orders',
      ShardCount: 1,
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      Tags: { team: 'billing', empty: '' },
      MaxRecordSizeInKiB: 10240,
    })
    expect(await storedStream(deps, 'orders')).toMatchObject({
      mode: 'ON_DEMAND',
      tags: { team: 'billing', empty: '' },
      maxRecordSizeKiB: 10240,
    })
    expect(deps.recordLog.topicConfig(TOPIC)['max.message.bytes']).toBe(String(16 * 1024 * 1024))
  })

  it('gives an ON_DEMAND stream without ShardCount the configured number of shards', async () => {
    const deps = fakeStreamsDeps({ onDemandShardCount: 6 })
    await create(deps, { StreamName: 'orders', StreamModeDetails: { StreamMode: 'ON_DEMAND' } })
    expect((await storedStream(deps, 'orders')).shards).toHaveLength(6)
  })

  it('requires ShardCount for a PROVISIONED stream', async () => {
    const deps = fakeStreamsDeps()
    await expect(create(deps, { StreamName: 'orders' })).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: 'ShardCount is required for a stream in PROVISIONED mode.',
    })
  })

  it('reports violations in the order AWS does', async () => {
    const deps = fakeStreamsDeps()
    await expect(create(deps, {} as never)).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null",
    })
    await expect(create(deps, { StreamName: '', ShardCount: 0 })).rejects.toMatchObject({
      message:
        '3 validation errors detected: ' +
        "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    })
    await expect(
      create(deps, { StreamName: 'orders', StreamModeDetails: { StreamMode: 'FAST' as never } }),
    ).rejects.toMatchObject({
      message:
        "1 validation error detected: Value 'FAST' at 'streamModeDetails.streamMode' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]',
    })
  })

  it('refuses a name that exists, whatever its status', async () => {
    const deps = fakeStreamsDeps()
    await create(deps, { StreamName: 'orders', ShardCount: 1 })
    const exists = {
      type: 'ResourceInUseException',
      message: `Stream orders under account ${ACCOUNT_ID} already exists.`,
    }
    await expect(create(deps, { StreamName: 'orders', ShardCount: 1 })).rejects.toMatchObject(exists)
    deps.clock.advance(deps.settings.creatingDelayMs)
    await deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    await expect(create(deps, { StreamName: 'orders', ShardCount: 1 })).rejects.toMatchObject(exists)
  })

  it('re-creates a deleted stream once it is gone, with a new incarnation and a fresh topic', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 2)
    const first = await storedStream(deps, 'orders')
    await deps.recordLog.append(TOPIC, [{ partition: 0, key: Buffer.from('k'), value: Buffer.from('v') }])
    await deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    deps.clock.advance(deps.settings.deletingDelayMs)

    await create(deps, { StreamName: 'orders', ShardCount: 1 })
    const second = await storedStream(deps, 'orders')
    expect(second.incarnation).toBeGreaterThan(first.incarnation)
    expect(second).toMatchObject({ status: 'CREATING' })
    expect(second.shards).toHaveLength(1)
    await settleBackgroundWork()
    expect((await deps.recordLog.offsetRange(TOPIC, 0)).latest).toBe(0)
  })

  it('keeps incarnations increasing when the clock steps back', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 1)
    const first = await storedStream(deps, 'orders')
    await deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    deps.clock.advance(deps.settings.deletingDelayMs)
    const stepBack = deps.clock.now() - first.incarnation + 1000
    deps.clock.advance(-stepBack)
    // The deleted stream's phase ended before the step back; move its end before the new "now".
    const gone = await storedStream(deps, 'orders')
    await deps.catalog.update({ ...gone, statusUntilMillis: deps.clock.now() - 1, version: gone.version + 1 })

    await create(deps, { StreamName: 'orders', ShardCount: 1 })
    expect((await storedStream(deps, 'orders')).incarnation).toBe(first.incarnation + 1)
  })

  it('refuses more open shards than the account limit, counting every stream of the account and region', async () => {
    const deps = fakeStreamsDeps({ shardLimit: 10 })
    await create(deps, { StreamName: 'a', ShardCount: 3 })
    await createStreamOperation(deps).handle(
      { StreamName: 'b', ShardCount: 9 },
      fakeContext({ region: 'eu-west-1' }),
    )
    await expect(create(deps, { StreamName: 'orders', ShardCount: 8 })).rejects.toMatchObject({
      type: 'LimitExceededException',
      message:
        `This request would exceed the shard limit for the account ${ACCOUNT_ID} in us-east-1. ` +
        'Current shard count for the account: 3. Limit: 10. ' +
        'Number of additional shards that would have resulted from this request: 8. ' +
        'Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) ' +
        'for current limits and how to request higher limits.',
    })
    await expect(create(deps, { StreamName: 'orders', ShardCount: 7 })).resolves.toBeUndefined()
  })

  it('refuses more ON_DEMAND streams than the account may have', async () => {
    const deps = fakeStreamsDeps({ shardLimit: 1000, onDemandShardCount: 1 })
    const onDemand = { StreamMode: 'ON_DEMAND' as const }
    for (let index = 0; index < 50; index++) {
      await create(deps, { StreamName: `s${index}`, StreamModeDetails: onDemand })
    }
    await expect(create(deps, { StreamName: 'orders', StreamModeDetails: onDemand })).rejects.toMatchObject({
      type: 'LimitExceededException',
      message: expect.stringContaining('limit of 50 ON_DEMAND streams') as unknown,
    })
    await expect(create(deps, { StreamName: 'orders', ShardCount: 1 })).resolves.toBeUndefined()
  })

  it('refuses more than 100000 shards in one stream', async () => {
    const deps = fakeStreamsDeps({ shardLimit: 500_000 })
    await expect(create(deps, { StreamName: 'orders', ShardCount: 100_001 })).rejects.toMatchObject({
      type: 'LimitExceededException',
      message: 'A stream can have at most 100000 shards; 100001 were requested.',
    })
  })

  it('refuses a name whose topic would collide with that of another stream', async () => {
    const deps = fakeStreamsDeps()
    await create(deps, { StreamName: 'orders.eu', ShardCount: 1 })
    await expect(create(deps, { StreamName: 'orders_eu', ShardCount: 1 })).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: expect.stringContaining(
        `its Kafka topic kinesis.${ACCOUNT_ID}.us-east-1.orders_eu would collide with the topic ` +
          `kinesis.${ACCOUNT_ID}.us-east-1.orders.eu of stream orders.eu`,
      ) as unknown,
    })
    expect(await deps.catalog.get(streamKey('orders_eu'))).toBeUndefined()
  })

  it('refuses more than 50 tags and tags with invalid characters', async () => {
    const deps = fakeStreamsDeps()
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`key${index}`, 'value']))
    await expect(create(deps, { StreamName: 'orders', ShardCount: 1, Tags: tags })).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: `Failed to add tags to stream orders under account ${ACCOUNT_ID} because a given stream cannot have more than 50 tags associated with it.`,
    })
    await expect(
      create(deps, { StreamName: 'orders', ShardCount: 1, Tags: { 'a*b': 'x' } }),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
    })
    expect(await deps.catalog.get(streamKey('orders'))).toBeUndefined()
  })

  it('refuses a name whose topic exists without the mark of the gateway, and leaves that topic alone', async () => {
    const deps = fakeStreamsDeps()
    await deps.recordLog.createTopic(TOPIC, 1, {})
    await deps.recordLog.append(TOPIC, [{ partition: 0, key: Buffer.from('k'), value: Buffer.from('v') }])
    await expect(create(deps, { StreamName: 'orders', ShardCount: 1 })).rejects.toThrow(
      `the Kafka topic ${TOPIC} exists and was not created by this gateway`,
    )
    expect(await deps.catalog.get(streamKey('orders'))).toBeUndefined()
    expect((await deps.recordLog.offsetRange(TOPIC, 0)).latest).toBe(1)
  })
})
