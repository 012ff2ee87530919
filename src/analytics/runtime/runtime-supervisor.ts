// The runtime of one gateway process: polls the application catalog and runs a worker (one consumer group
// member) for every application that should run, in every account and region. Every gateway process runs one;
// for each application, one of their workers owns the input and the others stand by.
//
//   STARTING, RUNNING, UPDATING   a worker for the application's current version (a new version, or a new run
//                                 after Stop and Start, replaces it); STARTING and UPDATING are then reported
//                                 RUNNING (reportRunning). A RUNNING application whose process died is taken
//                                 over by the standby workers, or resumed from the committed offsets.
//   STOPPING, DELETING            the worker stops (its output stored, its offsets committed: the application's
//                                 LAST_STOPPED_POINT), then reportStopped: READY, or removed.
//   READY, gone                   no worker.

import type { ApplicationKey, ApplicationRecord } from '../../ports/application-catalog.ts'
import { reportRunning, reportStopped } from '../applications/run-state.ts'
import {
  ApplicationWorker,
  applicationGroupId,
  DEFAULT_WORKER_SETTINGS,
  type ApplicationWorkerSettings,
} from './application-worker.ts'
import type { AnalyticsRuntimeDeps } from './runtime-deps.ts'

export interface AnalyticsRuntimeSettings extends ApplicationWorkerSettings {
  /** How often the applications are listed. */
  readonly pollIntervalMs: number
  /** How often workers close the windows of a quiet input. */
  readonly tickIntervalMs: number
}

export const DEFAULT_RUNTIME_SETTINGS: AnalyticsRuntimeSettings = {
  ...DEFAULT_WORKER_SETTINGS,
  pollIntervalMs: 2_000,
  tickIntervalMs: 500,
}

export interface AnalyticsRuntime {
  /** Lists the applications now and starts, replaces or stops workers to match. */
  reconcile(): Promise<void>
  /** The applications with a worker here, as `account/region/name@version`. */
  running(): string[]
  /** The applications whose input a worker here owns (the others here stand by), as `account/region/name`. */
  owned(): string[]
  /** Lets every worker close the windows of a quiet input now (the tick timer does it periodically). */
  tick(): void
  /** Resolves once the workers have done what is queued so far. */
  settled(): Promise<void>
  stop(): Promise<void>
}

/** Applications are listed in pages of this many (the API's maximum). */
const PAGE = 50

interface Running {
  readonly worker: ApplicationWorker
  /** What makes a worker stale: the group (a re-created application), the version, the run. */
  readonly identity: string
}

export function startAnalyticsRuntime(
  deps: AnalyticsRuntimeDeps,
  settings: AnalyticsRuntimeSettings = DEFAULT_RUNTIME_SETTINGS,
): AnalyticsRuntime {
  const workers = new Map<string, Running>()
  /** Applications already reported as not runnable here, with the reason, so a poll does not repeat it. */
  const reported = new Map<string, string>()
  let reconciling: Promise<void> | undefined
  let again: Promise<void> | undefined
  let stopped = false

  async function listAll(): Promise<ApplicationRecord[]> {
    const all: ApplicationRecord[] = []
    for (const scope of await deps.applications.scopes()) {
      let after: string | undefined
      for (;;) {
        const page = await deps.applications.list(scope, after, PAGE)
        all.push(...page)
        if (page.length < PAGE) break
        after = page[page.length - 1]?.applicationName
      }
    }
    return all
  }

  /** Stops the application's worker; `forget`: the application is gone, and its metrics with it. */
  async function stopWorker(key: string, forget = false): Promise<void> {
    const running = workers.get(key)
    if (running === undefined) return
    workers.delete(key)
    await running.worker.stop().catch((error: unknown) => {
      deps.log('warn', 'analytics: stopping an application worker failed', {
        application: key,
        error: message(error),
      })
    })
    if (forget) deps.metrics?.remove(running.worker.record.applicationArn)
  }

  async function reconcileOnce(): Promise<void> {
    let records: ApplicationRecord[]
    try {
      records = await listAll()
    } catch (error) {
      deps.log('warn', 'analytics: cannot list applications', { error: message(error) })
      return
    }
    const seen = new Set(records.map(keyOf))
    // Applications are independent: their workers start and stop side by side (joining a group takes seconds).
    await Promise.all(
      records.map(async (record) => {
        if (stopped) return
        const key = keyOf(record)
        try {
          await reconcileApplication(key, record)
        } catch (error) {
          deps.log('warn', 'analytics: reconciling an application failed', {
            application: key,
            error: message(error),
          })
        }
      }),
    )
    await Promise.all([...workers.keys()].filter((key) => !seen.has(key)).map((key) => stopWorker(key, true)))
  }

  async function reconcileApplication(key: string, record: ApplicationRecord): Promise<void> {
    const applicationKey: ApplicationKey = {
      accountId: record.accountId,
      region: record.region,
      applicationName: record.applicationName,
    }
    switch (record.status) {
      case 'STARTING':
      case 'RUNNING':
      case 'UPDATING': {
        const identity = identityOf(record)
        const current = workers.get(key)
        const failure = current?.worker.failed()
        if (failure !== undefined) {
          deps.log('warn', 'analytics: an application worker failed; starting another', {
            application: key,
            error: failure.message,
          })
        }
        if (current?.identity !== identity || failure !== undefined) {
          await stopWorker(key)
          let worker: ApplicationWorker
          try {
            worker = await ApplicationWorker.start(record, deps, settings)
          } catch (error) {
            report(key, 'analytics: cannot run the application here; retrying at the next poll', error)
            return
          }
          if (stopped) {
            await worker.stop()
            return
          }
          workers.set(key, { worker, identity })
          reported.delete(key)
          deps.log('info', 'analytics: application worker started', {
            application: key,
            version: record.versionId,
          })
        }
        if (record.status !== 'RUNNING') {
          const outcome = await reportRunning(deps.applications, applicationKey, deps.clock.now())
          // 'ignored': Stop came first (READY) or the application is gone; 'changed': the next poll decides.
          if (outcome === 'ignored') await stopWorker(key)
        }
        return
      }
      case 'STOPPING':
      case 'DELETING': {
        await stopWorker(key, record.status === 'DELETING')
        const outcome = await reportStopped(deps.applications, applicationKey)
        if (outcome !== 'applied') return
        deps.log('info', 'analytics: application stopped', { application: key })
        // A deleted application's window state is of no more use.
        if (record.status === 'DELETING') await deps.checkpoints?.remove(applicationGroupId(record))
        return
      }
      case 'READY':
        await stopWorker(key)
        return
    }
  }

  function report(key: string, text: string, error: unknown): void {
    const reason = message(error)
    if (reported.get(key) === reason) return
    reported.set(key, reason)
    deps.log('warn', text, { application: key, error: reason })
  }

  /** One run at a time; a call during a run gets one more run after it (which lists afresh). */
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
  const tickAll = (): void => {
    for (const { worker } of workers.values()) worker.tick()
  }
  const tick = setInterval(tickAll, settings.tickIntervalMs)
  poll.unref()
  tick.unref()
  void reconcile()

  return {
    reconcile,
    running: () => [...workers.entries()].map(([key, { worker }]) => `${key}@${worker.versionId}`).sort(),
    owned: () =>
      [...workers.entries()]
        .filter(([, { worker }]) => worker.owned().length > 0)
        .map(([key]) => key)
        .sort(),
    tick: tickAll,
    async settled() {
      await Promise.all([...workers.values()].map(({ worker }) => worker.settled()))
    },
    async stop() {
      stopped = true
      clearInterval(poll)
      clearInterval(tick)
      await (again ?? reconciling)
      const all = [...workers.values()]
      workers.clear()
      await Promise.allSettled(all.map(({ worker }) => worker.stop()))
    },
  }
}

function keyOf(record: ApplicationRecord): string {
  return `${record.accountId}/${record.region}/${record.applicationName}`
}

function identityOf(record: ApplicationRecord): string {
  return `${applicationGroupId(record)}@${record.versionId}@${record.run?.requestedAtMillis ?? 0}`
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
