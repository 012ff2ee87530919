import type { RequestContext } from '../../aws/index.ts'
import type { ApplicationKey, ApplicationRecord } from '../../ports/application-catalog.ts'
import type { AnalyticsDeps, InApplicationSource } from '../deps.ts'
import {
  CodeValidationException,
  ConcurrentModificationException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../errors.ts'
import { applicationKey } from './records.ts'

// How an application is read and changed: every change is a compare-and-set on the record's revision, so a
// change read from a record that another replica changed meanwhile fails instead of overwriting it.

export function applicationNotFound(applicationName: string): Error {
  return ResourceNotFoundException(`Application ${applicationName} is not found.`)
}

export async function existingApplication(
  deps: AnalyticsDeps,
  key: ApplicationKey,
): Promise<ApplicationRecord> {
  const record = await deps.applications.get(key)
  if (record === undefined) throw applicationNotFound(key.applicationName)
  return record
}

/** Writes `next` (whose revision is one more than the record read); ConcurrentModificationException if beaten. */
export async function writeRecord(deps: AnalyticsDeps, next: ApplicationRecord): Promise<void> {
  if (!(await deps.applications.update(next))) {
    throw ConcurrentModificationException(
      `Application ${next.applicationName} was modified concurrently; describe it and retry.`,
    )
  }
}

/** The configuration an operation changes: everything but identity, status, versions and bookkeeping. */
export type ConfigurationChange = Partial<
  Pick<
    ApplicationRecord,
    'code' | 'inputs' | 'outputs' | 'referenceDataSources' | 'cloudWatchLoggingOptions' | 'nextOrdinals'
  >
>

export interface ChangeRequest {
  readonly applicationName: string
  readonly currentApplicationVersionId: number
  /** Whether the change touches what the code reads (code, inputs, reference tables): the code is checked. */
  readonly checksCode: boolean
  /** The change, from the record as read; throws the operation's errors for an invalid one. */
  change(record: ApplicationRecord): ConfigurationChange | Promise<ConfigurationChange>
}

/**
 * One configuration change (UpdateApplication, Add/Delete...): the application must be READY or RUNNING and at
 * the version the caller read; the change bumps the version. A RUNNING application turns UPDATING until the
 * runtime has applied the new version.
 */
export async function changeConfiguration(
  deps: AnalyticsDeps,
  context: RequestContext,
  request: ChangeRequest,
): Promise<void> {
  const record = await existingApplication(deps, applicationKey(context, request.applicationName))
  if (record.status !== 'READY' && record.status !== 'RUNNING') {
    throw ResourceInUseException(
      `Application ${record.applicationName} is in ${record.status} status; it can be changed only when READY or RUNNING.`,
    )
  }
  checkVersion(record, request.currentApplicationVersionId)
  const next: ApplicationRecord = {
    ...record,
    ...(await request.change(record)),
    status: record.status === 'RUNNING' ? 'UPDATING' : record.status,
    versionId: record.versionId + 1,
    updatedAtMillis: deps.clock.now(),
    revision: record.revision + 1,
  }
  if (request.checksCode) checkCode(deps, next)
  await writeRecord(deps, next)
}

export function checkVersion(record: ApplicationRecord, currentApplicationVersionId: number): void {
  if (currentApplicationVersionId !== record.versionId) {
    throw ConcurrentModificationException(
      `Provided application version id (${currentApplicationVersionId}) does not match the current application version id (${record.versionId}) of application ${record.applicationName}.`,
    )
  }
}

/** Runs the SQL checker on the application's code (none or blank: nothing to check). */
export function checkCode(
  deps: AnalyticsDeps,
  record: Pick<ApplicationRecord, 'code' | 'inputs' | 'referenceDataSources'>,
): void {
  const code = record.code
  if (code === undefined || code.trim() === '') return
  const problem = deps.checkApplicationCode(code, inApplicationSources(record))
  if (problem !== undefined) {
    throw CodeValidationException(
      `Invalid SQL code: line ${problem.line}, column ${problem.column}: ${problem.message}`,
    )
  }
}

/** What the code can read: each input's in-application streams, and the reference tables. */
export function inApplicationSources(
  record: Pick<ApplicationRecord, 'inputs' | 'referenceDataSources'>,
): InApplicationSource[] {
  const sources: InApplicationSource[] = []
  for (const input of record.inputs) {
    const columns = (input.InputSchema?.RecordColumns ?? []).map((column) => ({
      name: column.Name ?? '',
      sqlType: column.SqlType ?? '',
    }))
    for (const name of input.InAppStreamNames ?? []) sources.push({ name, kind: 'stream', columns })
  }
  for (const reference of record.referenceDataSources) {
    sources.push({
      name: reference.TableName ?? '',
      kind: 'table',
      columns: (reference.ReferenceSchema?.RecordColumns ?? []).map((column) => ({
        name: column.Name ?? '',
        sqlType: column.SqlType ?? '',
      })),
    })
  }
  return sources
}
