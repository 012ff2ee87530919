// Runs one delivery worker (one consumer group member) per ACTIVE delivery stream in this process: polls the
// delivery streams, starts a worker for a new one, replaces it when the stream's version changes (the new
// worker resumes from the group's committed offsets), stops it when the stream is gone. Every gateway process
// runs a supervisor; their workers share each stream's partitions.

import type { DeliveryStreamRecord } from '../../ports/delivery-streams.ts'
import { deliveryConfigOf, deliveryGroupId } from './delivery-config.ts'
import { DeliveryWorker, type DeliveryWorkerDeps, type DeliveryWorkerOptions } from './delivery-worker.ts'
import { plainProcessing } from './plain-processing.ts'

export interface DeliverySupervisorDeps extends DeliveryWorkerDeps {
  /** Every ACTIVE delivery stream (the catalog's listDeliveryStreamRecords). */
  readonly listDeliveryStreams: () => Promise<DeliveryStreamRecord[]>
  /**
   * What a stream's worker runs: its processing, its destination when not the S3 destination of the
   * description (the HTTP endpoint), the body of its objects with record format conversion. Undefined when this
   * process cannot process the stream (its records then wait in Kafka); a rejection is tried again at the next
   * poll. Without it: plainProcessing for streams without ProcessingConfiguration and format conversion,
   * undefined for the others.
   */
  readonly workerOptionsFor?: (stream: DeliveryStreamRecord) => Promise<DeliveryWorkerOptions | undefined>
}

export interface DeliverySupervisorSettings {
  /** How often the delivery streams are listed. */
  readonly pollIntervalMs: number
  /** How often the workers deliver the buffers whose interval passed. */
  readonly tickIntervalMs: number
}

export const DEFAULT_SUPERVISOR_SETTINGS: DeliverySupervisorSettings = {
  pollIntervalMs: 5_000,
  tickIntervalMs: 1_000,
}

export interface DeliverySupervisor {
  /** Lists the delivery streams now and starts, replaces or stops workers to match. */
  reconcile(): Promise<void>
  /** The delivery streams with a running worker here, as `account/region/name@version`. */
  running(): string[]
  stop(): Promise<void>
}

interface Running {
  readonly worker: DeliveryWorker
  /** What makes a worker stale: the version, and the group (a stream re-created under the same name). */
  readonly identity: string
}

export function startDeliverySupervisor(
  deps: DeliverySupervisorDeps,
  settings: DeliverySupervisorSettings = DEFAULT_SUPERVISOR_SETTINGS,
): DeliverySupervisor {
  const workers = new Map<string, Running>()
  /** Streams already reported as not deliverable here, so the warning is not repeated every poll. */
  const reported = new Set<string>()
  let reconciling: Promise<void> | undefined
  let again: Promise<void> | undefined
  let stopped = false
  /** Workers of streams that are gone, stopping. */
  const leaving = new Set<Promise<void>>()

  const workerOptionsFor =
    deps.workerOptionsFor ??
    ((stream: DeliveryStreamRecord): Promise<DeliveryWorkerOptions | undefined> => {
      const config = deliveryConfigOf(stream)
      const plain = !config.processingEnabled && config.converted === undefined
      return Promise.resolve(plain ? { process: plainProcessing } : undefined)
    })

  async function reconcileOnce(): Promise<void> {
    let streams: DeliveryStreamRecord[]
    try {
      streams = await deps.listDeliveryStreams()
    } catch (error) {
      deps.log('warn', 'firehose: cannot list delivery streams', { error: message(error) })
      return
    }
    const wanted = new Map<string, DeliveryStreamRecord>()
    for (const stream of streams) {
      if (stream.description.DeliveryStreamStatus !== 'ACTIVE') continue
      wanted.set(keyOf(stream), stream)
    }
    for (const [key, running] of [...workers]) {
      const stream = wanted.get(key)
      if (stream !== undefined && identityOf(stream) === running.identity) continue
      workers.delete(key)
      const stopping = running.worker
        .stop()
        .catch((error: unknown) => {
          deps.log('warn', 'firehose: stopping a delivery worker failed', {
            deliveryStream: key,
            error: message(error),
          })
        })
        .then(() => {
          const { config } = running.worker
          if (stream === undefined && !workers.has(key)) {
            deps.metrics.remove(config.account, config.region, config.name)
          }
        })
      if (stream !== undefined) {
        // Replaced (a new version): the old worker delivers and commits before the new one joins the group.
        await stopping
        continue
      }
      // Gone: it stops on its own time (on a deleted topic its last commit is retried for seconds), and the
      // other streams' workers start and change meanwhile.
      leaving.add(stopping)
      void stopping.finally(() => leaving.delete(stopping))
    }
    for (const [key, stream] of wanted) {
      if (stopped) return
      if (workers.has(key)) continue
      try {
        const options = await workerOptionsFor(stream)
        if (options === undefined) {
          report(key, 'firehose: no processing for this delivery stream here; its records wait in Kafka')
          continue
        }
        const worker = await DeliveryWorker.start(stream, deps, options)
        workers.set(key, { worker, identity: identityOf(stream) })
        reported.delete(key)
      } catch (error) {
        report(key, 'firehose: cannot start a delivery worker; retrying at the next poll', message(error))
      }
    }
  }

  function report(key: string, text: string, error?: string): void {
    if (reported.has(key)) return
    reported.add(key)
    deps.log('warn', text, { deliveryStream: key, ...(error === undefined ? {} : { error }) })
  }

  /** One run at a time; a call during a run gets one more run after it (which lists the streams afresh). */
  function reconcile(): Promise<void> {
    if (again !== undefined) return again
    if (reconciling !== undefined) {
      again = reconciling.then(() => {
        again = undefined
        return reconcile()
      })
      return again
    }
    reconciling = reconcileOnce().finally(() => {
      reconciling = undefined
    })
    return reconciling
  }

  const poll = setInterval(() => {
    void reconcile()
  }, settings.pollIntervalMs)
  const tick = setInterval(() => {
    for (const { worker } of workers.values()) worker.tick()
  }, settings.tickIntervalMs)
  poll.unref()
  tick.unref()
  void reconcile()

  return {
    reconcile,
    running: () => [...workers.entries()].map(([key, { worker }]) => `${key}@${worker.versionId}`).sort(),
    async stop() {
      stopped = true
      clearInterval(poll)
      clearInterval(tick)
      await (again ?? reconciling)
      const all = [...workers.values()]
      workers.clear()
      await Promise.allSettled([...all.map(({ worker }) => worker.stop()), ...leaving])
    },
  }
}

function keyOf(stream: DeliveryStreamRecord): string {
  return `${stream.account}/${stream.region}/${stream.description.DeliveryStreamName ?? ''}`
}

function identityOf(stream: DeliveryStreamRecord): string {
  try {
    const config = deliveryConfigOf(stream)
    return `${deliveryGroupId(config)}@${config.versionId}@${config.topic}`
  } catch (error) {
    return `not deliverable: ${message(error)}`
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
