// Test fixture for the data-plane operations: streams written straight into the memory catalog and the memory
// record log, as the control plane would leave them, driven by a clock the test moves by hand.

import { randomBytes } from 'node:crypto'

import { type RequestContext } from '../../../src/aws/index.ts'
import { streamArn } from '../../../src/mapping/arns.ts'
import { evenHashKeyRanges, splitHashKeyRange, midpointHashKey } from '../../../src/mapping/hash-keys.ts'
import { shardIteratorKey } from '../../../src/mapping/shard-iterators.ts'
import { DEFAULT_TOPIC_TEMPLATE, parseTopicTemplate, topicNameFor } from '../../../src/mapping/topic-names.ts'
import { MemoryRecordLog } from '../memory/memory-record-log.ts'
import { MemoryStreamCatalog } from '../memory/memory-stream-catalog.ts'
import type { Clock } from '../../../src/ports/clock.ts'
import type {
  ShardRecord,
  StreamEncryption,
  StreamRecord,
  StreamStatus,
} from '../../../src/ports/stream-catalog.ts'
import type { StreamsDeps } from '../../../src/streams/deps.ts'
import type { KeyRing } from '../../../src/ports/key-ring.ts'

export class FakeClock implements Clock {
  constructor(private millis = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.millis
  }

  advance(millis: number): void {
    this.millis += millis
  }
}

export interface TestDataPlane {
  deps: StreamsDeps
  catalog: MemoryStreamCatalog
  recordLog: MemoryRecordLog
  clock: FakeClock
  /** The caller of every request: account 123456789012 in us-east-1. */
  context: RequestContext
}

export function createTestDataPlane(options: { keyRing?: KeyRing } = {}): TestDataPlane {
  const clock = new FakeClock()
  const catalog = new MemoryStreamCatalog()
  const recordLog = new MemoryRecordLog(clock)
  const deps: StreamsDeps = {
    catalog,
    recordLog,
    clock,
    settings: {
      topicTemplate: parseTopicTemplate(DEFAULT_TOPIC_TEMPLATE),
      iteratorKey: shardIteratorKey(randomBytes(32)),
      creatingDelayMs: 0,
      updatingDelayMs: 0,
      deletingDelayMs: 0,
      shardLimit: 500,
      onDemandShardCount: 4,
      reshardFenceMs: 1000,
    },
    // Waiting moves the test's clock on: a writer waiting for a resharded parent's seal does not hang.
    sleep: (millis) => {
      clock.advance(millis)
      return Promise.resolve()
    },
  }
  if (options.keyRing !== undefined) deps.keyRing = options.keyRing
  const context: RequestContext = {
    requestId: 'test-request',
    accountId: '123456789012',
    region: 'us-east-1',
    accessKeyId: undefined,
  }
  return { deps, catalog, recordLog, clock, context }
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
