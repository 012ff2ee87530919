import type { DeliveryStreamKey, StoredDeliveryStream } from '../../ports/delivery-stream-catalog.ts'
import type { FirehoseDeps } from '../deps.ts'
import { ResourceInUseException, ServiceUnavailableException } from '../errors.ts'
import { deliveryStreamNotFound, requireDeliveryStream } from './delivery-stream-lookup.ts'

const MAX_WRITE_ATTEMPTS = 5

/**
 * Applies `change` to the stored delivery stream with compare-and-set, reading it again when another write
 * came first. `change` returns the next state (the revision is set here), or undefined when nothing changes;
 * it may throw to refuse the change. Resolves to the delivery stream as stored afterwards.
 */
export async function changeDeliveryStream(
  deps: FirehoseDeps,
  key: DeliveryStreamKey,
  change: (current: StoredDeliveryStream, nowMillis: number) => StoredDeliveryStream | undefined,
): Promise<StoredDeliveryStream> {
  let current = await requireDeliveryStream(deps, key)
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const next = change(current, deps.clock.now())
    if (next === undefined) return current
    const stored = { ...next, revision: current.revision + 1 }
    if (await deps.catalog.update(stored)) return stored
    const reread = await deps.catalog.get(key)
    if (reread === undefined) throw deliveryStreamNotFound(key)
    current = reread
  }
  throw ServiceUnavailableException(
    `Firehose ${key.name} under account ${key.accountId} is being changed by other requests; retry.`,
  )
}

/** Changes other than deletion need an ACTIVE delivery stream. */
export function requireActive(stream: StoredDeliveryStream): void {
  const status = stream.description.DeliveryStreamStatus
  if (status === 'ACTIVE') return
  throw ResourceInUseException(
    `Firehose ${stream.name} under account ${stream.accountId} is not ACTIVE, instead in state ${String(status)}.`,
  )
}
