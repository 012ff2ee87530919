import type {
  ApplicationCatalog,
  ApplicationKey,
  ApplicationRecord,
} from '../../ports/application-catalog.ts'

// The runtime finds what it is asked to run with ApplicationCatalog.scopes() and list(): STARTING applications
// (with `run`: the starting position of each input), UPDATING ones (a new version to apply), STOPPING and
// DELETING ones (to stop). What it reports, as compare-and-set changes of the catalog. Each returns
// what it did; 'changed' means the record moved meanwhile (a Stop or an update came in): read it again and act
// on what it says now.
//
//   STARTING or UPDATING, then the runtime runs the current version  -> reportRunning  -> RUNNING
//   STOPPING or DELETING, then the runtime has stopped it            -> reportStopped  -> READY, or removed

export type ReportOutcome = 'applied' | 'ignored' | 'changed'

/**
 * The runtime runs the application's current version (after Start or an update). 'ignored' (the application is
 * gone, or READY because Stop came first) means: do not run it.
 */
export async function reportRunning(
  catalog: ApplicationCatalog,
  key: ApplicationKey,
  now: number,
): Promise<ReportOutcome> {
  const record = await catalog.get(key)
  if (record === undefined || (record.status !== 'STARTING' && record.status !== 'UPDATING')) return 'ignored'
  const run = record.run ?? { requestedAtMillis: now, inputs: [] }
  const next: ApplicationRecord = {
    ...record,
    status: 'RUNNING',
    run: { ...run, runningSinceMillis: run.runningSinceMillis ?? now },
    revision: record.revision + 1,
  }
  return (await catalog.update(next)) ? 'applied' : 'changed'
}

/** The runtime has stopped the application: READY again, or gone when it was being deleted. */
export async function reportStopped(
  catalog: ApplicationCatalog,
  key: ApplicationKey,
): Promise<ReportOutcome> {
  const record = await catalog.get(key)
  if (record === undefined) return 'ignored'
  if (record.status === 'DELETING')
    return (await catalog.remove(key, record.revision)) ? 'applied' : 'changed'
  if (record.status !== 'STOPPING') return 'ignored'
  const { run: _finished, ...rest } = record
  return (await catalog.update({ ...rest, status: 'READY', revision: record.revision + 1 }))
    ? 'applied'
    : 'changed'
}
