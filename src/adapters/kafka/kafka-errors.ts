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
