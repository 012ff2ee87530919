import type { Input } from '@aws-sdk/client-kinesis-analytics'

import { createAnalyticsService } from '../../../src/analytics/service.ts'
import type { AnalyticsDeps } from '../../../src/analytics/deps.ts'
import { isAwsError, type RequestContext } from '../../../src/aws/index.ts'
import { streamArn } from '../../../src/mapping/arns.ts'

export const CONTEXT: RequestContext = {
  requestId: 'test-request',
  accountId: '123456789012',
  region: 'us-east-1',
  accessKeyId: undefined,
}

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/analytics'

/** Calls an operation of the service as the gateway would (input already decoded). */
export function analyticsCaller(
  deps: AnalyticsDeps,
  context: RequestContext = CONTEXT,
): (name: string, input: object) => Promise<Record<string, unknown>> {
  const service = createAnalyticsService(deps)
  return async (name, input) => {
    const operation = service.operations.get(name)
    if (operation === undefined) throw new Error(`no operation ${name}`)
    return ((await operation.handle(input, context)) ?? {}) as Record<string, unknown>
  }
}

/** The AWS error type and message a call fails with. */
export async function failure(call: Promise<unknown>): Promise<{ type: string; message: string }> {
  try {
    await call
  } catch (error) {
    if (isAwsError(error)) return { type: error.type, message: error.message }
    throw error
  }
  throw new Error('the call succeeded')
}

export function kinesisArn(streamName: string): string {
  return streamArn({ region: CONTEXT.region, accountId: CONTEXT.accountId, streamName })
}

export const JSON_FORMAT = {
  RecordFormatType: 'JSON',
  MappingParameters: { JSONMappingParameters: { RecordRowPath: '$' } },
} as const

/** The ticker input of AWS's getting-started example, reading `streamName`. */
export function tickerInput(streamName: string): Input {
  return {
    NamePrefix: 'SOURCE_SQL_STREAM',
    KinesisStreamsInput: { ResourceARN: kinesisArn(streamName), RoleARN: ROLE_ARN },
    InputSchema: {
      RecordFormat: {
        RecordFormatType: 'JSON',
        MappingParameters: { JSONMappingParameters: { RecordRowPath: '$' } },
      },
      RecordColumns: [
        { Name: 'TICKER_SYMBOL', SqlType: 'VARCHAR(4)', Mapping: '$.TICKER_SYMBOL' },
        { Name: 'SECTOR', SqlType: 'VARCHAR(16)', Mapping: '$.SECTOR' },
        { Name: 'CHANGE', SqlType: 'REAL', Mapping: '$.CHANGE' },
        { Name: 'PRICE', SqlType: 'REAL', Mapping: '$.PRICE' },
      ],
    },
  }
}

export const FILTER_CODE = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), change REAL);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol, change FROM "SOURCE_SQL_STREAM_001" WHERE change > 1;`
