import { RecordLogUnavailableError, TopicNotFoundError } from '../../ports/record-log.ts'

/** The Kafka error code name (e.g. UNKNOWN_TOPIC_OR_PARTITION), also when kafkajs wrapped it after retries. */
export function kafkaErrorType(error: unknown): string | undefined {
  let current = error
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const type: unknown = Reflect.get(current, 'type')
    if (typeof type === 'string') return type
    current = Reflect.get(current, 'cause') ?? Reflect.get(current, 'originalError')
  }
  return undefined
}

export async function unavailableOnFailure<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (error) {
    throw unavailable(error)
  }
}

export function unavailable(error: unknown): Error {
  if (error instanceof RecordLogUnavailableError || error instanceof TopicNotFoundError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new RecordLogUnavailableError(`Kafka did not complete the request: ${message}`, { cause: error })
}

export function isOffsetOutOfRange(error: unknown): boolean {
  return kafkaErrorType(error) === 'OFFSET_OUT_OF_RANGE'
}

export function isUnknownTopic(error: unknown): boolean {
  return kafkaErrorType(error) === 'UNKNOWN_TOPIC_OR_PARTITION'
}

export function isStaleMetadata(error: unknown): boolean {
  const type = kafkaErrorType(error)
  return (
    type === 'NOT_LEADER_FOR_PARTITION' || type === 'LEADER_NOT_AVAILABLE' || type === 'UNKNOWN_LEADER_EPOCH'
  )
}
