// Changing a stored stream: status rules and compare-and-set writes.

import { ResourceInUseException } from '../errors.ts'
import type { StreamKey, StreamRecord, StreamStatus } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { requireStream } from './stream-lookup.ts'
import { effectiveStatus } from './stream-status.ts'

/** How often a change is recomputed on a fresh copy when other writers keep winning the compare-and-set. */
export const MAX_UPDATE_ATTEMPTS = 5

export class ConcurrentUpdateError extends Error {
  override name = 'ConcurrentUpdateError'
}

/**
 * The change to make to a stream, computed from its current state (with the status it shows now). Throw an
 * AwsError to refuse it; return undefined when there is nothing to change.
 */
export type StreamChange = (stream: StreamRecord, nowMillis: number) => StreamRecord | undefined

/**
 * Applies `change` with compare-and-set: when another writer stored a newer version first, the stream is read
 * again and the change recomputed. Resolves to the stored record (the unchanged one when there was nothing to
 * do). A stream that keeps changing under us ends in an error the gateway reports as an internal failure,
 * which clients retry.
 */
export async function updateStream(
  deps: StreamsDeps,
  key: StreamKey,
  change: StreamChange,
): Promise<StreamRecord> {
  for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
    const stored = await requireStream(deps, key)
    const now = deps.clock.now()
    const current = settled(stored, now)
    const changed = change(current, now)
    if (changed === undefined) return current
    const next = { ...changed, version: stored.version + 1 }
    if (await deps.catalog.update(next)) return next
  }
  throw new ConcurrentUpdateError(
    `stream ${key.streamName} changed concurrently ${MAX_UPDATE_ATTEMPTS} times; try again`,
  )
}

/** The record with the status it shows now: a CREATING or UPDATING phase that has ended reads ACTIVE. */
export function settled(stream: StreamRecord, nowMillis: number): StreamRecord {
  const status = effectiveStatus(stream, nowMillis)
  if (status === stream.status || status === 'GONE') return stream
  return withStatus(stream, status)
}

/**
 * The stream in `status`, for `durationMs` when the status is a phase (UPDATING, DELETING). A pending creation
 * ends with it: a stream deleted while CREATING must not be made ACTIVE by its creation completing.
 */
export function withStatus(
  stream: StreamRecord,
  status: StreamStatus,
  phase?: { nowMillis: number; durationMs: number },
): StreamRecord {
  const { statusUntilMillis: _previousPhaseEnd, creation: _pendingCreation, ...rest } = stream
  if (status === 'ACTIVE' || phase === undefined) return { ...rest, status }
  return { ...rest, status, statusUntilMillis: phase.nowMillis + phase.durationMs }
}

/** The stream entering UPDATING for the configured time. */
export function startUpdating(deps: StreamsDeps, stream: StreamRecord, nowMillis: number): StreamRecord {
  return withStatus(stream, 'UPDATING', { nowMillis, durationMs: deps.settings.updatingDelayMs })
}

/** Changes other than deletion need an ACTIVE stream, as in Kinesis. */
export function requireActive(stream: StreamRecord, nowMillis: number): void {
  const status = effectiveStatus(stream, nowMillis)
  if (status !== 'ACTIVE') {
    throw ResourceInUseException(
      `Stream ${stream.streamName} under account ${stream.accountId} not ACTIVE, instead in state ${status}`,
    )
  }
}
