import type { DeliveryStreamMetrics } from '../../ports/delivery-streams.ts'

export interface DeliveryCounters {
  recordsIn: number
  bytesIn: number
  recordsDelivered: number
  bytesDelivered: number
  recordsFailed: number
  objectsWritten: number
  deliveryRetries: number
}

interface Entry {
  readonly account: string
  readonly region: string
  readonly name: string
  readonly counters: DeliveryCounters
  /** The oldest arrival time of a record read and not delivered yet, from the running worker. */
  oldestUndelivered: (() => number | undefined) | undefined
}

/** The delivery workers' counters per delivery stream, in this process; /metrics renders `snapshot()`. */
export class DeliveryMetrics {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly now: () => number = Date.now) {}

  counters(account: string, region: string, name: string): DeliveryCounters {
    return this.entry(account, region, name).counters
  }

  /** The gauge of the running worker; undefined when it stops. */
  watchOldest(
    account: string,
    region: string,
    name: string,
    oldest: (() => number | undefined) | undefined,
  ): void {
    this.entry(account, region, name).oldestUndelivered = oldest
  }

  /** Forgets a delivery stream that no longer exists. */
  remove(account: string, region: string, name: string): void {
    this.entries.delete(keyOf(account, region, name))
  }

  snapshot(): DeliveryStreamMetrics[] {
    const now = this.now()
    return [...this.entries.values()].map((entry) => {
      const oldest = entry.oldestUndelivered?.()
      return {
        account: entry.account,
        region: entry.region,
        deliveryStreamName: entry.name,
        ...entry.counters,
        oldestUndeliveredAgeMs: oldest === undefined ? 0 : Math.max(0, now - oldest),
      }
    })
  }

  private entry(account: string, region: string, name: string): Entry {
    const key = keyOf(account, region, name)
    let entry = this.entries.get(key)
    if (entry === undefined) {
      entry = {
        account,
        region,
        name,
        counters: {
          recordsIn: 0,
          bytesIn: 0,
          recordsDelivered: 0,
          bytesDelivered: 0,
          recordsFailed: 0,
          objectsWritten: 0,
          deliveryRetries: 0,
        },
        oldestUndelivered: undefined,
      }
      this.entries.set(key, entry)
    }
    return entry
  }
}

function keyOf(account: string, region: string, name: string): string {
  return `${account}\n${region}\n${name}`
}
