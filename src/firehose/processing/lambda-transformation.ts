import { randomUUID } from 'node:crypto'

import type { Clock } from '../../ports/clock.ts'
import { LambdaInvokeError, type LambdaInvoker } from '../../ports/lambda-invoker.ts'
import type { DeliveryRecord } from '../delivery/delivery-record.ts'
import type { LambdaSettings } from './processing-settings.ts'

/** Who is invoking: what the invocation event names besides the records. */
export interface InvocationContext {
  readonly deliveryStreamArn: string
  readonly region: string
  readonly sourceKinesisStreamArn?: string
}

/** What the function made of one record. */
export type TransformOutcome =
  | {
      readonly result: 'Ok'
      readonly data: Buffer
      readonly partitionKeys?: Readonly<Record<string, string>>
    }
  | { readonly result: 'Dropped' }
  | {
      readonly result: 'Failed'
      readonly errorCode: string
      readonly errorMessage: string
      readonly attemptsMade: number
      readonly attemptEndingTimestamp: number
    }

/**
 * Data transformation: the records go to the function in invocations of at most BufferSizeInMBs of data
 * (at least one record each). An invocation that fails (no answer, a function error, an answer that is not
 * the status model, a record id missing, repeated or unknown) is retried NumberOfRetries times; after that
 * its records fail. A record the function answers ProcessingFailed fails at once.
 */
export async function transformRecords(
  records: readonly DeliveryRecord[],
  settings: LambdaSettings,
  context: InvocationContext,
  deps: { readonly lambda: LambdaInvoker; readonly clock: Clock },
): Promise<TransformOutcome[]> {
  const outcomes: TransformOutcome[] = []
  for (const batch of invocationBatches(records, settings.bufferSizeBytes)) {
    outcomes.push(...(await invokeWithRetries(batch, settings, context, deps)))
  }
  return outcomes
}

function invocationBatches(records: readonly DeliveryRecord[], bufferSizeBytes: number): DeliveryRecord[][] {
  const batches: DeliveryRecord[][] = []
  let batch: DeliveryRecord[] = []
  let bytes = 0
  for (const record of records) {
    if (batch.length > 0 && bytes + record.data.length > bufferSizeBytes) {
      batches.push(batch)
      batch = []
      bytes = 0
    }
    batch.push(record)
    bytes += record.data.length
  }
  if (batch.length > 0) batches.push(batch)
  return batches
}

class InvocationFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

async function invokeWithRetries(
  batch: readonly DeliveryRecord[],
  settings: LambdaSettings,
  context: InvocationContext,
  deps: { readonly lambda: LambdaInvoker; readonly clock: Clock },
): Promise<TransformOutcome[]> {
  const payload = invocationEvent(batch, context)
  let attempts = 0
  for (;;) {
    attempts++
    try {
      const invocation = await deps.lambda.invoke(settings.lambdaArn, payload)
      if (invocation.functionError !== undefined) {
        throw new InvocationFailure('Lambda.FunctionError', functionErrorMessage(invocation.payload))
      }
      return readResponse(batch, invocation.payload, attempts, deps.clock)
    } catch (error) {
      const failure = asFailure(error)
      if (attempts > settings.numberOfRetries) {
        const attemptEndingTimestamp = deps.clock.now()
        return batch.map(() => ({
          result: 'Failed',
          errorCode: failure.code,
          errorMessage: failure.message,
          attemptsMade: attempts,
          attemptEndingTimestamp,
        }))
      }
    }
  }
}

function invocationEvent(batch: readonly DeliveryRecord[], context: InvocationContext): Buffer {
  const event = {
    invocationId: randomUUID(),
    deliveryStreamArn: context.deliveryStreamArn,
    ...(context.sourceKinesisStreamArn === undefined
      ? {}
      : { sourceKinesisStreamArn: context.sourceKinesisStreamArn }),
    region: context.region,
    records: batch.map((record) => ({
      recordId: record.recordId,
      approximateArrivalTimestamp: record.approximateArrivalTimestamp,
      data: record.data.toString('base64'),
      ...(record.kinesisRecordMetadata === undefined
        ? {}
        : { kinesisRecordMetadata: record.kinesisRecordMetadata }),
    })),
  }
  return Buffer.from(JSON.stringify(event))
}

interface ResponseRecord {
  recordId?: unknown
  result?: unknown
  data?: unknown
  metadata?: { partitionKeys?: unknown }
}

/** The status model: every record back once, by its recordId, with a result; Ok records with their data. */
function readResponse(
  batch: readonly DeliveryRecord[],
  payload: Buffer,
  attemptsMade: number,
  clock: Clock,
): TransformOutcome[] {
  let records: unknown
  try {
    records = (JSON.parse(payload.toString('utf8')) as { records?: unknown }).records
  } catch {
    records = undefined
  }
  if (!Array.isArray(records)) {
    throw new InvocationFailure(
      'Lambda.JsonProcessingException',
      'The Lambda function response is not the data transformation status model ({"records":[...]}).',
    )
  }
  const byId = new Map<string, ResponseRecord>()
  for (const entry of records as ResponseRecord[]) {
    const recordId = typeof entry.recordId === 'string' ? entry.recordId : ''
    if (byId.has(recordId)) {
      throw new InvocationFailure(
        'Lambda.DuplicatedRecordId',
        `Multiple records were returned with the same record ID: ${recordId}`,
      )
    }
    byId.set(recordId, entry)
  }
  const unknown = [...byId.keys()].find((recordId) => !batch.some((record) => record.recordId === recordId))
  if (unknown !== undefined) {
    throw new InvocationFailure(
      'Lambda.MissingRecordId',
      `The record ID ${unknown} was not among the record IDs sent.`,
    )
  }
  return batch.map((record): TransformOutcome => {
    const entry = byId.get(record.recordId)
    if (entry === undefined) {
      throw new InvocationFailure(
        'Lambda.MissingRecordId',
        `One or more record IDs were not returned: ${record.recordId}`,
      )
    }
    return outcomeOf(entry, attemptsMade, clock)
  })
}

function outcomeOf(entry: ResponseRecord, attemptsMade: number, clock: Clock): TransformOutcome {
  switch (entry.result) {
    case 'Dropped':
      return { result: 'Dropped' }
    case 'ProcessingFailed':
      return {
        result: 'Failed',
        errorCode: 'Lambda.ProcessingFailedStatus',
        errorMessage: 'ProcessingFailed status set for record',
        attemptsMade,
        attemptEndingTimestamp: clock.now(),
      }
    case 'Ok': {
      if (typeof entry.data !== 'string') {
        throw new InvocationFailure('Lambda.JsonProcessingException', 'A record with result Ok has no data.')
      }
      const data = Buffer.from(entry.data, 'base64')
      const partitionKeys = stringMap(entry.metadata?.partitionKeys)
      return partitionKeys === undefined ? { result: 'Ok', data } : { result: 'Ok', data, partitionKeys }
    }
    default:
      throw new InvocationFailure(
        'Lambda.InvalidRecordResult',
        `Record result ${JSON.stringify(entry.result ?? null)} is not Ok, Dropped or ProcessingFailed.`,
      )
  }
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const map: Record<string, string> = {}
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') map[key] = entry
    else if (typeof entry === 'number' || typeof entry === 'boolean') map[key] = String(entry)
  }
  return map
}

function functionErrorMessage(payload: Buffer): string {
  try {
    const error = JSON.parse(payload.toString('utf8')) as { errorMessage?: unknown; errorType?: unknown }
    if (typeof error.errorMessage === 'string') {
      return typeof error.errorType === 'string'
        ? `${error.errorType}: ${error.errorMessage}`
        : error.errorMessage
    }
  } catch {
    // Not the runtime's error document: report the payload.
  }
  return `The Lambda function returned an error: ${payload.toString('utf8').slice(0, 512)}`
}

function asFailure(error: unknown): InvocationFailure {
  if (error instanceof InvocationFailure) return error
  if (error instanceof LambdaInvokeError) {
    const code = error.code === 'TooManyRequestsException' ? 'InvokeLimitExceeded' : error.code
    return new InvocationFailure(`Lambda.${code}`, error.message)
  }
  return new InvocationFailure(
    'Lambda.ServiceException',
    error instanceof Error ? error.message : String(error),
  )
}
