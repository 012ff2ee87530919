import { ServiceUnavailable } from '../../aws/index.ts'
import { RecordLogUnavailableError, TopicNotFoundError } from '../../ports/record-log.ts'

/**
 * Runs a RecordLog call and turns its failures into what the client should see: an unreachable log is a
 * retriable 503, a missing topic (the stream was deleted meanwhile) is `whenTopicIsMissing`. Anything else
 * escapes as an internal failure.
 */
export async function callRecordLog<T>(call: () => Promise<T>, whenTopicIsMissing: () => Error): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof RecordLogUnavailableError) throw ServiceUnavailable()
    if (error instanceof TopicNotFoundError) throw whenTopicIsMissing()
    throw error
  }
}
