// Which streams the data-plane operations may use, and the errors they answer otherwise. Every lookup reads the
// replica's cached catalog: a warm gateway asks Redis nothing on the data path.

import { ResourceNotFoundException } from '../errors.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import type { StreamKey, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { streamNotFound } from '../catalog/stream-lookup.ts'
import { effectiveStatus } from '../catalog/stream-status.ts'

/**
 * A stream that accepts records: ACTIVE, or UPDATING (writes go on while shards split and merge). A stream
 * still CREATING, or DELETING, is not found, as Kinesis answers while its shards do not exist (yet or any more).
 */
export async function requireWritableStream(deps: StreamsDeps, key: StreamKey): Promise<StreamRecord> {
  const stream = await deps.catalog.getCached(key)
  const status = stream === undefined ? 'GONE' : effectiveStatus(stream, deps.clock.now())
  if (stream === undefined || (status !== 'ACTIVE' && status !== 'UPDATING')) throw streamNotFound(key)
  return stream
}

/**
 * A stream whose shards can be read: any status but CREATING (its topic may not exist yet); a DELETING stream
 * stays readable until its deletion completes, as in Kinesis.
 */
export async function findReadableStream(
  deps: StreamsDeps,
  key: StreamKey,
): Promise<StreamRecord | undefined> {
  const stream = await deps.catalog.getCached(key)
  if (stream === undefined) return undefined
  const status = effectiveStatus(stream, deps.clock.now())
  return status === 'GONE' || status === 'CREATING' ? undefined : stream
}

/** Kinesis's answer for a shard of a stream that does not exist, or of a stream that does not exist. */
export function shardNotFound(key: StreamKey, shardIndex: number): Error {
  return ResourceNotFoundException(
    `Shard ${shardIdOf(shardIndex)} in stream ${key.streamName} under account ${key.accountId} does not exist`,
  )
}
