import { randomUUID } from 'node:crypto'

import type { LambdaInvoker } from '../../ports/lambda-invoker.ts'

// Input preprocessing (InputProcessingConfiguration.InputLambdaProcessor), as Kinesis Data Analytics calls the
// function: `{invocationId, applicationArn, streamArn, records: [{recordId, kinesisStreamRecordMetadata:
// {shardId, partitionKey, approximateArrivalTimestamp, sequenceNumber}, data}]}`, answered by `{records:
// [{recordId, result: Ok | Dropped | ProcessingFailed, data}]}`. Ok records go on with the returned data;
// Dropped ones are left out; ProcessingFailed ones, and records the answer leaves out, go to error_stream. A
// failed invocation (the function raised an error, or could not be reached) is retried by the caller.

export interface RecordToProcess {
  readonly data: Uint8Array
  readonly partitionKey: string
  readonly shardId: string
  readonly sequenceNumber: string
  readonly arrivalMillis: number
}

export type ProcessedRecord =
  | { readonly result: 'Ok'; readonly data: Buffer }
  | { readonly result: 'Dropped' }
  | { readonly result: 'ProcessingFailed'; readonly message: string }

const MAX_RECORDS_PER_INVOCATION = 500
const MAX_PAYLOAD_BYTES = 5 * 1024 * 1024

export async function processWithLambda(
  lambda: LambdaInvoker,
  functionArn: string,
  context: { readonly applicationArn: string; readonly streamArn: string },
  records: readonly RecordToProcess[],
): Promise<ProcessedRecord[]> {
  const results: ProcessedRecord[] = []
  let start = 0
  while (start < records.length) {
    let end = start
    let bytes = 0
    while (end < records.length && end - start < MAX_RECORDS_PER_INVOCATION) {
      const size = Math.ceil(((records[end] as RecordToProcess).data.length * 4) / 3) + 256
      if (end > start && bytes + size > MAX_PAYLOAD_BYTES) break
      bytes += size
      end++
    }
    results.push(...(await invoke(lambda, functionArn, context, records.slice(start, end))))
    start = end
  }
  return results
}

async function invoke(
  lambda: LambdaInvoker,
  functionArn: string,
  context: { readonly applicationArn: string; readonly streamArn: string },
  records: readonly RecordToProcess[],
): Promise<ProcessedRecord[]> {
  const ids = records.map((_, position) => `${position}-${randomUUID()}`)
  const event = {
    invocationId: randomUUID(),
    applicationArn: context.applicationArn,
    streamArn: context.streamArn,
    records: records.map((record, position) => ({
      recordId: ids[position],
      kinesisStreamRecordMetadata: {
        shardId: record.shardId,
        partitionKey: record.partitionKey,
        approximateArrivalTimestamp: record.arrivalMillis,
        sequenceNumber: record.sequenceNumber,
      },
      data: Buffer.from(record.data).toString('base64'),
    })),
  }
  const answer = await lambda.invoke(functionArn, Buffer.from(JSON.stringify(event)))
  if (answer.functionError !== undefined) {
    throw new Error(
      `the preprocessing function ${functionArn} failed: ${answer.payload.toString('utf8').slice(0, 512)}`,
    )
  }
  let parsed: { records?: unknown }
  try {
    parsed = JSON.parse(answer.payload.toString('utf8')) as { records?: unknown }
  } catch {
    throw new Error(`the preprocessing function ${functionArn} did not answer JSON`)
  }
  const byId = new Map<string, { result?: unknown; data?: unknown }>()
  if (Array.isArray(parsed.records)) {
    for (const entry of parsed.records as { recordId?: unknown; result?: unknown; data?: unknown }[]) {
      if (typeof entry.recordId === 'string') byId.set(entry.recordId, entry)
    }
  }
  return ids.map((id): ProcessedRecord => {
    const entry = byId.get(id)
    if (entry === undefined) {
      return { result: 'ProcessingFailed', message: 'The preprocessing function did not return the record' }
    }
    if (entry.result === 'Dropped') return { result: 'Dropped' }
    if (entry.result === 'Ok' && typeof entry.data === 'string') {
      return { result: 'Ok', data: Buffer.from(entry.data, 'base64') }
    }
    return {
      result: 'ProcessingFailed',
      message: `The preprocessing function returned result ${JSON.stringify(entry.result ?? null)}`,
    }
  })
}
