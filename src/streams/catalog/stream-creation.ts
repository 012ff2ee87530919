// Creating a new stream's topic, and completing or rolling back a creation that was interrupted.
//
// CreateStream marks the topic as the gateway's (a TopicClaim), stores the stream CREATING with `creation` set,
// and returns; the topic is created in the background. The stream stays CREATING while `creation` is set, so
// it is never ACTIVE (nor shown with shards, nor writable) before its topic serves every partition. Creating
// the topic is idempotent, so any replica can do it: the one that took the request, any replica whose
// control-plane lookup meets the stream (stream-lookup.ts), and the reconciler at start-up. Whoever finishes
// clears `creation` with a compare-and-set. A creation still pending at its deadline is rolled back: the stream
// goes DELETING first (so that no late completion can make it ACTIVE), then its topic and record are removed.

import { setTimeout as delay } from 'node:timers/promises'

import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { topicConfigFor } from './topic-config.ts'

/** How long a new stream's topic may take to be created and served before the creation is rolled back. */
export const DEFAULT_CREATION_TIMEOUT_MS = 60_000

const RETRY_FIRST_MS = 100
const RETRY_MAX_MS = 2_000
const MAX_WRITE_ATTEMPTS = 5

export function creationTimeoutMs(deps: StreamsDeps): number {
  return deps.settings.creationTimeoutMs ?? DEFAULT_CREATION_TIMEOUT_MS
}

/** Whether the stream's topic is not known to be served yet (the stream is CREATING until it is). */
export function isCreationPending(stream: StreamRecord): boolean {
  return stream.status === 'CREATING' && stream.creation !== undefined
}

export function isCreationOverdue(stream: StreamRecord, nowMillis: number): boolean {
  return isCreationPending(stream) && nowMillis >= (stream.creation?.deadlineMillis ?? 0)
}

/** The creations this process is completing, per deps (one per replica), by stream and incarnation. */
const inFlight = new WeakMap<StreamsDeps, Map<string, Promise<StreamRecord | undefined>>>()

/**
 * Completes the creation in this process unless it is at it already: resolves to the stream once its topic is
 * served (creation cleared), or to undefined when the creation was rolled back or the stream changed otherwise
 * (deleted, or created again).
 */
export function completeCreation(deps: StreamsDeps, stream: StreamRecord): Promise<StreamRecord | undefined> {
  let running = inFlight.get(deps)
  if (running === undefined) {
    running = new Map()
    inFlight.set(deps, running)
  }
  const id = `${stream.accountId}/${stream.region}/${stream.streamName}/${String(stream.incarnation)}`
  const existing = running.get(id)
  if (existing !== undefined) return existing
  const completing = createUntilDeadline(deps, stream).finally(() => {
    running.delete(id)
  })
  running.set(id, completing)
  return completing
}

/** Completes the creation in the background; a failure is left to the next replica that meets the stream. */
export function continueCreation(deps: StreamsDeps, stream: StreamRecord): void {
  completeCreation(deps, stream).catch(() => {
    // The catalog failed: a later lookup, or the reconciler, completes or rolls back the creation.
  })
}

async function createUntilDeadline(
  deps: StreamsDeps,
  stream: StreamRecord,
): Promise<StreamRecord | undefined> {
  const deadline = stream.creation?.deadlineMillis ?? deps.clock.now()
  const sleep = deps.sleep ?? sleepUnref
  for (let attempt = 0; ; attempt++) {
    const remaining = deadline - deps.clock.now()
    if (remaining <= 0) {
      await rollBackCreation(deps, stream)
      return undefined
    }
    const created = await withinMs(
      deps,
      remaining,
      deps.recordLog.createTopic(stream.topic, stream.shards.length, topicConfigFor(stream)),
    ).then(
      (done) => done,
      () => false,
    )
    if (created) return markCreated(deps, stream)
    await sleep(Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt, Math.max(1, remaining)))
  }
}

/** Clears `creation`: the topic serves every partition. */
async function markCreated(deps: StreamsDeps, stream: StreamRecord): Promise<StreamRecord | undefined> {
  let current: StreamRecord | undefined = stream
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    if (current?.incarnation !== stream.incarnation) return undefined
    if (!isCreationPending(current)) {
      // Deleted (or rolled back) while the topic was being created: the topic may have been created after the
      // deletion removed it.
      if (current.status === 'DELETING') await deps.recordLog.deleteTopic(current.topic)
      return current.status === 'DELETING' ? undefined : current
    }
    const { creation: _done, ...rest } = current
    const created: StreamRecord = { ...rest, version: current.version + 1 }
    if (await deps.catalog.update(created)) return created
    current = await deps.catalog.get(stream)
  }
  throw new Error(
    `the creation of stream ${stream.streamName} could not be recorded: it changed concurrently`,
  )
}

/**
 * Rolls back a creation that did not complete in time: the stream goes DELETING (ending at once), which no
 * completion can undo, then its topic is deleted and its record removed. Resolves to true once the stream is
 * gone, false when it turned out to be no longer this pending creation (it completed meanwhile).
 */
export async function rollBackCreation(deps: StreamsDeps, stream: StreamRecord): Promise<boolean> {
  let current: StreamRecord | undefined = stream
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    if (current?.incarnation !== stream.incarnation) return true
    if (current.status === 'DELETING') break
    if (!isCreationPending(current)) return false
    const { creation: _abandoned, ...rest } = current
    const withdrawn: StreamRecord = {
      ...rest,
      status: 'DELETING',
      statusUntilMillis: deps.clock.now(),
      version: current.version + 1,
    }
    if (await deps.catalog.update(withdrawn)) {
      current = withdrawn
      break
    }
    current = await deps.catalog.get(stream)
  }
  if (current?.status !== 'DELETING') {
    throw new Error(
      `the creation of stream ${stream.streamName} could not be rolled back: it changed concurrently`,
    )
  }
  await deps.recordLog.deleteTopic(current.topic)
  await deps.catalog.remove(current, current.version)
  return true
}

/** Resolves to whether `work` finished within `millis` (on the deps' clock); a rejection propagates. */
async function withinMs(deps: StreamsDeps, millis: number, work: Promise<void>): Promise<boolean> {
  const sleep = deps.sleep ?? sleepUnref
  const timedOut = Symbol('timed out')
  const outcome = await Promise.race([work, sleep(millis).then(() => timedOut)])
  return outcome !== timedOut
}

/** A timer that does not keep the process alive: a pending creation is completed by whoever comes next. */
function sleepUnref(millis: number): Promise<void> {
  return delay(millis, undefined, { ref: false })
}
