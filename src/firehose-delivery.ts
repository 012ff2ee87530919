// Composition of the Firehose delivery workers: the supervisor that runs one consumer group member per ACTIVE
// delivery stream in this process, on the consumer groups and the object store main.ts builds.

import type { FirehoseDeliveryConfig } from './config.ts'
import { DeliveryMetrics } from './firehose/delivery/delivery-metrics.ts'
import { startDeliverySupervisor, type DeliverySupervisor } from './firehose/delivery/delivery-supervisor.ts'
import { DEFAULT_DELIVERY_WORKER_SETTINGS } from './firehose/delivery/delivery-worker.ts'
import type { Logger } from './gateway/index.ts'
import type { Clock } from './ports/clock.ts'
import type { ConsumerGroups } from './ports/consumer-groups.ts'
import type { DeliveryStreamRecord } from './ports/delivery-streams.ts'
import type { KeyRing } from './ports/key-ring.ts'
import type { ObjectStore } from './ports/object-store.ts'

export interface FirehoseDeliveryDeps {
  readonly groups: ConsumerGroups
  readonly objectStore: ObjectStore
  readonly keyRing: KeyRing | undefined
  readonly clock: Clock
  readonly logger: Logger
  readonly metrics: DeliveryMetrics
  /** Every ACTIVE delivery stream: the Firehose catalog's listDeliveryStreamRecords. */
  readonly listDeliveryStreams: () => Promise<DeliveryStreamRecord[]>
}

export function startFirehoseDelivery(
  deps: FirehoseDeliveryDeps,
  config: FirehoseDeliveryConfig,
): DeliverySupervisor {
  return startDeliverySupervisor(
    {
      groups: deps.groups,
      objectStore: deps.objectStore,
      clock: deps.clock,
      keyRing: deps.keyRing,
      metrics: deps.metrics,
      settings: { ...DEFAULT_DELIVERY_WORKER_SETTINGS, maxBufferedBytes: config.maxBufferedBytes },
      log: (level, message, detail) => {
        deps.logger[level](message, detail)
      },
      listDeliveryStreams: deps.listDeliveryStreams,
    },
    { pollIntervalMs: config.pollIntervalMs, tickIntervalMs: 1_000 },
  )
}
