// Failed records as Firehose writes them under ErrorOutputPrefix: one JSON document per record, each on its own
// line, in an object per error output type (the `!{firehose:error-output-type}` of the prefix).

import type { ErrorOutputType, FailedRecord } from './delivery-record.ts'

/** `{attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp, rawData, lambdaArn?}`. */
export function errorDocument(failed: FailedRecord): string {
  const document: Record<string, string | number> = {
    attemptsMade: failed.attemptsMade,
    arrivalTimestamp: failed.record.approximateArrivalTimestamp,
    errorCode: failed.errorCode,
    errorMessage: failed.errorMessage,
    attemptEndingTimestamp: failed.attemptEndingTimestamp,
    rawData: failed.record.data.toString('base64'),
  }
  if (failed.lambdaArn !== undefined) document.lambdaArn = failed.lambdaArn
  return `${JSON.stringify(document)}\n`
}

/** The failed records by error output type, each group in the order given. */
export function byErrorOutputType(failed: readonly FailedRecord[]): Map<ErrorOutputType, FailedRecord[]> {
  const groups = new Map<ErrorOutputType, FailedRecord[]>()
  for (const record of failed) {
    const group = groups.get(record.errorOutputType)
    if (group === undefined) groups.set(record.errorOutputType, [record])
    else group.push(record)
  }
  return groups
}
