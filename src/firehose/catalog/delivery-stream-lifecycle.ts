// Creating and deleting a delivery stream's topic, crash-safe in the way streams' topics are (see
// src/streams/catalog/stream-creation.ts).
//
// CreateDeliveryStream stores the delivery stream CREATING with `creation` set before its topic exists, and
// returns; the topic is created in the background. The delivery stream stays CREATING (puts answer
// ResourceNotFoundException) until its topic serves every partition. Creating a topic is idempotent, so any
// replica can complete the creation: the one that took the request, and any replica whose lookup meets the
// delivery stream later. A creation still pending at its deadline is rolled back: the delivery stream goes
// DELETING first (so that no late completion can make it ACTIVE), then its topic and record are removed.
//
// DeleteDeliveryStream stores DELETING, then deletes the topic, then removes the record; a lookup that meets a
// DELETING delivery stream does the rest again. The record goes last, so a name is free again only once its
// topic is gone: a new delivery stream of that name never meets the old one's records.

import { setTimeout as delay } from 'node:timers/promises'

import type { StoredDeliveryStream } from '../../ports/delivery-stream-catalog.ts'
import type { FirehoseDeps } from '../deps.ts'

/** How long a new delivery stream's topic may take to be created and served before the creation is rolled back. */
export const DEFAULT_CREATION_TIMEOUT_MS = 60_000

const RETRY_FIRST_MS = 100
const RETRY_MAX_MS = 2_000
const MAX_WRITE_ATTEMPTS = 5
const DELETION_ATTEMPT_MS = 30_000
const HOURS_24_MS = 24 * 3_600_000
const TOPIC_MAX_MESSAGE_BYTES = 16 * 1024 * 1024

/**
 * The configuration of a delivery stream's topic: the broker's append time is each record's timestamp (the
 * arrival time the workers read), and undelivered records are kept 24 hours, as Firehose keeps them.
 */
export const DELIVERY_TOPIC_CONFIG: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'message.timestamp.type': 'LogAppendTime',
  'retention.ms': String(HOURS_24_MS),
  // A PutRecordBatch of up to 4 MiB may travel in one producer batch together with other requests.
  'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES),
}

export function creationTimeoutMs(deps: FirehoseDeps): number {
  return deps.settings.creationTimeoutMs ?? DEFAULT_CREATION_TIMEOUT_MS
}

export function isCreationPending(stream: StoredDeliveryStream): boolean {
  return stream.description.DeliveryStreamStatus === 'CREATING' && stream.creation !== undefined
}

/** The work this process is doing, per deps (one per replica), by delivery stream id. */
const inFlight = new WeakMap<FirehoseDeps, Map<string, Promise<unknown>>>()

function once<T>(deps: FirehoseDeps, id: string, work: () => Promise<T>): Promise<T> {
  let running = inFlight.get(deps)
  if (running === undefined) {
    running = new Map()
    inFlight.set(deps, running)
  }
  const existing = running.get(id)
  if (existing !== undefined) return existing as Promise<T>
  const started = work().finally(() => {
    running.delete(id)
  })
  running.set(id, started)
  return started
}

/** Continues, in the background, a creation or deletion the delivery stream is in the middle of. */
export function continuePendingWork(deps: FirehoseDeps, stream: StoredDeliveryStream): void {
  const pending = isCreationPending(stream)
    ? completeCreation(deps, stream)
    : stream.description.DeliveryStreamStatus === 'DELETING'
      ? completeDeletion(deps, stream)
      : undefined
  pending?.catch(() => {
    // The store or Kafka failed: the next lookup of the delivery stream continues.
  })
}

/**
 * Creates the topic (DirectPut) and marks the delivery stream ACTIVE. Resolves to the ACTIVE delivery stream,
 * or undefined when the creation was rolled back or the delivery stream changed otherwise (deleted).
 */
export function completeCreation(
  deps: FirehoseDeps,
  stream: StoredDeliveryStream,
): Promise<StoredDeliveryStream | undefined> {
  return once(deps, `create:${stream.id}`, () => createUntilDeadline(deps, stream))
}

async function createUntilDeadline(
  deps: FirehoseDeps,
  stream: StoredDeliveryStream,
): Promise<StoredDeliveryStream | undefined> {
  const deadline = stream.creation?.deadlineMillis ?? deps.clock.now()
  const sleep = deps.sleep ?? sleepUnref
  for (let attempt = 0; ; attempt++) {
    const remaining = deadline - deps.clock.now()
    if (remaining <= 0) {
      await rollBackCreation(deps, stream)
      return undefined
    }
    const created = await withinMs(deps, remaining, createTopicOf(deps, stream)).then(
      (done) => done,
      () => false,
    )
    if (created) return markCreated(deps, stream)
    await sleep(Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt, Math.max(1, remaining)))
  }
}

async function createTopicOf(deps: FirehoseDeps, stream: StoredDeliveryStream): Promise<void> {
  if (stream.partitions === 0) return
  await deps.recordLog.createTopic(stream.topic, stream.partitions, DELIVERY_TOPIC_CONFIG)
}

async function markCreated(
  deps: FirehoseDeps,
  stream: StoredDeliveryStream,
): Promise<StoredDeliveryStream | undefined> {
  let current: StoredDeliveryStream | undefined = stream
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    if (current === undefined) {
      // Deleted while the topic was being created: the deletion may have come before the topic did. (A new
      // delivery stream of the name cannot be using it: CreateDeliveryStream refuses a name whose topic exists.)
      await deleteTopicOf(deps, stream)
      return undefined
    }
    if (current.id !== stream.id) return undefined
    if (!isCreationPending(current)) {
      // Deleted (or rolled back) while the topic was being created: the topic may have been created after the
      // deletion removed it.
      if (current.description.DeliveryStreamStatus !== 'DELETING') return current
      await deleteTopicOf(deps, current)
      return undefined
    }
    const { creation: _done, ...rest } = current
    const active: StoredDeliveryStream = {
      ...rest,
      revision: current.revision + 1,
      description: { ...current.description, DeliveryStreamStatus: 'ACTIVE' },
    }
    if (await deps.catalog.update(active)) return active
    current = await deps.catalog.get(stream)
  }
  throw new Error(
    `the creation of delivery stream ${stream.name} could not be recorded: it changed concurrently`,
  )
}

/** Rolls back a creation that did not complete in time (DELETING first, then topic and record). */
export async function rollBackCreation(deps: FirehoseDeps, stream: StoredDeliveryStream): Promise<void> {
  const withdrawn = await markDeleting(deps, stream)
  if (withdrawn !== undefined) await completeDeletion(deps, withdrawn)
}

/**
 * Stores the delivery stream DELETING (from any status). Resolves to the DELETING delivery stream, or
 * undefined when it is gone (or is another one of the same name).
 */
export async function markDeleting(
  deps: FirehoseDeps,
  stream: StoredDeliveryStream,
): Promise<StoredDeliveryStream | undefined> {
  let current: StoredDeliveryStream | undefined = stream
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    if (current?.id !== stream.id) return undefined
    if (current.description.DeliveryStreamStatus === 'DELETING') return current
    const { creation: _abandoned, ...rest } = current
    const deleting: StoredDeliveryStream = {
      ...rest,
      revision: current.revision + 1,
      description: { ...current.description, DeliveryStreamStatus: 'DELETING' },
    }
    if (await deps.catalog.update(deleting)) return deleting
    current = await deps.catalog.get(stream)
  }
  throw new Error(`delivery stream ${stream.name} could not be marked DELETING: it changed concurrently`)
}

/**
 * Deletes the topic of a DELETING delivery stream, then its record. An attempt that has not finished within
 * DELETION_ATTEMPT_MS is abandoned (a later lookup tries again), so a request that hangs cannot hold it up.
 */
export function completeDeletion(deps: FirehoseDeps, stream: StoredDeliveryStream): Promise<void> {
  return once(deps, `delete:${stream.id}`, async () => {
    if (!(await withinMs(deps, DELETION_ATTEMPT_MS, deleteTopicOf(deps, stream)))) {
      throw new Error(`the topic of delivery stream ${stream.name} was not deleted in time`)
    }
    await deps.catalog.remove(stream, stream.revision)
  })
}

async function deleteTopicOf(deps: FirehoseDeps, stream: StoredDeliveryStream): Promise<void> {
  // A KinesisStreamAsSource delivery stream reads its source stream's topic, which is not its own.
  if (stream.partitions > 0) await deps.recordLog.deleteTopic(stream.topic)
}

/** Resolves to whether `work` finished within `millis`; a rejection propagates. */
async function withinMs(deps: FirehoseDeps, millis: number, work: Promise<void>): Promise<boolean> {
  const sleep = deps.sleep ?? sleepUnref
  const timedOut = Symbol('timed out')
  const outcome = await Promise.race([work, sleep(millis).then(() => timedOut)])
  return outcome !== timedOut
}

/** A timer that does not keep the process alive: a pending creation is completed by whoever comes next. */
function sleepUnref(millis: number): Promise<void> {
  return delay(millis, undefined, { ref: false })
}
