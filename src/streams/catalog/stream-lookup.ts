import { InvalidArgumentException, ResourceNotFoundException } from '../errors.ts'
import type { RequestContext } from '../../aws/index.ts'
import { parseStreamArn, streamArn } from '../../mapping/arns.ts'
import type { StreamKey, StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { completePendingWork } from './pending-work.ts'
import { effectiveStatus } from './stream-status.ts'

export interface StreamReference {
  StreamName?: string | undefined
  StreamARN?: string | undefined
}

/**
 * The stream an operation names, by StreamName or StreamARN (in the caller's account and region). Both may be
 * given when they agree.
 */
export function streamKeyOf(reference: StreamReference, context: RequestContext): StreamKey {
  const { StreamName: name, StreamARN: arn } = reference
  if (arn === undefined) {
    if (name === undefined) {
      throw InvalidArgumentException('Either StreamName or StreamARN should be provided.')
    }
    return { accountId: context.accountId, region: context.region, streamName: name }
  }
  const parts = parseStreamArn(arn)
  if (parts === undefined) throw InvalidArgumentException(`Invalid StreamARN: ${arn}`)
  if (parts.accountId !== context.accountId || parts.region !== context.region) {
    throw ResourceNotFoundException(`Stream ${parts.streamName} under account ${parts.accountId} not found.`)
  }
  if (name !== undefined && name !== parts.streamName) {
    throw InvalidArgumentException(`StreamARN ${arn} and StreamName ${name} do not refer to the same stream.`)
  }
  return { accountId: parts.accountId, region: parts.region, streamName: parts.streamName }
}

export function streamNotFound(key: StreamKey): Error {
  return ResourceNotFoundException(`Stream ${key.streamName} under account ${key.accountId} not found.`)
}

/**
 * The stream as stored now (control plane). A stream whose DELETING phase ended counts as not found. What an
 * interrupted operation left is completed first (pending-work.ts: a creation continued or rolled back, a topic
 * configuration applied, parents due to be sealed sealed), so it never stays pending for long.
 */
export async function requireStream(deps: StreamsDeps, key: StreamKey): Promise<StreamRecord> {
  const stored = await deps.catalog.get(key)
  if (stored === undefined || effectiveStatus(stored, deps.clock.now()) === 'GONE') throw streamNotFound(key)
  const stream = await completePendingWork(deps, stored)
  if (stream === undefined) throw streamNotFound(key)
  return stream
}

/** The stream from this replica's cache (data plane: no store round trip on a warm cache). */
export async function requireCachedStream(deps: StreamsDeps, key: StreamKey): Promise<StreamRecord> {
  const stream = await deps.catalog.getCached(key)
  if (stream === undefined || effectiveStatus(stream, deps.clock.now()) === 'GONE') throw streamNotFound(key)
  return stream
}

export function arnOf(key: StreamKey): string {
  return streamArn(key)
}
