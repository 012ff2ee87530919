import { TopicNotFoundError } from '../../ports/record-log.ts'
import { outageAnswer } from '../errors.ts'

/**
 * Runs a RecordLog call and turns its failures into what the client should see: an unreachable log is a
 * retriable 503 with its reason, a missing topic (the stream was deleted meanwhile) is `whenTopicIsMissing`. Anything else
 * escapes as an internal failure.
 */
export async function callRecordLog<T>(call: () => Promise<T>, whenTopicIsMissing: () => Error): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof TopicNotFoundError) throw whenTopicIsMissing()
    throw outageAnswer(error) ?? error
  }
}
