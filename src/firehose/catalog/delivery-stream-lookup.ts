import type { RequestContext } from '../../aws/index.ts'
import type { DeliveryStreamKey, StoredDeliveryStream } from '../../ports/delivery-stream-catalog.ts'
import type { FirehoseDeps } from '../deps.ts'
import { ResourceNotFoundException } from '../errors.ts'
import { continuePendingWork } from './delivery-stream-lifecycle.ts'

export function deliveryStreamKey(name: string, context: RequestContext): DeliveryStreamKey {
  return { accountId: context.accountId, region: context.region, name }
}

export function deliveryStreamNotFound(key: DeliveryStreamKey): Error {
  return ResourceNotFoundException(`Firehose ${key.name} under account ${key.accountId} not found.`)
}

/**
 * The delivery stream as stored now. A creation or deletion that an interrupted request left behind is
 * continued in the background (delivery-stream-lifecycle.ts), so it never stays pending for long.
 */
export async function requireDeliveryStream(
  deps: FirehoseDeps,
  key: DeliveryStreamKey,
): Promise<StoredDeliveryStream> {
  const stream = await deps.catalog.get(key)
  if (stream === undefined) throw deliveryStreamNotFound(key)
  continuePendingWork(deps, stream)
  return stream
}
