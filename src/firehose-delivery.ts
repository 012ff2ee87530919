// Composition of the Firehose delivery workers: the supervisor that runs one consumer group member per ACTIVE
// delivery stream in this process, on the consumer groups and the object store main.ts builds, with each
// stream's processing (processing/), its format converter with record format conversion and, for HTTP endpoint
// streams, the HTTP endpoint destination.

import type {
  DataFormatConversionConfiguration,
  HttpEndpointDestinationConfiguration,
} from '@aws-sdk/client-firehose'

import type { FirehoseDeliveryConfig } from './config.ts'
import type { DeliveryMetrics } from './firehose/delivery/delivery-metrics.ts'
import { startDeliverySupervisor, type DeliverySupervisor } from './firehose/delivery/delivery-supervisor.ts'
import {
  DEFAULT_DELIVERY_WORKER_SETTINGS,
  type DeliveryWorkerOptions,
} from './firehose/delivery/delivery-worker.ts'

export { DELIVERY_FETCH_BYTES } from './firehose/delivery/delivery-worker.ts'
import type { Destination } from './firehose/delivery/destination.ts'
import { createHttpEndpointDestination } from './firehose/http-endpoint/http-endpoint-destination.ts'
import {
  createFormatConverter,
  createRecordProcessor,
  type FormatConverter,
} from './firehose/processing/index.ts'
import type { Logger } from './gateway/index.ts'
import type { Clock } from './ports/clock.ts'
import type { ConsumerGroups } from './ports/consumer-groups.ts'
import type { DeliveryStreamRecord } from './ports/delivery-streams.ts'
import type { HttpPoster } from './ports/http-poster.ts'
import type { KeyRing } from './ports/key-ring.ts'
import type { LambdaInvoker } from './ports/lambda-invoker.ts'
import type { ObjectStore } from './ports/object-store.ts'
import type { TableSchemas } from './ports/table-schemas.ts'

export interface FirehoseDeliveryDeps {
  readonly groups: ConsumerGroups
  readonly objectStore: ObjectStore
  readonly keyRing: KeyRing | undefined
  readonly clock: Clock
  readonly logger: Logger
  readonly metrics: DeliveryMetrics
  /** Lambda data transformation (LAMBDA_ENDPOINT). */
  readonly lambda: LambdaInvoker | undefined
  /** What HTTP endpoint destinations post with. */
  readonly http: HttpPoster
  /** The tables record format conversion reads its columns from (FIREHOSE_SCHEMA_FILE). */
  readonly tableSchemas: TableSchemas | undefined
  /** Every ACTIVE delivery stream: the Firehose catalog's listDeliveryStreamRecords. */
  readonly listDeliveryStreams: () => Promise<DeliveryStreamRecord[]>
}

export function startFirehoseDelivery(
  deps: FirehoseDeliveryDeps,
  config: FirehoseDeliveryConfig,
): DeliverySupervisor {
  return startDeliverySupervisor(
    {
      groups: deps.groups,
      objectStore: deps.objectStore,
      clock: deps.clock,
      keyRing: deps.keyRing,
      metrics: deps.metrics,
      settings: { ...DEFAULT_DELIVERY_WORKER_SETTINGS, maxBufferedBytes: config.maxBufferedBytes },
      log: (level, message, detail) => {
        deps.logger[level](message, detail)
      },
      listDeliveryStreams: deps.listDeliveryStreams,
      workerOptionsFor: (stream) => workerOptionsFor(stream, deps),
    },
    { pollIntervalMs: config.pollIntervalMs, tickIntervalMs: 1_000 },
  )
}

/**
 * What a delivery stream's worker runs: its processing stage (processors, KPL de-aggregation of Kinesis sources,
 * partition keys, the format conversion check), the HTTP endpoint destination of an HTTP endpoint stream, and
 * with record format conversion the converter that writes its Parquet objects. Rejects when the stream needs a
 * Lambda and none is configured, needs table schemas and none are configured, or the schemas cannot be read
 * (the supervisor tries again at its next poll).
 */
export async function workerOptionsFor(
  stream: DeliveryStreamRecord,
  deps: Pick<FirehoseDeliveryDeps, 'clock' | 'lambda' | 'http' | 'tableSchemas'>,
): Promise<DeliveryWorkerOptions> {
  const destination = stream.description.Destinations?.[0]
  const extended = destination?.ExtendedS3DestinationDescription
  const settings = extended ?? destination?.HttpEndpointDestinationDescription ?? {}
  const converter = await formatConverterFor(extended?.DataFormatConversionConfiguration, deps.tableSchemas)
  const kinesis = stream.description.Source?.KinesisStreamSourceDescription
  const process = createRecordProcessor(
    settings,
    {
      deliveryStreamArn: stream.description.DeliveryStreamARN ?? '',
      region: stream.region,
      ...(kinesis?.KinesisStreamARN === undefined
        ? {}
        : { sourceKinesisStreamArn: kinesis.KinesisStreamARN }),
    },
    {
      clock: deps.clock,
      ...(deps.lambda === undefined ? {} : { lambda: deps.lambda }),
      ...(converter === undefined ? {} : { formatConverter: converter }),
    },
  )
  const httpEndpoint = destinationFor(stream, deps)
  return {
    process,
    ...(httpEndpoint === undefined ? {} : { destination: httpEndpoint }),
    ...(converter === undefined ? {} : { objectBody: (records) => converter.write(records) }),
  }
}

/** The converter of a stream with record format conversion (Enabled defaults to true); undefined without. */
async function formatConverterFor(
  conversion: DataFormatConversionConfiguration | undefined,
  tableSchemas: TableSchemas | undefined,
): Promise<FormatConverter | undefined> {
  if (conversion === undefined || conversion.Enabled === false) return undefined
  if (tableSchemas === undefined) {
    throw new Error('Record format conversion needs the table schemas (set FIREHOSE_SCHEMA_FILE)')
  }
  return createFormatConverter(conversion, tableSchemas)
}

/** The HTTP endpoint destination of an HTTP endpoint stream; undefined (the S3 destination) for the others. */
function destinationFor(
  stream: DeliveryStreamRecord,
  deps: Pick<FirehoseDeliveryDeps, 'clock' | 'http'>,
): Destination | undefined {
  const http = stream.description.Destinations?.[0]?.HttpEndpointDestinationDescription
  if (http === undefined) return undefined
  // The description never shows the access key (AWS never returns it); the catalog's record keeps it.
  const settings: Pick<
    HttpEndpointDestinationConfiguration,
    'EndpointConfiguration' | 'RequestConfiguration' | 'RetryOptions'
  > = {
    EndpointConfiguration: {
      Url: http.EndpointConfiguration?.Url,
      Name: http.EndpointConfiguration?.Name,
      AccessKey: stream.httpEndpointAccessKey,
    },
    RequestConfiguration: http.RequestConfiguration,
    RetryOptions: http.RetryOptions,
  }
  const endpoint = createHttpEndpointDestination(settings, stream.description.DeliveryStreamARN ?? '', {
    http: deps.http,
    clock: deps.clock,
  })
  return {
    async deliver(batch) {
      const outcome = await endpoint.deliver(batch.records)
      return { failed: outcome.failed }
    },
  }
}
