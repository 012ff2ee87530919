import { randomUUID } from 'node:crypto'

import type { OutputDescription } from '@aws-sdk/client-kinesis-analytics'

import type { LambdaInvoker } from '../../ports/lambda-invoker.ts'
import type { RecordFormatType } from './output-format.ts'
import type { OutputDestinations, RuntimeLog } from './runtime-deps.ts'

// The destinations of an application's outputs, and delivery with retries: a batch of records is written until
// every one is stored (at least once), or the worker stops (then its input offsets are not committed and the
// records are produced again by whoever runs the application next).

export interface OutputTarget {
  readonly outputId: string
  /** The in-application stream whose rows go there (exact case). */
  readonly streamName: string
  readonly format: RecordFormatType
  readonly destination: string
  /** Writes the records; resolves with the positions of those that were not stored. */
  write(records: readonly Buffer[]): Promise<number[]>
}

/** A PutRecords request takes 500 records and 5 MiB at most (the gateway takes 10 MiB; keep AWS's). */
const KINESIS_BATCH_RECORDS = 500
const KINESIS_BATCH_BYTES = 5 * 1024 * 1024
/** PutRecordBatch: 500 records, 4 MiB. */
const FIREHOSE_BATCH_RECORDS = 500
const FIREHOSE_BATCH_BYTES = 4 * 1024 * 1024
/** Records per Lambda invocation (the Invoke payload limit is 6 MB). */
const LAMBDA_BATCH_RECORDS = 500
const LAMBDA_BATCH_BYTES = 4 * 1024 * 1024

export interface OutputTargetDeps {
  readonly destinations: OutputDestinations
  readonly lambda?: LambdaInvoker | undefined
}

/** The targets of the outputs; throws for an output this runtime cannot write (a Lambda output without Lambda). */
export function outputTargets(
  outputs: readonly OutputDescription[],
  applicationArn: string,
  deps: OutputTargetDeps,
): OutputTarget[] {
  return outputs.map((output) => {
    const common = {
      outputId: output.OutputId ?? '',
      streamName: output.Name ?? '',
      format: output.DestinationSchema?.RecordFormatType === 'CSV' ? ('CSV' as const) : ('JSON' as const),
    }
    const kinesis = output.KinesisStreamsOutputDescription?.ResourceARN
    if (kinesis !== undefined) {
      return {
        ...common,
        destination: kinesis,
        write: (records) =>
          inBatches(records, KINESIS_BATCH_RECORDS, KINESIS_BATCH_BYTES, (batch) =>
            deps.destinations.putKinesisRecords(
              kinesis,
              batch.map((data) => ({ partitionKey: randomUUID(), data })),
            ),
          ),
      }
    }
    const firehose = output.KinesisFirehoseOutputDescription?.ResourceARN
    if (firehose !== undefined) {
      return {
        ...common,
        destination: firehose,
        write: (records) =>
          inBatches(records, FIREHOSE_BATCH_RECORDS, FIREHOSE_BATCH_BYTES, (batch) =>
            deps.destinations.putFirehoseRecords(firehose, batch),
          ),
      }
    }
    const lambdaArn = output.LambdaOutputDescription?.ResourceARN
    if (lambdaArn !== undefined) {
      const lambda = deps.lambda
      if (lambda === undefined) {
        throw new Error(`output ${common.outputId} is a Lambda function and no LAMBDA_ENDPOINT is configured`)
      }
      return {
        ...common,
        destination: lambdaArn,
        write: (records) =>
          inBatches(records, LAMBDA_BATCH_RECORDS, LAMBDA_BATCH_BYTES, (batch) =>
            invokeLambdaOutput(lambda, lambdaArn, applicationArn, batch),
          ),
      }
    }
    throw new Error(`output ${common.outputId} has no destination`)
  })
}

/**
 * Kinesis Data Analytics's Lambda output contract: `{invocationId, applicationArn, records: [{recordId,
 * lambdaDeliveryRecordMetadata: {retryHint}, data}]}` answered by `{records: [{recordId, result: Ok |
 * DeliveryFailed}]}`. A record the answer does not name, or names as failed, is delivered again.
 */
async function invokeLambdaOutput(
  lambda: LambdaInvoker,
  functionArn: string,
  applicationArn: string,
  records: readonly Buffer[],
): Promise<number[]> {
  const ids = records.map((_, position) => `${position}-${randomUUID()}`)
  const event = {
    invocationId: randomUUID(),
    applicationArn,
    records: records.map((data, position) => ({
      recordId: ids[position],
      lambdaDeliveryRecordMetadata: { retryHint: 0 },
      data: data.toString('base64'),
    })),
  }
  const answer = await lambda.invoke(functionArn, Buffer.from(JSON.stringify(event)))
  if (answer.functionError !== undefined) {
    throw new Error(`Lambda output ${functionArn} failed: ${answer.payload.toString('utf8').slice(0, 512)}`)
  }
  const ok = new Set<string>()
  try {
    const parsed = JSON.parse(answer.payload.toString('utf8')) as { records?: unknown }
    if (Array.isArray(parsed.records)) {
      for (const entry of parsed.records as { recordId?: unknown; result?: unknown }[]) {
        if (typeof entry.recordId === 'string' && entry.result === 'Ok') ok.add(entry.recordId)
      }
    }
  } catch {
    throw new Error(`Lambda output ${functionArn} did not answer JSON`)
  }
  return ids.flatMap((id, position) => (ok.has(id) ? [] : [position]))
}

/** Writes in batches within the limits; the failed positions of all batches, in the positions of `records`. */
async function inBatches(
  records: readonly Buffer[],
  maxRecords: number,
  maxBytes: number,
  write: (batch: Buffer[]) => Promise<number[]>,
): Promise<number[]> {
  const failed: number[] = []
  let start = 0
  while (start < records.length) {
    let end = start
    let bytes = 0
    while (end < records.length && end - start < maxRecords) {
      const size = (records[end] as Buffer).length
      if (end > start && bytes + size > maxBytes) break
      bytes += size
      end++
    }
    const batch = records.slice(start, end)
    try {
      for (const position of await write(batch)) failed.push(start + position)
    } catch (error) {
      if (failed.length === 0 && start === 0 && end === records.length) throw error
      for (let position = start; position < end; position++) failed.push(position)
    }
    start = end
  }
  return failed
}

export class WorkerStoppedError extends Error {
  override name = 'WorkerStoppedError'
}

export interface DeliveryControl {
  readonly stopped: () => boolean
  readonly sleep: (ms: number) => Promise<void>
  readonly log: RuntimeLog
  readonly application: string
}

/**
 * Writes every record to the target, again and again for those not stored (backing off up to 5 s), until all
 * are stored. Gives up only when the worker stops (WorkerStoppedError).
 */
export async function deliver(
  target: OutputTarget,
  records: readonly Buffer[],
  control: DeliveryControl,
): Promise<void> {
  let remaining = records
  let delay = 100
  let reported = false
  while (remaining.length > 0) {
    let failedPositions: number[]
    try {
      failedPositions = await target.write(remaining)
    } catch (error) {
      failedPositions = remaining.map((_, position) => position)
      if (!reported) {
        reported = true
        control.log('warn', 'analytics: an output could not be written; retrying', {
          application: control.application,
          outputId: target.outputId,
          destination: target.destination,
          error: error instanceof Error ? error.message : String(error),
        })
      }
    }
    const left = remaining
    remaining = failedPositions.map((position) => left[position] as Buffer)
    if (remaining.length === 0) break
    if (control.stopped())
      throw new WorkerStoppedError('the application stopped before its output was stored')
    await control.sleep(delay)
    delay = Math.min(delay * 2, 5_000)
  }
  if (reported) {
    control.log('info', 'analytics: output written again', {
      application: control.application,
      outputId: target.outputId,
    })
  }
}
