// Composition of the Kinesis Data Analytics runtime: the supervisor that runs one consumer group member per
// application to run in this process, writing outputs through the gateway's own PutRecords (Kinesis streams)
// and PutRecordBatch (Firehose delivery streams) operations, so that routing by partition key, sequence
// numbers, encryption and delivery stream topics are exactly those of a client's writes.

import { randomUUID } from 'node:crypto'

import type { PutRecordsInput, PutRecordsOutput } from '@aws-sdk/client-kinesis'
import type { PutRecordBatchInput, PutRecordBatchOutput } from '@aws-sdk/client-firehose'

import type { Operation, RequestContext, Service } from './aws/index.ts'
import { startAnalyticsRuntime, type AnalyticsRuntime } from './analytics/runtime/runtime-supervisor.ts'
import type { OutputDestinations } from './analytics/runtime/runtime-deps.ts'
import type { RuntimeMetrics } from './analytics/runtime/runtime-metrics.ts'
import type { AnalyticsRuntimeConfig } from './config.ts'
import type { Logger } from './gateway/index.ts'
import type { ApplicationCatalog } from './ports/application-catalog.ts'
import type { ApplicationCheckpoints } from './ports/application-checkpoints.ts'
import type { Clock } from './ports/clock.ts'
import type { ConsumerGroups } from './ports/consumer-groups.ts'
import type { KeyRing } from './ports/key-ring.ts'
import type { LambdaInvoker } from './ports/lambda-invoker.ts'
import type { ObjectStore } from './ports/object-store.ts'
import type { StreamCatalog } from './ports/stream-catalog.ts'

export interface AnalyticsRuntimeCompositionDeps {
  readonly applications: ApplicationCatalog
  readonly checkpoints: ApplicationCheckpoints
  readonly streams: StreamCatalog
  readonly groups: ConsumerGroups
  readonly objects: ObjectStore
  readonly keyRing: KeyRing | undefined
  readonly clock: Clock
  readonly lambda: LambdaInvoker | undefined
  readonly logger: Logger
  /** The Kinesis Data Streams and Firehose services whose operations write the outputs. */
  readonly streamsService: Service
  readonly firehoseService: Service
  readonly metrics: RuntimeMetrics
}

export function startAnalyticsRuntimeOf(
  deps: AnalyticsRuntimeCompositionDeps,
  config: AnalyticsRuntimeConfig,
): AnalyticsRuntime {
  return startAnalyticsRuntime(
    {
      applications: deps.applications,
      streams: deps.streams,
      groups: deps.groups,
      objects: deps.objects,
      keyRing: deps.keyRing,
      clock: deps.clock,
      lambda: deps.lambda,
      checkpoints: deps.checkpoints,
      metrics: deps.metrics,
      destinations: outputDestinations(deps.streamsService, deps.firehoseService),
      log: (level, message, detail) => {
        deps.logger[level](message, detail)
      },
    },
    {
      pollIntervalMs: config.pollIntervalMs,
      tickIntervalMs: 500,
      idleAdvanceMs: config.idleAdvanceMs,
      checkpointIntervalMs: config.checkpointIntervalMs,
    },
  )
}

/** Writes through the services' operations, in the account and region of the destination's ARN. */
export function outputDestinations(streamsService: Service, firehoseService: Service): OutputDestinations {
  const putRecords = operation<PutRecordsInput, PutRecordsOutput>(streamsService, 'PutRecords')
  const putRecordBatch = operation<PutRecordBatchInput, PutRecordBatchOutput>(
    firehoseService,
    'PutRecordBatch',
  )
  return {
    async putKinesisRecords(streamArn, records) {
      const output = await putRecords.handle(
        {
          StreamARN: streamArn,
          Records: records.map(({ partitionKey, data }) => ({ PartitionKey: partitionKey, Data: data })),
        },
        contextOf(streamArn),
      )
      return failedPositions(output.Records ?? [], records.length)
    },
    async putFirehoseRecords(deliveryStreamArn, records) {
      const name = /:deliverystream\/(.+)$/.exec(deliveryStreamArn)?.[1]
      if (name === undefined) throw new Error(`${deliveryStreamArn} is not a delivery stream ARN`)
      const output = await putRecordBatch.handle(
        { DeliveryStreamName: name, Records: records.map((data) => ({ Data: data })) },
        contextOf(deliveryStreamArn),
      )
      return failedPositions(output.RequestResponses ?? [], records.length)
    },
  }
}

function operation<Input extends object, Output>(service: Service, name: string): Operation<Input, Output> {
  const found = service.operations.get(name)
  if (found === undefined) throw new Error(`${service.name} has no operation ${name}`)
  return found as Operation<Input, Output>
}

/** The account and region an ARN names (arn:partition:service:region:account:resource). */
function contextOf(arn: string): RequestContext {
  const [, , , region = '', accountId = ''] = arn.split(':')
  return { requestId: randomUUID(), accountId, region, accessKeyId: undefined }
}

function failedPositions(entries: readonly { ErrorCode?: string | undefined }[], count: number): number[] {
  const failed: number[] = []
  for (let position = 0; position < count; position++) {
    const entry = entries[position]
    if (entry === undefined || entry.ErrorCode !== undefined) failed.push(position)
  }
  return failed
}
