// Deps for unit tests of the stream operations: the memory catalog and log, a clock the test moves by hand.

import { createSecretKey, randomBytes } from 'node:crypto'

import { MemoryRecordLog } from '../memory/memory-record-log.ts'
import { MemoryStreamCatalog } from '../memory/memory-stream-catalog.ts'
import { type RequestContext } from '../../../src/aws/index.ts'
import { DEFAULT_TOPIC_TEMPLATE, parseTopicTemplate } from '../../../src/mapping/topic-names.ts'
import type { Clock } from '../../../src/ports/clock.ts'
import type { StreamKey, StreamRecord } from '../../../src/ports/stream-catalog.ts'
import type { StreamsDeps, StreamsSettings } from '../../../src/streams/deps.ts'
import { createStreamOperation } from '../../../src/streams/operations/create-stream.ts'

export class FakeClock implements Clock {
  private timers: { dueAt: number; wake: () => void }[] = []

  constructor(private millis = Date.UTC(2026, 0, 15, 12)) {}

  now(): number {
    return this.millis
  }

  /** Moves time on and wakes the sleepers whose time has come. */
  advance(millis: number): void {
    this.millis += millis
    const due = this.timers.filter((timer) => timer.dueAt <= this.millis)
    this.timers = this.timers.filter((timer) => timer.dueAt > this.millis)
    for (const timer of due) timer.wake()
  }

  /** Resolves once `advance` has moved the clock `millis` on. */
  sleep(millis: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ dueAt: this.millis + millis, wake: resolve })
    })
  }
}

export interface FakeStreamsDeps extends StreamsDeps {
  catalog: MemoryStreamCatalog
  recordLog: MemoryRecordLog
  clock: FakeClock
}

export const FAKE_SETTINGS: Omit<StreamsSettings, 'iteratorKey'> = {
  topicTemplate: parseTopicTemplate(DEFAULT_TOPIC_TEMPLATE),
  creatingDelayMs: 500,
  updatingDelayMs: 500,
  deletingDelayMs: 500,
  shardLimit: 20,
  onDemandShardCount: 4,
  reshardFenceMs: 1000,
}

export function fakeStreamsDeps(settings: Partial<StreamsSettings> = {}): FakeStreamsDeps {
  const clock = new FakeClock()
  return {
    catalog: new MemoryStreamCatalog(),
    recordLog: new MemoryRecordLog(clock),
    clock,
    settings: { ...FAKE_SETTINGS, iteratorKey: createSecretKey(randomBytes(32)), ...settings },
    sleep: (millis) => clock.sleep(millis),
  }
}

export const ACCOUNT_ID = '123456789012'
export const REGION = 'us-east-1'

export function fakeContext(overrides: Partial<RequestContext> = {}): RequestContext {
  return {
    requestId: 'request-1',
    accountId: ACCOUNT_ID,
    region: REGION,
    accessKeyId: undefined,
    ...overrides,
  }
}

/** Skips a stream's CREATING, UPDATING or DELETING phase. */
export function passPhase(deps: FakeStreamsDeps): void {
  deps.clock.advance(
    Math.max(deps.settings.creatingDelayMs, deps.settings.updatingDelayMs, deps.settings.deletingDelayMs),
  )
}

/** Lets work that waits for nothing but promises already settled (background tasks of the fakes) finish. */
export function settleBackgroundWork(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Lets a reshard's fence grace period pass and its parents be sealed by the background task. */
export async function passFence(deps: FakeStreamsDeps): Promise<void> {
  await settleBackgroundWork()
  deps.clock.advance(deps.settings.reshardFenceMs ?? 0)
  await settleBackgroundWork()
}

/** Creates a stream through CreateStream and lets its CREATING phase pass. */
export async function createActiveStream(
  deps: FakeStreamsDeps,
  streamName: string,
  shardCount = 3,
  context: RequestContext = fakeContext(),
): Promise<void> {
  await createStreamOperation(deps).handle({ StreamName: streamName, ShardCount: shardCount }, context)
  deps.clock.advance(deps.settings.creatingDelayMs)
}

export function streamKey(streamName: string): StreamKey {
  return { accountId: ACCOUNT_ID, region: REGION, streamName }
}

/** The stored record, which the test expects to exist. */
export async function storedStream(deps: FakeStreamsDeps, streamName: string): Promise<StreamRecord> {
  const stream = await deps.catalog.get(streamKey(streamName))
  if (stream === undefined) throw new Error(`no stream ${streamName}`)
  return stream
}

export function arnOf(streamName: string): string {
  return `arn:aws:kinesis:${REGION}:${ACCOUNT_ID}:stream/${streamName}`
}
