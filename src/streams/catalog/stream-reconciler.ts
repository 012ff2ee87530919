// The reconciler: completes what interrupted control-plane operations left, for every stream whose topic the
// gateway marked (TopicClaim), and deletes the topics of marks no stream owns any more. Run at start-up and
// now and then by every replica; every step is idempotent, so replicas running it together do no harm.

import type { TopicClaim } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { completePendingWork, hasPendingWork } from './pending-work.ts'
import { effectiveStatus } from './stream-status.ts'

/**
 * How old a mark without a stream must be before its topic is deleted as an orphan. The mark is written just
 * before the stream record; this leaves a CreateStream in between ample time.
 */
export const DEFAULT_ORPHAN_TOPIC_GRACE_MS = 5 * 60_000

export interface ReconcileReport {
  /** Streams on which interrupted work was found and taken up. */
  resumed: string[]
  /** Topics deleted as orphans (or deleted again, for streams being deleted). */
  deletedTopics: string[]
  /** Marks that could not be handled now (Kafka or Redis failed); the next run tries again. */
  failed: string[]
}

export function orphanTopicGraceMs(deps: StreamsDeps): number {
  return deps.settings.orphanTopicGraceMs ?? DEFAULT_ORPHAN_TOPIC_GRACE_MS
}

export async function reconcileStreams(deps: StreamsDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { resumed: [], deletedTopics: [], failed: [] }
  for (const claim of await deps.catalog.topicClaims()) {
    try {
      await reconcileClaim(deps, claim, report)
    } catch {
      report.failed.push(claim.topic)
    }
  }
  return report
}

async function reconcileClaim(deps: StreamsDeps, claim: TopicClaim, report: ReconcileReport): Promise<void> {
  const stream = await deps.catalog.get(claim)
  const now = deps.clock.now()
  const status = stream === undefined ? 'GONE' : effectiveStatus(stream, now)
  if (stream !== undefined && stream.topic === claim.topic && status !== 'GONE') {
    if (status === 'DELETING') {
      // A DeleteStream that stopped before its topic was deleted.
      await deps.recordLog.deleteTopic(stream.topic)
      report.deletedTopics.push(stream.topic)
    } else if (hasPendingWork(stream)) {
      await completePendingWork(deps, stream)
      report.resumed.push(stream.streamName)
    }
    return
  }
  const since = claim.deletingSinceMillis ?? claim.claimedAtMillis
  if (claim.deletingSinceMillis === undefined && now - since < orphanTopicGraceMs(deps)) return
  if (await deleteOrphanTopic(deps, claim)) report.deletedTopics.push(claim.topic)
}

/**
 * Deletes the topic of a mark no stream owns. The mark says so first (deletingSinceMillis), so that a
 * CreateStream of the name meanwhile deletes the topic before it claims the name again, instead of adopting a
 * topic that is going away; the mark goes once the topic is gone.
 */
async function deleteOrphanTopic(deps: StreamsDeps, claim: TopicClaim): Promise<boolean> {
  let deleting = claim
  if (claim.deletingSinceMillis === undefined) {
    deleting = { ...claim, deletingSinceMillis: deps.clock.now() }
    if (!(await deps.catalog.replaceTopicClaim(claim, deleting))) return false
  }
  await deps.recordLog.deleteTopic(claim.topic)
  await deps.catalog.replaceTopicClaim(deleting, undefined)
  return true
}

/** Runs the reconciler every `intervalMs` (the first run at once) until stopped. */
export function startReconciler(
  deps: StreamsDeps,
  options: {
    intervalMs: number
    onReport?: (report: ReconcileReport) => void
    onError?: (error: unknown) => void
  },
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const run = (): void => {
    void reconcileStreams(deps)
      .then(options.onReport, options.onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(run, options.intervalMs).unref()
      })
  }
  run()
  return {
    stop: () => {
      stopped = true
      clearTimeout(timer)
    },
  }
}
