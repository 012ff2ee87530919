// Deps for unit tests of the stream operations: the memory catalog and log, a clock the test moves by hand.

import { createSecretKey, randomBytes } from 'node:crypto'

import { MemoryRecordLog } from '../memory/memory-record-log.ts'
import { MemoryStreamCatalog } from '../memory/memory-stream-catalog.ts'
import type { RequestContext } from '../../../src/aws/index.ts'
import { DEFAULT_TOPIC_TEMPLATE, parseTopicTemplate } from '../../../src/mapping/topic-names.ts'
import type { StreamKey, StreamRecord } from '../../../src/ports/stream-catalog.ts'
import type { KeyRing } from '../../../src/ports/key-ring.ts'
import type { StreamsDeps, StreamsSettings } from '../../../src/streams/deps.ts'
import { createStreamOperation } from '../../../src/streams/operations/create-stream.ts'
import { FakeClock } from '../fake-clock.ts'

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

export interface FakeStreamsOptions {
  /** Where the clock starts. */
  startMillis?: number
  /**
   * 'until-advanced' (default): a wait ends when the test moves the clock past it. 'advances-clock': a wait
   * moves the clock on at once, so that code waiting out a grace period (a writer waiting for a resharded
   * parent's seal) does not hang a test that does not drive time.
   */
  sleep?: 'until-advanced' | 'advances-clock'
  keyRing?: KeyRing
}

/** The one set of fake dependencies of the stream operations: memory catalog and log, a hand-moved clock. */
export function fakeStreamsDeps(
  settings: Partial<StreamsSettings> = {},
  options: FakeStreamsOptions = {},
): FakeStreamsDeps {
  const clock = new FakeClock(options.startMillis)
  const deps: FakeStreamsDeps = {
    catalog: new MemoryStreamCatalog(),
    recordLog: new MemoryRecordLog(clock),
    clock,
    settings: { ...FAKE_SETTINGS, iteratorKey: createSecretKey(randomBytes(32)), ...settings },
    sleep:
      options.sleep === 'advances-clock'
        ? (millis) => {
            clock.advance(millis)
            return Promise.resolve()
          }
        : (millis) => clock.sleep(millis),
  }
  if (options.keyRing !== undefined) deps.keyRing = options.keyRing
  return deps
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

/** Creates a stream through CreateStream, lets its topic be created and its CREATING phase pass. */
export async function createActiveStream(
  deps: FakeStreamsDeps,
  streamName: string,
  shardCount = 3,
  context: RequestContext = fakeContext(),
): Promise<void> {
  await createStreamOperation(deps).handle({ StreamName: streamName, ShardCount: shardCount }, context)
  await settleBackgroundWork()
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
