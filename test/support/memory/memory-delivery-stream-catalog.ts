import {
  DeliveryStreamCatalogUnavailableError,
  type DeliveryStreamCatalog,
  type DeliveryStreamKey,
  type DeliveryStreamScope,
  type StoredDeliveryStream,
} from '../../../src/ports/delivery-stream-catalog.ts'
import type { DeliveryStreamRecord } from '../../../src/ports/delivery-streams.ts'
import { deepFreeze } from './memory-stream-catalog.ts'

/** DeliveryStreamCatalog in memory, with the Redis adapter's compare-and-set semantics; copies in and out. */
export class MemoryDeliveryStreamCatalog implements DeliveryStreamCatalog {
  private readonly streams = new Map<string, StoredDeliveryStream>()
  /** While set, every call fails as the Redis adapter does when Redis is unreachable. */
  unavailable = false

  get(key: DeliveryStreamKey): Promise<StoredDeliveryStream | undefined> {
    return this.call(() => copy(this.streams.get(fieldOf(key))))
  }

  /** Frozen, like the Redis catalog's shared cache entries, so that code mutating them fails in unit tests too. */
  getCached(key: DeliveryStreamKey): Promise<StoredDeliveryStream | undefined> {
    return this.call(() => {
      const stream = copy(this.streams.get(fieldOf(key)))
      return stream === undefined ? undefined : deepFreeze(stream)
    })
  }

  create(stream: StoredDeliveryStream): Promise<boolean> {
    return this.call(() => {
      if (this.streams.has(fieldOf(stream))) return false
      this.streams.set(fieldOf(stream), structuredClone(stream))
      return true
    })
  }

  update(stream: StoredDeliveryStream): Promise<boolean> {
    return this.call(() => {
      if (this.streams.get(fieldOf(stream))?.revision !== stream.revision - 1) return false
      this.streams.set(fieldOf(stream), structuredClone(stream))
      return true
    })
  }

  remove(key: DeliveryStreamKey, expectedRevision: number): Promise<boolean> {
    return this.call(() => {
      if (this.streams.get(fieldOf(key))?.revision !== expectedRevision) return false
      return this.streams.delete(fieldOf(key))
    })
  }

  listAll(scope: DeliveryStreamScope): Promise<StoredDeliveryStream[]> {
    return this.call(() =>
      [...this.streams.values()]
        .filter((stream) => stream.accountId === scope.accountId && stream.region === scope.region)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((stream) => structuredClone(stream)),
    )
  }

  listEvery(): Promise<StoredDeliveryStream[]> {
    return this.call(() => [...this.streams.values()].map((stream) => structuredClone(stream)))
  }

  listDeliveryStreamRecords(): Promise<DeliveryStreamRecord[]> {
    return this.call(() =>
      [...this.streams.values()]
        .filter((stream) => stream.description.DeliveryStreamStatus === 'ACTIVE')
        .map((stream) => ({
          account: stream.accountId,
          region: stream.region,
          topic: stream.topic,
          description: structuredClone(stream.description),
          ...(stream.httpEndpointAccessKey === undefined
            ? {}
            : { httpEndpointAccessKey: stream.httpEndpointAccessKey }),
        })),
    )
  }

  close(): Promise<void> {
    return Promise.resolve()
  }

  private call<T>(work: () => T): Promise<T> {
    if (this.unavailable) {
      return Promise.reject(
        new DeliveryStreamCatalogUnavailableError('The delivery stream catalog is unavailable (injected)'),
      )
    }
    return Promise.resolve(work())
  }
}

function fieldOf(key: DeliveryStreamKey): string {
  return `${key.accountId}/${key.region}/${key.name}`
}

function copy(stream: StoredDeliveryStream | undefined): StoredDeliveryStream | undefined {
  return stream === undefined ? undefined : structuredClone(stream)
}
