// Control-plane operations interrupted at every point (the memory fakes fail or hang on demand, as a process
// killed at that point would leave things), then completed or rolled back by another replica or the reconciler.

import { describe, expect, it } from 'vitest'

import {
  ACCOUNT_ID,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  passFence,
  settleBackgroundWork,
  storedStream,
  streamKey,
  type FakeStreamsDeps,
} from '../../../test/support/streams/fake-streams-deps.ts'
import type { StreamsDeps } from '../deps.ts'
import { createStreamOperation } from '../operations/create-stream.ts'
import { deleteStreamOperation } from '../operations/delete-stream.ts'
import { describeStreamOperation } from '../operations/describe-stream.ts'
import { increaseStreamRetentionPeriodOperation } from '../operations/increase-stream-retention-period.ts'
import { putRecord } from '../operations/put-record.ts'
import { updateMaxRecordSizeOperation } from '../operations/update-max-record-size.ts'
import { updateShardCountOperation } from '../operations/update-shard-count.ts'
import { DEFAULT_CREATION_TIMEOUT_MS } from './stream-creation.ts'
import { DEFAULT_ORPHAN_TOPIC_GRACE_MS, reconcileStreams } from './stream-reconciler.ts'

const context = fakeContext()
const TOPIC = `kinesis.${ACCOUNT_ID}.us-east-1.orders`

/** Another gateway replica: the same catalog, log and clock, its own background work. */
function otherReplica(deps: FakeStreamsDeps): StreamsDeps {
  return { ...deps }
}

function create(deps: StreamsDeps, shardCount = 2) {
  return createStreamOperation(deps).handle({ StreamName: 'orders', ShardCount: shardCount }, context)
}

async function describeStatus(deps: StreamsDeps): Promise<string | undefined> {
  const { StreamDescription } = await describeStreamOperation(deps).handle({ StreamName: 'orders' }, context)
  return StreamDescription?.StreamStatus
}

async function put(deps: StreamsDeps, partitionKey = 'k') {
  return putRecord(deps).handle(
    { StreamName: 'orders', PartitionKey: partitionKey, Data: Buffer.from('x') },
    context,
  )
}

/** A stream that is ACTIVE shows every shard and takes writes on each of them. */
async function expectFullyWritable(deps: FakeStreamsDeps, shardCount: number): Promise<void> {
  const { StreamDescription } = await describeStreamOperation(deps).handle({ StreamName: 'orders' }, context)
  expect(StreamDescription?.StreamStatus).toBe('ACTIVE')
  const open = StreamDescription?.Shards?.filter(
    (shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined,
  )
  expect(open).toHaveLength(shardCount)
  expect(deps.recordLog.partitionCount(TOPIC)).toBeGreaterThanOrEqual(shardCount)
  for (let key = 0; key < 50; key++) await expect(put(deps, `key-${String(key)}`)).resolves.toBeDefined()
}

async function passCreation(deps: FakeStreamsDeps): Promise<void> {
  await settleBackgroundWork()
  deps.clock.advance(deps.settings.creatingDelayMs)
  await settleBackgroundWork()
}

describe('an interrupted CreateStream', () => {
  it('after the mark, before the record: the retry succeeds, and the reconciler drops the mark of a name not retried', async () => {
    const deps = fakeStreamsDeps()
    deps.catalog.faults.plan('create', 'hang-before')
    void create(deps)
    await settleBackgroundWork()
    expect(await deps.catalog.topicClaim(TOPIC)).toBeDefined()
    expect(await deps.catalog.get(streamKey('orders'))).toBeUndefined()

    // Nothing is deleted while the mark is young.
    expect((await reconcileStreams(deps)).deletedTopics).toEqual([])
    deps.clock.advance(DEFAULT_ORPHAN_TOPIC_GRACE_MS)
    expect((await reconcileStreams(deps)).deletedTopics).toEqual([TOPIC])
    expect(await deps.catalog.topicClaims()).toEqual([])

    const retry = otherReplica(deps)
    await create(retry)
    await passCreation(deps)
    await expectFullyWritable(deps, 2)
  })

  it('after the record, before the topic: the stream stays CREATING, unwritable, until another replica creates the topic', async () => {
    const deps = fakeStreamsDeps()
    deps.recordLog.faults.plan('createTopic', 'hang-before')
    await create(deps)
    await settleBackgroundWork()
    // Well past creatingDelayMs: without its topic the stream is still CREATING and takes no writes.
    deps.clock.advance(10 * deps.settings.creatingDelayMs)
    expect((await storedStream(deps, 'orders')).creation).toBeDefined()
    await expect(put(deps)).rejects.toMatchObject({ type: 'ResourceNotFoundException' })

    const other = otherReplica(deps)
    expect(await describeStatus(other)).toBe('CREATING')
    await settleBackgroundWork()
    expect(await describeStatus(other)).toBe('ACTIVE')
    await expectFullyWritable(deps, 2)
  })

  it('after the topic, before the record says so: another replica adopts the topic', async () => {
    const deps = fakeStreamsDeps()
    deps.recordLog.faults.plan('createTopic', 'hang-after')
    await create(deps, 3)
    await settleBackgroundWork()
    expect(await deps.recordLog.topicExists(TOPIC)).toBe(true)
    expect((await storedStream(deps, 'orders')).creation).toBeDefined()

    const other = otherReplica(deps)
    const report = await reconcileStreams(other)
    expect(report.resumed).toEqual(['orders'])
    await passCreation(deps)
    await expectFullyWritable(deps, 3)
  })

  it('that cannot complete in time is rolled back at its deadline, and a retry creates the stream', async () => {
    const deps = fakeStreamsDeps()
    deps.recordLog.faults.failAlways('createTopic')
    await create(deps)
    for (let waited = 0; waited <= DEFAULT_CREATION_TIMEOUT_MS; waited += 2_000) {
      await settleBackgroundWork()
      deps.clock.advance(2_000)
    }
    await settleBackgroundWork()
    await settleBackgroundWork()
    expect(await deps.catalog.get(streamKey('orders'))).toBeUndefined()
    expect(await deps.recordLog.topicExists(TOPIC)).toBe(false)

    deps.recordLog.faults.clear()
    await create(deps)
    await passCreation(deps)
    await expectFullyWritable(deps, 2)
  })

  it('whose replica died is rolled back by the next lookup after its deadline, and DeleteStream then finds nothing', async () => {
    const deps = fakeStreamsDeps()
    deps.recordLog.faults.plan('createTopic', 'hang-after')
    await create(deps)
    await settleBackgroundWork()
    deps.clock.advance(DEFAULT_CREATION_TIMEOUT_MS)
    const other = otherReplica(deps)
    await expect(
      deleteStreamOperation(other).handle({ StreamName: 'orders' }, context),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
    expect(await deps.catalog.get(streamKey('orders'))).toBeUndefined()
    expect(await deps.recordLog.topicExists(TOPIC)).toBe(false)
  })

  it('whose replica died is rolled back by a retried CreateStream after its deadline, which then creates the stream', async () => {
    const deps = fakeStreamsDeps()
    deps.recordLog.faults.plan('createTopic', 'hang-after')
    await create(deps, 4)
    await settleBackgroundWork()
    deps.clock.advance(DEFAULT_CREATION_TIMEOUT_MS)
    const other = otherReplica(deps)
    await create(other, 2)
    await passCreation(deps)
    // The topic of the abandoned creation went; the new one has the new shard count.
    expect(deps.recordLog.partitionCount(TOPIC)).toBe(2)
    await expectFullyWritable(deps, 2)
  })
})

describe('an interrupted DeleteStream', () => {
  it('after DELETING, before the topic went: the reconciler deletes the topic, then drops its mark', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders')
    deps.recordLog.faults.plan('deleteTopic', 'hang-before')
    void deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    await settleBackgroundWork()
    expect((await storedStream(deps, 'orders')).status).toBe('DELETING')
    expect(await deps.recordLog.topicExists(TOPIC)).toBe(true)

    const other = otherReplica(deps)
    expect((await reconcileStreams(other)).deletedTopics).toEqual([TOPIC])
    expect(await deps.recordLog.topicExists(TOPIC)).toBe(false)
    deps.clock.advance(DEFAULT_ORPHAN_TOPIC_GRACE_MS)
    await reconcileStreams(other)
    expect(await deps.catalog.topicClaims()).toEqual([])
  })
})

describe('an interrupted reshard', () => {
  it('after the partitions were added, before the catalog: the stream is unchanged and a retry completes it', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 2)
    deps.catalog.faults.plan('update', 'hang-before')
    void updateShardCountOperation(deps).handle(
      { StreamName: 'orders', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' },
      context,
    )
    await settleBackgroundWork()
    expect(deps.recordLog.partitionCount(TOPIC)).toBeGreaterThan(2)
    await expectFullyWritable(deps, 2)

    const other = otherReplica(deps)
    await updateShardCountOperation(other).handle(
      { StreamName: 'orders', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' },
      context,
    )
    await passFence(deps)
    await describeStatus(other)
    deps.clock.advance(deps.settings.updatingDelayMs)
    await expectFullyWritable(deps, 4)
  })

  it('after the catalog, before the seal: the next lookup seals the parents once their fence passed', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 2)
    // The replica that resharded dies during its fence wait.
    deps.sleep = () => new Promise(() => undefined)
    await updateShardCountOperation(deps).handle(
      { StreamName: 'orders', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' },
      context,
    )
    deps.clock.advance(Math.max(deps.settings.reshardFenceMs ?? 0, deps.settings.updatingDelayMs))
    expect(
      (await storedStream(deps, 'orders')).shards.some((shard) => shard.closingSinceMillis !== undefined),
    ).toBe(true)

    const other = otherReplica(deps)
    expect((await reconcileStreams(other)).resumed).toEqual(['orders'])
    expect(
      (await storedStream(deps, 'orders')).shards.some((shard) => shard.closingSinceMillis !== undefined),
    ).toBe(false)
    await expectFullyWritable(deps, 4)
  })
})

describe('an interrupted topic configuration change', () => {
  it('after the record, before the topic: the next lookup applies the configuration', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders')
    deps.recordLog.faults.plan('setTopicConfig', 'hang-before')
    void increaseStreamRetentionPeriodOperation(deps).handle(
      { StreamName: 'orders', RetentionPeriodHours: 48 },
      context,
    )
    await settleBackgroundWork()
    expect((await storedStream(deps, 'orders')).topicConfigPending).toBe(true)
    expect(deps.recordLog.topicConfig(TOPIC)['retention.ms']).toBe(String(24 * 3_600_000))

    await describeStatus(otherReplica(deps))
    expect(deps.recordLog.topicConfig(TOPIC)['retention.ms']).toBe(String(48 * 3_600_000))
    expect((await storedStream(deps, 'orders')).topicConfigPending).toBeUndefined()
  })

  it('whose topic change failed is applied by the reconciler', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders')
    deps.recordLog.faults.plan('setTopicConfig', 'fail')
    await expect(
      increaseStreamRetentionPeriodOperation(deps).handle(
        { StreamName: 'orders', RetentionPeriodHours: 72 },
        context,
      ),
    ).rejects.toThrow(/injected/)
    expect((await reconcileStreams(otherReplica(deps))).resumed).toEqual(['orders'])
    expect(deps.recordLog.topicConfig(TOPIC)['retention.ms']).toBe(String(72 * 3_600_000))
    expect((await storedStream(deps, 'orders')).topicConfigPending).toBeUndefined()
  })

  it('of the record size limit is marked pending until the topic has it', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders')
    deps.recordLog.faults.plan('setTopicConfig', 'hang-before')
    const { streamArn } = await storedStream(deps, 'orders')
    void updateMaxRecordSizeOperation(deps).handle(
      { StreamARN: streamArn, MaxRecordSizeInKiB: 2048 },
      context,
    )
    await settleBackgroundWork()
    expect(await storedStream(deps, 'orders')).toMatchObject({
      maxRecordSizeKiB: 2048,
      topicConfigPending: true,
    })
    await describeStatus(otherReplica(deps))
    expect((await storedStream(deps, 'orders')).topicConfigPending).toBeUndefined()
  })
})

describe('the reconciler', () => {
  it('never deletes a topic the gateway did not mark', async () => {
    const deps = fakeStreamsDeps()
    await deps.recordLog.createTopic('kinesis.123456789012.us-east-1.native', 1, {})
    await deps.recordLog.createTopic('native-events', 1, {})
    deps.clock.advance(10 * DEFAULT_ORPHAN_TOPIC_GRACE_MS)
    expect((await reconcileStreams(deps)).deletedTopics).toEqual([])
    expect(deps.recordLog.topicNames().sort()).toEqual([
      'kinesis.123456789012.us-east-1.native',
      'native-events',
    ])
  })

  it('deletes a marked topic no stream owns, and a CreateStream meeting the deletion half done finishes it first', async () => {
    const deps = fakeStreamsDeps()
    deps.catalog.faults.plan('create', 'fail')
    await expect(create(deps)).rejects.toThrow(/injected/)
    // The topic of the failed creation exists (as if a creation had made it before failing).
    await deps.recordLog.createTopic(TOPIC, 5, {})
    deps.clock.advance(DEFAULT_ORPHAN_TOPIC_GRACE_MS)
    // The reconciler marks the deletion, then dies before deleting.
    deps.recordLog.faults.plan('deleteTopic', 'hang-before')
    void reconcileStreams(deps)
    await settleBackgroundWork()
    expect((await deps.catalog.topicClaim(TOPIC))?.deletingSinceMillis).toBeDefined()

    await create(otherReplica(deps))
    await passCreation(deps)
    expect(deps.recordLog.partitionCount(TOPIC)).toBe(2)
    await expectFullyWritable(deps, 2)
  })
})
