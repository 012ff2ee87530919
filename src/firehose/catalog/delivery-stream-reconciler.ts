// Completing, on every replica, what interrupted requests left: a creation whose topic was never created (its
// delivery stream stays CREATING until rolled back at its deadline) and a deletion that stopped before its topic
// or record was removed. Lookups of a delivery stream do this for it; the reconciler does it for those nobody
// looks up, at start-up and periodically.

import type { FirehoseDeps } from '../deps.ts'
import { completeCreation, completeDeletion, isCreationPending } from './delivery-stream-lifecycle.ts'

export interface ReconcilerHandle {
  stop(): void
}

export interface ReconcilerOptions {
  intervalMs: number
  onError?: (error: unknown) => void
}

/** Continues every pending creation and deletion once; resolves when each has ended (or failed). */
export async function reconcileDeliveryStreams(deps: FirehoseDeps): Promise<number> {
  const pending = (await deps.catalog.listEvery()).filter(
    (stream) => isCreationPending(stream) || stream.description.DeliveryStreamStatus === 'DELETING',
  )
  await Promise.allSettled(
    pending.map((stream) =>
      isCreationPending(stream) ? completeCreation(deps, stream) : completeDeletion(deps, stream),
    ),
  )
  return pending.length
}

/** Runs `reconcileDeliveryStreams` now and every `intervalMs`, one run at a time. */
export function startDeliveryStreamReconciler(
  deps: FirehoseDeps,
  options: ReconcilerOptions,
): ReconcilerHandle {
  let running = false
  const run = (): void => {
    if (running) return
    running = true
    reconcileDeliveryStreams(deps)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = false
      })
  }
  run()
  const timer = setInterval(run, options.intervalMs)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
    },
  }
}
