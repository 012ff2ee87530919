// Registered stream consumers (enhanced fan-out) as every operation sees them: the registry's records with the
// status they show now. A CREATING phase ends by itself (ACTIVE), a DELETING one with the consumer gone, and a
// consumer of an earlier incarnation of the stream (deleted and created again) is gone too.

import type { ConsumerRecord, ConsumerStatus } from '../../ports/consumer-registry.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'

/** Registered consumers per stream, as AWS limits them. */
export const MAX_CONSUMERS_PER_STREAM = 20

export function consumerStatusNow(
  consumer: ConsumerRecord,
  stream: Pick<StreamRecord, 'incarnation'>,
  nowMillis: number,
): ConsumerStatus | 'GONE' {
  if (consumer.streamIncarnation !== stream.incarnation) return 'GONE'
  if (consumer.status === 'ACTIVE' || consumer.statusUntilMillis === undefined) return consumer.status
  if (nowMillis < consumer.statusUntilMillis) return consumer.status
  return consumer.status === 'DELETING' ? 'GONE' : 'ACTIVE'
}

/** The consumer with the status it shows now; undefined when it is gone. */
export function visibleConsumer(
  consumer: ConsumerRecord,
  stream: Pick<StreamRecord, 'incarnation'>,
  nowMillis: number,
): ConsumerRecord | undefined {
  const status = consumerStatusNow(consumer, stream, nowMillis)
  if (status === 'GONE') return undefined
  if (status === consumer.status) return consumer
  const { statusUntilMillis: _phaseEnd, ...rest } = consumer
  return { ...rest, status }
}

/** The stream's consumers that are not gone, by creation time, then name. */
export async function registeredConsumers(
  deps: StreamsDeps,
  stream: StreamRecord,
): Promise<ConsumerRecord[]> {
  if (deps.consumers === undefined) return []
  const now = deps.clock.now()
  const records = await deps.consumers.list(stream)
  return records.flatMap((record) => visibleConsumer(record, stream, now) ?? [])
}

export async function registeredConsumerCount(deps: StreamsDeps, stream: StreamRecord): Promise<number> {
  return (await registeredConsumers(deps, stream)).length
}
