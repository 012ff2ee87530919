// Changing a registered consumer: compare-and-set writes on the registry, recomputed when another writer won.

import { ResourceNotFoundException } from '../errors.ts'
import type { ConsumerRecord } from '../../ports/consumer-registry.ts'
import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { ConcurrentUpdateError, MAX_UPDATE_ATTEMPTS } from '../catalog/stream-changes.ts'
import { visibleConsumer } from './stream-consumers.ts'
import { consumerRegistryOf } from './consumer-lookup.ts'

/** The change to make, computed from the consumer as it shows now; undefined when there is nothing to change. */
export type ConsumerChange = (consumer: ConsumerRecord, nowMillis: number) => ConsumerRecord | undefined

/** Applies `change` to the consumer `consumerArn` of `stream`; resolves to the stored record. */
export async function updateConsumer(
  deps: StreamsDeps,
  stream: StreamRecord,
  consumerArn: string,
  consumerName: string,
  change: ConsumerChange,
): Promise<ConsumerRecord> {
  const registry = consumerRegistryOf(deps)
  for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
    const stored = await registry.get(stream, consumerName)
    const now = deps.clock.now()
    const current = stored?.consumerArn === consumerArn ? visibleConsumer(stored, stream, now) : undefined
    if (stored === undefined || current === undefined) {
      throw ResourceNotFoundException(`Consumer ${consumerArn} not found.`)
    }
    const changed = change(current, now)
    if (changed === undefined) return current
    const next = { ...changed, version: stored.version + 1 }
    if (await registry.update(next)) return next
  }
  throw new ConcurrentUpdateError(`consumer ${consumerArn} changed concurrently ${MAX_UPDATE_ATTEMPTS} times`)
}
