// What an interrupted control-plane operation leaves on a stream, and completing it. Every step is idempotent,
// so whichever replica meets the stream next (a control-plane lookup, or the reconciler) can run it.

import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { sealDueShards } from './shard-sealing.ts'
import {
  continueCreation,
  isCreationOverdue,
  isCreationPending,
  rollBackCreation,
} from './stream-creation.ts'
import { applyPendingTopicConfig } from './topic-config.ts'

/**
 * Completes what is due on `stream`: a creation past its deadline is rolled back (resolves to undefined: the
 * stream is gone), one still in time is continued in the background; a topic configuration a change left
 * pending is applied; resharded parents whose fence has passed are sealed. A step that fails (Kafka or Redis
 * unavailable) is left for later, and the stream is returned as it was.
 */
export async function completePendingWork(
  deps: StreamsDeps,
  stream: StreamRecord,
): Promise<StreamRecord | undefined> {
  if (isCreationPending(stream)) {
    if (!isCreationOverdue(stream, deps.clock.now())) {
      continueCreation(deps, stream)
      return stream
    }
    const rolledBack = await rollBackCreation(deps, stream).catch(() => false)
    return rolledBack ? undefined : stream
  }
  let current = stream
  try {
    current = await applyPendingTopicConfig(deps, current)
    current = await sealDueShards(deps, current)
  } catch {
    // Kafka or the catalog failed meanwhile: a later access completes what is left.
  }
  return current
}

/** Whether `stream` carries work an interrupted operation left (what completePendingWork would do). */
export function hasPendingWork(stream: StreamRecord): boolean {
  return (
    isCreationPending(stream) ||
    stream.topicConfigPending === true ||
    stream.shards.some((shard) => shard.closingSinceMillis !== undefined)
  )
}
