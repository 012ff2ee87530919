// Test fixture for the data-plane operations: streams written straight into the memory catalog and the memory
// record log of the fake dependencies, as the control plane would leave them.

import type { RequestContext } from '../../../src/aws/index.ts'
import { streamArn } from '../../../src/mapping/arns.ts'
import { evenHashKeyRanges, splitHashKeyRange, midpointHashKey } from '../../../src/mapping/hash-keys.ts'
import { topicNameFor } from '../../../src/mapping/topic-names.ts'
import type { MemoryRecordLog } from '../memory/memory-record-log.ts'
import type { MemoryStreamCatalog } from '../memory/memory-stream-catalog.ts'
import type {
  ShardRecord,
  StreamEncryption,
  StreamRecord,
  StreamStatus,
} from '../../../src/ports/stream-catalog.ts'
import type { StreamsDeps } from '../../../src/streams/deps.ts'
import type { FakeClock } from '../fake-clock.ts'
import { fakeStreamsDeps } from './fake-streams-deps.ts'
import type { KeyRing } from '../../../src/ports/key-ring.ts'

export interface TestDataPlane {
  deps: StreamsDeps
  catalog: MemoryStreamCatalog
  recordLog: MemoryRecordLog
  clock: FakeClock
  /** The caller of every request: account 123456789012 in us-east-1. */
  context: RequestContext
}

/** The fake dependencies with streams that are ACTIVE at once, and the caller of every request. */
export function createTestDataPlane(options: { keyRing?: KeyRing } = {}): TestDataPlane {
  const deps = fakeStreamsDeps(
    { creatingDelayMs: 0, updatingDelayMs: 0, deletingDelayMs: 0, shardLimit: 500 },
    { startMillis: Date.UTC(2026, 0, 1), sleep: 'advances-clock', ...options },
  )
  const context: RequestContext = {
    requestId: 'test-request',
    accountId: '123456789012',
    region: 'us-east-1',
    accessKeyId: undefined,
  }
  return { deps, catalog: deps.catalog, recordLog: deps.recordLog, clock: deps.clock, context }
}

export interface TestStreamOptions {
  name?: string
  shardCount?: number
  status?: StreamStatus
  encryption?: StreamEncryption
  maxRecordSizeKiB?: number
}

/** A stream with its topic, as CreateStream leaves it once ACTIVE (or in the status asked for). */
export async function createTestStream(
  plane: TestDataPlane,
  options: TestStreamOptions = {},
): Promise<StreamRecord> {
  const stream = testStreamRecord(plane.deps, plane.context, options)
  await plane.recordLog.createTopic(stream.topic, stream.shards.length, {})
  if (!(await plane.catalog.create(stream))) throw new Error(`stream ${stream.streamName} exists`)
  return stream
}

/** The catalog record of a new stream of the caller's account and region, created now. */
export function testStreamRecord(
  deps: StreamsDeps,
  caller: { accountId: string; region: string },
  options: TestStreamOptions = {},
): StreamRecord {
  const { accountId, region } = caller
  const streamName = options.name ?? 'test-stream'
  const now = deps.clock.now()
  const status = options.status ?? 'ACTIVE'
  const stream: StreamRecord = {
    accountId,
    region,
    streamName,
    streamArn: streamArn({ accountId, region, streamName }),
    topic: topicNameFor(deps.settings.topicTemplate, { accountId, region, streamName }),
    incarnation: now,
    createdAtMillis: now,
    status,
    mode: 'PROVISIONED',
    retentionPeriodHours: 24,
    encryption: options.encryption ?? { type: 'NONE' },
    shardLevelMetrics: [],
    maxRecordSizeKiB: options.maxRecordSizeKiB ?? 1024,
    shards: evenHashKeyRanges(options.shardCount ?? 1).map((range, index) => ({
      index,
      startingHashKey: range.start.toString(),
      endingHashKey: range.end.toString(),
      createdAtMillis: now,
    })),
    tags: {},
    version: 1,
  }
  if (status !== 'ACTIVE') stream.statusUntilMillis = now + 60_000
  return stream
}

/** Replaces a stream's record with `change` applied, as a control-plane update would. */
export async function updateTestStream(
  plane: TestDataPlane,
  streamName: string,
  change: (stream: StreamRecord) => void,
): Promise<StreamRecord> {
  const stream = await plane.catalog.get({ ...plane.context, streamName })
  if (stream === undefined) throw new Error(`no stream ${streamName}`)
  change(stream)
  stream.version += 1
  if (!(await plane.catalog.update(stream))) throw new Error(`stream ${streamName} changed meanwhile`)
  return stream
}

/**
 * Splits an open shard in two halves as SplitShard would: the parent closes after the records it holds now,
 * and two children with the next indices (new partitions of the topic) take its hash key range.
 */
export async function splitTestShard(
  plane: TestDataPlane,
  streamName: string,
  shardIndex: number,
): Promise<StreamRecord> {
  const current = await plane.catalog.get({ ...plane.context, streamName })
  const parent = current?.shards.find((shard) => shard.index === shardIndex)
  if (current === undefined || parent === undefined)
    throw new Error(`no shard ${shardIndex} in ${streamName}`)
  const { latest } = await plane.recordLog.offsetRange(current.topic, shardIndex)
  const range = { start: BigInt(parent.startingHashKey), end: BigInt(parent.endingHashKey) }
  const halves = splitHashKeyRange(range, midpointHashKey(range))
  const firstChildIndex = Math.max(...current.shards.map((shard) => shard.index)) + 1
  const now = plane.clock.now()
  const children: ShardRecord[] = halves.map((half, position) => ({
    index: firstChildIndex + position,
    parentIndex: shardIndex,
    startingHashKey: half.start.toString(),
    endingHashKey: half.end.toString(),
    createdAtMillis: now,
  }))
  await plane.recordLog.addPartitions(current.topic, firstChildIndex + children.length)
  return updateTestStream(plane, streamName, (stream) => {
    const closing = stream.shards.find((shard) => shard.index === shardIndex)
    if (closing === undefined) throw new Error(`no shard ${shardIndex}`)
    closing.endingOffset = latest
    closing.closedAtMillis = now
    stream.shards.push(...children)
  })
}
