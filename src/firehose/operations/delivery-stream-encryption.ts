import type {
  StartDeliveryStreamEncryptionInput,
  StartDeliveryStreamEncryptionOutput,
  StopDeliveryStreamEncryptionInput,
  StopDeliveryStreamEncryptionOutput,
} from '@aws-sdk/client-firehose'

import { defineOperation, validated, type Operation } from '../../aws/index.ts'
import { changeDeliveryStream, requireActive } from '../catalog/delivery-stream-changes.ts'
import { deliveryStreamKey } from '../catalog/delivery-stream-lookup.ts'
import { DEFAULT_ENCRYPTION_DELAY_MS, describedEncryption } from '../catalog/encryption-status.ts'
import type { FirehoseDeps } from '../deps.ts'
import { InvalidArgumentException } from '../errors.ts'
import {
  StartDeliveryStreamEncryptionInput as StartShape,
  StopDeliveryStreamEncryptionInput as StopShape,
} from '../shapes.ts'
import { checkedKey } from './create-delivery-stream.ts'

/**
 * StartDeliveryStreamEncryption: ENABLING, then ENABLED after the encryption delay. Records are not encrypted
 * at rest by the gateway (Kafka holds them as put); the status and key are kept and shown as AWS shows them.
 * Starting again with another key re-enters ENABLING; with the same key while ENABLED changes nothing.
 */
export function startDeliveryStreamEncryptionOperation(
  deps: FirehoseDeps,
): Operation<StartDeliveryStreamEncryptionInput, StartDeliveryStreamEncryptionOutput> {
  return defineOperation({
    name: 'StartDeliveryStreamEncryption',
    input: StartShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      const requested = checkedKey(
        input.DeliveryStreamEncryptionConfigurationInput ?? { KeyType: 'AWS_OWNED_CMK' },
      )
      await changeDeliveryStream(deps, key, (stream, now) => {
        requireActive(stream)
        refuseKinesisSource(stream.description.DeliveryStreamType, key.name)
        const current = describedEncryption(stream, now)
        const enabled = current?.Status === 'ENABLED' || current?.Status === 'ENABLING'
        if (enabled && current.KeyType === requested.KeyType && current.KeyARN === requested.KeyARN) {
          return undefined
        }
        return {
          ...stream,
          encryptionSettlesAtMillis: now + (deps.settings.encryptionDelayMs ?? DEFAULT_ENCRYPTION_DELAY_MS),
          description: {
            ...stream.description,
            DeliveryStreamEncryptionConfiguration: { ...requested, Status: 'ENABLING' },
          },
        }
      })
      return {}
    },
  })
}

/** StopDeliveryStreamEncryption: DISABLING, then DISABLED; stopping when not enabled changes nothing. */
export function stopDeliveryStreamEncryptionOperation(
  deps: FirehoseDeps,
): Operation<StopDeliveryStreamEncryptionInput, StopDeliveryStreamEncryptionOutput> {
  return defineOperation({
    name: 'StopDeliveryStreamEncryption',
    input: StopShape.members,
    async handle(input, context) {
      const key = deliveryStreamKey(validated(input.DeliveryStreamName, 'DeliveryStreamName'), context)
      await changeDeliveryStream(deps, key, (stream, now) => {
        requireActive(stream)
        refuseKinesisSource(stream.description.DeliveryStreamType, key.name)
        const current = describedEncryption(stream, now)
        if (current === undefined || current.Status === 'DISABLED' || current.Status === 'DISABLING') {
          return undefined
        }
        return {
          ...stream,
          encryptionSettlesAtMillis: now + (deps.settings.encryptionDelayMs ?? DEFAULT_ENCRYPTION_DELAY_MS),
          description: {
            ...stream.description,
            DeliveryStreamEncryptionConfiguration: { ...current, Status: 'DISABLING' },
          },
        }
      })
      return {}
    },
  })
}

function refuseKinesisSource(type: string | undefined, name: string): void {
  if (type !== 'KinesisStreamAsSource') return
  throw InvalidArgumentException(
    `Firehose ${name} reads a Kinesis stream: server-side encryption is not supported for KinesisStreamAsSource delivery stream type.`,
  )
}
