import type { DeliveryStreamEncryptionConfiguration } from '@aws-sdk/client-firehose'

import type { StoredDeliveryStream } from '../../ports/delivery-stream-catalog.ts'

/** How long StartDeliveryStreamEncryption and StopDeliveryStreamEncryption stay ENABLING / DISABLING. */
export const DEFAULT_ENCRYPTION_DELAY_MS = 1_000

/** Server-side encryption as a caller sees it now: ENABLING and DISABLING end by themselves. */
export function describedEncryption(
  stream: StoredDeliveryStream,
  nowMillis: number,
): DeliveryStreamEncryptionConfiguration | undefined {
  const encryption = stream.description.DeliveryStreamEncryptionConfiguration
  if (encryption === undefined) return undefined
  const settled = nowMillis >= (stream.encryptionSettlesAtMillis ?? 0)
  if (settled && encryption.Status === 'ENABLING') return { ...encryption, Status: 'ENABLED' }
  if (settled && encryption.Status === 'DISABLING') return { ...encryption, Status: 'DISABLED' }
  return encryption
}
