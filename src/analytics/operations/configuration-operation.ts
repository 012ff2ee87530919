import { defineOperation, validated, type InputMembers, type Operation } from '../../aws/index.ts'
import { changeConfiguration, type ConfigurationChange } from '../applications/changes.ts'
import type { ApplicationRecord } from '../../ports/application-catalog.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { guarded } from '../errors.ts'
import { ApplicationName, CurrentApplicationVersionId } from '../members.ts'

interface VersionedRequest {
  ApplicationName?: string | undefined
  CurrentApplicationVersionId?: number | undefined
}

/**
 * An operation that changes one part of an application's configuration (Add/Delete Input, Output, ...): it
 * names the application and the version its caller read, and answers an empty document.
 */
export function configurationOperation<Input extends VersionedRequest>(
  deps: AnalyticsDeps,
  definition: {
    name: string
    /** The members besides ApplicationName and CurrentApplicationVersionId. */
    input: InputMembers
    /** Whether the change touches what the code reads: the code is checked again. */
    checksCode: boolean
    change(record: ApplicationRecord, input: Input): ConfigurationChange | Promise<ConfigurationChange>
  },
): Operation<Input, Record<string, never>> {
  return defineOperation<Input, Record<string, never>>({
    name: definition.name,
    input: { ApplicationName, CurrentApplicationVersionId, ...definition.input },
    handle: (input, context) =>
      guarded(async () => {
        await changeConfiguration(deps, context, {
          applicationName: validated(input.ApplicationName, 'ApplicationName'),
          currentApplicationVersionId: validated(
            input.CurrentApplicationVersionId,
            'CurrentApplicationVersionId',
          ),
          checksCode: definition.checksCode,
          change: (record) => definition.change(record, input),
        })
        return {}
      }),
  })
}
