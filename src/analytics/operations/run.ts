import type {
  InputStartingPosition,
  StartApplicationRequest,
  StartApplicationResponse,
  StopApplicationRequest,
  StopApplicationResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { parseStreamArn } from '../../mapping/arns.ts'
import { existingApplication, writeRecord } from '../applications/changes.ts'
import { applicationKey } from '../applications/records.ts'
import type { AnalyticsDeps } from '../deps.ts'
import {
  guarded,
  InvalidApplicationConfigurationException,
  InvalidArgumentException,
  ResourceInUseException,
} from '../errors.ts'
import { ApplicationName, Id, InputStartingPositionConfiguration } from '../members.ts'

// StartApplication and StopApplication record what is asked in the catalog; the runtime that runs the SQL
// acts on it and reports back (src/analytics/applications/run-state.ts):
//
//   READY --Start--> STARTING --runtime reports running--> RUNNING --Stop--> STOPPING --runtime stopped--> READY
//
// STARTING stays until a runtime takes the application; Stop before that returns it to READY at once, since
// nothing runs yet. The version (ApplicationVersionId) does not change: only configuration changes bump it.

export function startApplication(
  deps: AnalyticsDeps,
): Operation<StartApplicationRequest, StartApplicationResponse> {
  return defineOperation({
    name: 'StartApplication',
    input: {
      ApplicationName,
      InputConfigurations: {
        type: 'list',
        required: true,
        member: {
          type: 'structure',
          members: {
            Id: { ...Id, required: true },
            InputStartingPositionConfiguration: { ...InputStartingPositionConfiguration, required: true },
          },
        },
      },
    },
    handle: (input, context) =>
      guarded(async () => {
        const key = applicationKey(context, validated(input.ApplicationName, 'ApplicationName'))
        const record = await existingApplication(deps, key)
        if (record.status !== 'READY') {
          throw ResourceInUseException(
            `Application ${key.applicationName} is in ${record.status} status; only a READY application can be started.`,
          )
        }
        if (record.inputs.length === 0) {
          throw InvalidApplicationConfigurationException(
            `Application ${key.applicationName} has no input; add one before starting it.`,
          )
        }
        const positions = new Map<string, InputStartingPosition>()
        for (const configuration of validated(input.InputConfigurations, 'InputConfigurations')) {
          const id = validated(configuration.Id, 'Id')
          if (!record.inputs.some((item) => item.InputId === id)) {
            throw InvalidArgumentException(
              `Input ${id} is not an input of application ${key.applicationName}.`,
            )
          }
          const position = configuration.InputStartingPositionConfiguration?.InputStartingPosition
          if (position === undefined) {
            throw InvalidArgumentException(`InputStartingPosition is required for input ${id}.`)
          }
          positions.set(id, position)
        }
        for (const item of record.inputs) {
          if (!positions.has(item.InputId ?? '')) {
            throw InvalidArgumentException(
              `InputConfigurations must name input ${item.InputId ?? ''} of application ${key.applicationName}.`,
            )
          }
          await requireSourceStream(
            deps,
            key.applicationName,
            item.KinesisStreamsInputDescription?.ResourceARN,
          )
        }
        await writeRecord(deps, {
          ...record,
          status: 'STARTING',
          inputs: record.inputs.map((item) => ({
            ...item,
            InputStartingPositionConfiguration: {
              InputStartingPosition: validated(positions.get(item.InputId ?? ''), 'InputStartingPosition'),
            },
          })),
          run: {
            requestedAtMillis: deps.clock.now(),
            inputs: [...positions].map(([inputId, startingPosition]) => ({ inputId, startingPosition })),
          },
          revision: record.revision + 1,
        })
        return {}
      }),
  })
}

/** The input's Kinesis stream must still exist when the application starts. */
async function requireSourceStream(
  deps: AnalyticsDeps,
  applicationName: string,
  arn: string | undefined,
): Promise<void> {
  if (arn === undefined) return
  const parts = parseStreamArn(arn)
  const stream =
    parts === undefined
      ? undefined
      : await deps.streams.get({
          accountId: parts.accountId,
          region: parts.region,
          streamName: parts.streamName,
        })
  if (stream === undefined || stream.status === 'DELETING') {
    throw InvalidApplicationConfigurationException(
      `The input stream ${arn} of application ${applicationName} does not exist.`,
    )
  }
}

export function stopApplication(
  deps: AnalyticsDeps,
): Operation<StopApplicationRequest, StopApplicationResponse> {
  return defineOperation({
    name: 'StopApplication',
    input: { ApplicationName },
    handle: (input, context) =>
      guarded(async () => {
        const key = applicationKey(context, validated(input.ApplicationName, 'ApplicationName'))
        const record = await existingApplication(deps, key)
        if (record.status === 'STARTING') {
          const { run: _cancelled, ...rest } = record
          await writeRecord(deps, { ...rest, status: 'READY', revision: record.revision + 1 })
          return {}
        }
        if (record.status !== 'RUNNING' && record.status !== 'UPDATING') {
          throw ResourceInUseException(
            `Application ${key.applicationName} is in ${record.status} status; only a running application can be stopped.`,
          )
        }
        await writeRecord(deps, { ...record, status: 'STOPPING', revision: record.revision + 1 })
        return {}
      }),
  })
}
