import type { _Record, PutRecordsResultEntry } from '@aws-sdk/client-kinesis'
import { describe, expect, it } from 'vitest'

import type { MemoryStreamCatalog } from '../../../test/support/memory/memory-stream-catalog.ts'
import { fromHexHashKey, hashKeyOfPartitionKey, midpointHashKey } from '../../mapping/hash-keys.ts'
import type {
  AccountScope,
  ShardRecord,
  StreamCatalog,
  StreamKey,
  StreamRecord,
  TopicClaim,
} from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { openShards } from '../catalog/shard-map.ts'
import { getRecords } from '../operations/get-records.ts'
import { getShardIterator } from '../operations/get-shard-iterator.ts'
import { mergeShardsOperation } from '../operations/merge-shards.ts'
import { putRecord } from '../operations/put-record.ts'
import { putRecords } from '../operations/put-records.ts'
import { splitShardOperation } from '../operations/split-shard.ts'
import { updateShardCountOperation } from '../operations/update-shard-count.ts'
import {
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  passFence,
  settleBackgroundWork,
  storedStream,
  streamKey,
  type FakeStreamsDeps,
} from '../../../test/support/streams/fake-streams-deps.ts'

const context = fakeContext()
const KEY = streamKey('orders')
const HALF = (2n ** 127n).toString()

/**
 * The catalog as another gateway replica sees it: the same store, but a cache that can lag behind, returning
 * an older record for its next few cached reads.
 */
class LaggingCatalog implements StreamCatalog {
  private stale: StreamRecord | undefined
  private staleReads = 0

  constructor(private readonly store: MemoryStreamCatalog) {}

  lagBehind(stale: StreamRecord, reads = 1): void {
    this.stale = Object.freeze(stale)
    this.staleReads = reads
  }

  get(key: StreamKey) {
    return this.store.get(key)
  }

  getCached(key: StreamKey) {
    if (this.staleReads > 0 && this.stale !== undefined) {
      this.staleReads--
      return Promise.resolve(this.stale)
    }
    return this.store.getCached(key)
  }

  create(record: StreamRecord) {
    return this.store.create(record)
  }

  update(record: StreamRecord) {
    return this.store.update(record)
  }

  remove(key: StreamKey, expectedVersion: number) {
    return this.store.remove(key, expectedVersion)
  }

  listNames(scope: AccountScope, exclusiveStartName: string | undefined, limit: number) {
    return this.store.listNames(scope, exclusiveStartName, limit)
  }

  listAll(scope: AccountScope) {
    return this.store.listAll(scope)
  }

  claimTopic(claim: TopicClaim) {
    return this.store.claimTopic(claim)
  }

  topicClaim(topic: string) {
    return this.store.topicClaim(topic)
  }

  topicClaims() {
    return this.store.topicClaims()
  }

  replaceTopicClaim(expected: TopicClaim, next: TopicClaim | undefined) {
    return this.store.replaceTopicClaim(expected, next)
  }

  close() {
    return this.store.close()
  }
}

interface Replicas {
  /** The replica that reshards; its cache is always current. */
  a: FakeStreamsDeps
  /** Another replica sharing Kafka, the catalog and the clock. */
  b: StreamsDeps
  lagging: LaggingCatalog
}

async function replicas(shardCount: number): Promise<Replicas> {
  const a = fakeStreamsDeps({ shardLimit: 100 })
  await createActiveStream(a, 'orders', shardCount)
  const lagging = new LaggingCatalog(a.catalog)
  return { a, b: { ...a, catalog: lagging }, lagging }
}

/** Runs `work`, moving the shared clock on while it waits (for a fence, or a seal). */
async function withClockRunning<T>(deps: FakeStreamsDeps, work: Promise<T>): Promise<T> {
  const finished = work.then(
    () => true,
    () => true,
  )
  const pause = () => settleBackgroundWork().then(() => false)
  while (!(await Promise.race([finished, pause()]))) deps.clock.advance(100)
  return work
}

async function openByKey(deps: FakeStreamsDeps): Promise<ShardRecord[]> {
  return openShards(await storedStream(deps, 'orders')).sort((x, y) =>
    BigInt(x.startingHashKey) < BigInt(y.startingHashKey) ? -1 : 1,
  )
}

function put(deps: StreamsDeps, partitionKey: string, data: string) {
  return putRecord(deps).handle(
    { StreamName: 'orders', PartitionKey: partitionKey, Data: Buffer.from(data) },
    context,
  )
}

interface ReadRecord {
  shardId: string
  sequenceNumber: string
  partitionKey: string
  data: string
}

/** Every record readable through the Kinesis API, shard by shard in index order (parents before children). */
async function readEverything(
  deps: StreamsDeps,
): Promise<{ records: ReadRecord[]; ends: Map<string, string[]> }> {
  const stream = await deps.catalog.get(KEY)
  const records: ReadRecord[] = []
  const ends = new Map<string, string[]>()
  for (const shard of stream?.shards ?? []) {
    const shardId = `shardId-${String(shard.index).padStart(12, '0')}`
    const { ShardIterator } = await getShardIterator(deps).handle(
      { StreamName: 'orders', ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' },
      context,
    )
    let iterator = ShardIterator
    while (iterator !== undefined) {
      const page = await getRecords(deps).handle({ ShardIterator: iterator, Limit: 3 }, context)
      records.push(...(page.Records ?? []).map((record: _Record) => toRead(shardId, record)))
      if (page.NextShardIterator === undefined) {
        ends.set(
          shardId,
          (page.ChildShards ?? []).map((child) => child.ShardId ?? ''),
        )
      }
      iterator = (page.Records ?? []).length === 0 ? undefined : page.NextShardIterator
    }
  }
  return { records, ends }
}

function toRead(shardId: string, record: _Record): ReadRecord {
  return {
    shardId,
    sequenceNumber: record.SequenceNumber ?? '',
    partitionKey: record.PartitionKey ?? '',
    data: Buffer.from(record.Data ?? new Uint8Array()).toString(),
  }
}

describe('fencing a resharded parent', () => {
  it('re-routes a write that a stale replica appended to the parent after it was sealed', async () => {
    const { a, b, lagging } = await replicas(1)
    await put(a, 'k', 'before-1')
    await put(a, 'k', 'before-2')
    const beforeSplit = await storedStream(a, 'orders')
    await splitShardOperation(a).handle(
      { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: HALF },
      context,
    )
    await passFence(a)
    expect((await storedStream(a, 'orders')).shards[0]?.endingOffset).toBe(2)

    // Replica b routes with the map from before the split; by the time Kafka acknowledges, its cache is current.
    lagging.lagBehind(beforeSplit)
    const late = await withClockRunning(a, put(b, 'k', 'late'))
    const child =
      fromHexHashKey(hashKeyOfPartitionKey('k')) < 2n ** 127n
        ? 'shardId-000000000001'
        : 'shardId-000000000002'
    expect(late.ShardId).toBe(child)
    // The stray copy is in the parent's partition, past its end.
    expect((await a.recordLog.offsetRange(beforeSplit.topic, 0)).latest).toBe(3)

    const { records, ends } = await readEverything(a)
    expect(records.map((record) => [record.shardId, record.data])).toEqual([
      ['shardId-000000000000', 'before-1'],
      ['shardId-000000000000', 'before-2'],
      [child, 'late'],
    ])
    expect(records[2]?.sequenceNumber).toBe(late.SequenceNumber)
    expect(ends.get('shardId-000000000000')).toEqual(['shardId-000000000001', 'shardId-000000000002'])
  })

  it('keeps in the parent a write that landed before the seal, answering once the parent is sealed', async () => {
    const { a, b, lagging } = await replicas(1)
    await put(a, 'k', 'before')
    const beforeSplit = await storedStream(a, 'orders')
    await splitShardOperation(a).handle(
      { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: HALF },
      context,
    )

    lagging.lagBehind(beforeSplit)
    let answered = false
    const pending = put(b, 'k', 'while-closing').finally(() => {
      answered = true
    })
    await settleBackgroundWork()
    expect(answered).toBe(false)
    await passFence(a)
    const result = await pending
    expect(result.ShardId).toBe('shardId-000000000000')
    expect((await storedStream(a, 'orders')).shards[0]?.endingOffset).toBe(2)

    const { records } = await readEverything(a)
    expect(records.map((record) => [record.shardId, record.data, record.sequenceNumber])).toEqual([
      ['shardId-000000000000', 'before', expect.any(String)],
      ['shardId-000000000000', 'while-closing', result.SequenceNumber],
    ])
  })

  it('lets a writer seal the parent itself when the gateway that resharded stopped', async () => {
    const { a, b, lagging } = await replicas(1)
    const beforeSplit = await storedStream(a, 'orders')
    const stopped = { ...a, sleep: () => new Promise<void>(() => undefined) }
    await splitShardOperation(stopped).handle(
      { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: HALF },
      context,
    )
    lagging.lagBehind(beforeSplit)
    const result = await withClockRunning(a, put(b, 'k', 'late'))
    expect(result.ShardId).toBe('shardId-000000000000')
    expect((await storedStream(a, 'orders')).shards[0]).toMatchObject({ endingOffset: 1 })
  })

  it('acknowledges a write to a child only once its parent is sealed', async () => {
    const { a } = await replicas(1)
    await splitShardOperation(a).handle(
      { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: HALF },
      context,
    )
    let answered = false
    const pending = put(a, 'k', 'child').finally(() => {
      answered = true
    })
    await settleBackgroundWork()
    expect(answered).toBe(false)
    await passFence(a)
    expect((await pending).ShardId).not.toBe('shardId-000000000000')
  })

  it('re-routes each stray record of a PutRecords to the child that owns it, in order', async () => {
    const { a, b, lagging } = await replicas(1)
    const beforeSplit = await storedStream(a, 'orders')
    await splitShardOperation(a).handle(
      { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: HALF },
      context,
    )
    await passFence(a)
    lagging.lagBehind(beforeSplit)
    const entries = ['low', 'high'].flatMap((side) =>
      [1, 2].map((n) => ({
        PartitionKey: `${side}-${n}`,
        ExplicitHashKey: side === 'low' ? '5' : HALF,
        Data: Buffer.from(`${side}-${n}`),
      })),
    )
    const output = await withClockRunning(
      a,
      putRecords(b).handle({ StreamName: 'orders', Records: entries }, context),
    )
    expect(output.FailedRecordCount).toBe(0)
    expect(output.Records?.map((entry: PutRecordsResultEntry) => entry.ShardId)).toEqual([
      'shardId-000000000001',
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000002',
    ])
    const { records } = await readEverything(a)
    expect(records.map((record) => [record.shardId, record.data, record.sequenceNumber])).toEqual(
      entries.map((entry, position) => [
        output.Records?.[position]?.ShardId,
        entry.PartitionKey,
        output.Records?.[position]?.SequenceNumber,
      ]),
    )
  })
})

describe('reading a resharded parent', () => {
  it('reads a closing parent up to its high watermark, and a sealed one to its end and its children', async () => {
    const { a } = await replicas(1)
    await put(a, 'k', 'one')
    await splitShardOperation(a).handle(
      { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: HALF },
      context,
    )
    const { ShardIterator } = await getShardIterator(a).handle(
      { StreamName: 'orders', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' },
      context,
    )
    const closing = await getRecords(a).handle({ ShardIterator: ShardIterator ?? '' }, context)
    expect(closing.Records).toHaveLength(1)
    expect(closing.NextShardIterator).toBeDefined()
    expect(closing.ChildShards).toBeUndefined()

    await passFence(a)
    const sealed = await getRecords(a).handle({ ShardIterator: closing.NextShardIterator ?? '' }, context)
    expect(sealed.Records).toEqual([])
    expect(sealed.NextShardIterator).toBeUndefined()
    expect(sealed.ChildShards?.map((child) => [child.ShardId, child.ParentShards])).toEqual([
      ['shardId-000000000001', ['shardId-000000000000']],
      ['shardId-000000000002', ['shardId-000000000000']],
    ])
  })
})

describe('resharding while writes continue', () => {
  it('reads back every acknowledged record exactly once, in order per partition key', async () => {
    const { a, b, lagging } = await replicas(2)
    const keys = Array.from({ length: 12 }, (_unused, index) => `key-${index}`)
    const acknowledged: ReadRecord[] = []
    let round = 0

    /**
     * Per key, one record through a (current map), then one through b (routing with `stale` when given): the
     * second must not read before the first although b may route it to a parent of a's shard.
     */
    const writeRound = async (stale?: StreamRecord) => {
      round++
      for (const partitionKey of keys) {
        for (const [replica, deps] of [
          ['a', a],
          ['b', b],
        ] as const) {
          if (replica === 'b' && stale !== undefined) lagging.lagBehind(stale)
          const data = `${partitionKey}/${round}/${replica}`
          const result = await withClockRunning(a, put(deps, partitionKey, data))
          acknowledged.push({
            shardId: result.ShardId ?? '',
            sequenceNumber: result.SequenceNumber ?? '',
            partitionKey,
            data,
          })
        }
      }
      const entries = keys.map((partitionKey) => ({
        PartitionKey: partitionKey,
        Data: Buffer.from(`${partitionKey}/${round}/batch`),
      }))
      if (stale !== undefined) lagging.lagBehind(stale)
      const output = await withClockRunning(
        a,
        putRecords(b).handle({ StreamName: 'orders', Records: entries }, context),
      )
      entries.forEach((entry, position) => {
        const result = output.Records?.[position]
        acknowledged.push({
          shardId: result?.ShardId ?? '',
          sequenceNumber: result?.SequenceNumber ?? '',
          partitionKey: entry.PartitionKey,
          data: `${entry.PartitionKey}/${round}/batch`,
        })
      })
    }

    const reshards: (() => Promise<unknown>)[] = [
      () =>
        updateShardCountOperation(a).handle(
          { StreamName: 'orders', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' },
          context,
        ),
      async () => {
        const [lowest] = await openByKey(a)
        const range = { start: BigInt(lowest?.startingHashKey ?? 0), end: BigInt(lowest?.endingHashKey ?? 0) }
        return splitShardOperation(a).handle(
          {
            StreamName: 'orders',
            ShardToSplit: `shard-${lowest?.index}`,
            NewStartingHashKey: midpointHashKey(range).toString(),
          },
          context,
        )
      },
      async () => {
        const [lower, upper] = await openByKey(a)
        return mergeShardsOperation(a).handle(
          {
            StreamName: 'orders',
            ShardToMerge: `shard-${lower?.index}`,
            AdjacentShardToMerge: `shard-${upper?.index}`,
          },
          context,
        )
      },
      () =>
        updateShardCountOperation(a).handle(
          { StreamName: 'orders', TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' },
          context,
        ),
      () =>
        updateShardCountOperation(a).handle(
          { StreamName: 'orders', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' },
          context,
        ),
    ]

    await writeRound()
    for (const reshard of reshards) {
      const before = await storedStream(a, 'orders')
      await reshard()
      // Closing: b still routes with the old map, a with the new one.
      await writeRound(before)
      a.clock.advance(300)
      await writeRound(before)
      await passFence(a)
      // Sealed: b's stale writes land past the parents' ends and are sent again.
      await writeRound(before)
      a.clock.advance(a.settings.updatingDelayMs)
      await writeRound()
    }

    const { records } = await readEverything(a)
    expect(records).toHaveLength(acknowledged.length)
    const bySequence = new Map(
      records.map((record) => [`${record.shardId}/${record.sequenceNumber}`, record]),
    )
    expect(bySequence.size).toBe(records.length)
    for (const record of acknowledged) {
      expect(bySequence.get(`${record.shardId}/${record.sequenceNumber}`)).toEqual(record)
    }
    for (const partitionKey of keys) {
      const written = acknowledged.filter((record) => record.partitionKey === partitionKey).map((r) => r.data)
      const read = records.filter((record) => record.partitionKey === partitionKey).map((r) => r.data)
      expect(read).toEqual(written)
    }
    const stream = await storedStream(a, 'orders')
    expect(stream.shards.filter((shard) => shard.closingSinceMillis !== undefined)).toEqual([])
    // Stale writes did land in sealed parents, past their ends, where no reader sees them.
    let strayCopies = 0
    for (const shard of stream.shards) {
      const { latest } = await a.recordLog.offsetRange(stream.topic, shard.index)
      strayCopies += latest - (shard.endingOffset ?? latest)
    }
    expect(strayCopies).toBeGreaterThan(0)
  })
})
