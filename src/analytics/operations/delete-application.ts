import type { DeleteApplicationRequest, DeleteApplicationResponse } from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { existingApplication, writeRecord } from '../applications/changes.ts'
import { applicationKey } from '../applications/records.ts'
import type { AnalyticsDeps } from '../deps.ts'
import {
  ConcurrentModificationException,
  guarded,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../errors.ts'
import { ApplicationName } from '../members.ts'

/**
 * DeleteApplication: the caller names the application and the CreateTimestamp it read, so that a re-created
 * application of the same name is not deleted by mistake. One that nothing runs (READY, or STARTING before a
 * runtime took it) goes at once; one a runtime runs turns DELETING, and the runtime removes it once stopped.
 */
/**
 * The AWS CLI (botocore) sends timestamps as whole epoch seconds, the SDKs with milliseconds: a CreateTimestamp
 * names the application created within that second.
 */
function sameSecond(givenMillis: number, createdAtMillis: number): boolean {
  return Math.floor(givenMillis / 1000) === Math.floor(createdAtMillis / 1000)
}

export function deleteApplication(
  deps: AnalyticsDeps,
): Operation<DeleteApplicationRequest, DeleteApplicationResponse> {
  return defineOperation({
    name: 'DeleteApplication',
    input: { ApplicationName, CreateTimestamp: { type: 'timestamp', required: true } },
    handle: (input, context) =>
      guarded(async () => {
        const key = applicationKey(context, validated(input.ApplicationName, 'ApplicationName'))
        const record = await existingApplication(deps, key)
        const createdAt = validated(input.CreateTimestamp, 'CreateTimestamp')
        if (!sameSecond(createdAt.getTime(), record.createdAtMillis)) {
          throw ResourceNotFoundException(
            `Application ${key.applicationName} with create timestamp ${createdAt.toISOString()} is not found.`,
          )
        }
        if (record.status === 'DELETING') {
          throw ResourceInUseException(`Application ${key.applicationName} is already being deleted.`)
        }
        if (record.status === 'READY' || record.status === 'STARTING') {
          if (!(await deps.applications.remove(key, record.revision))) {
            throw ConcurrentModificationException(
              `Application ${key.applicationName} was modified concurrently; describe it and retry.`,
            )
          }
          return {}
        }
        await writeRecord(deps, {
          ...record,
          status: 'DELETING',
          updatedAtMillis: deps.clock.now(),
          revision: record.revision + 1,
        })
        return {}
      }),
  })
}
