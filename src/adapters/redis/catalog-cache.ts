interface CacheEntry<T> {
  /** Set once the load has finished; a record that does not exist is never kept. */
  record: T | undefined
  /** The load in flight, shared by every caller that misses meanwhile. */
  loading: Promise<T | undefined> | undefined
}

/**
 * This process's copy of a catalog's records (streams, delivery streams). A miss loads the record once, however many callers wait for it.
 * The result of a load is kept only if nothing invalidated the key while it ran: the store may have changed
 * after the load read it.
 *
 * Missing records are not remembered: the names come from callers, so remembering them would let the map
 * grow without bound, and a record created elsewhere must become visible at once.
 */
export class RecordCache<T> {
  private readonly entries = new Map<string, CacheEntry<T>>()

  get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const entry = this.entries.get(key)
    if (entry?.record !== undefined) return Promise.resolve(entry.record)
    if (entry?.loading !== undefined) return entry.loading
    return this.startLoad(key, load)
  }

  invalidate(key: string): void {
    this.entries.delete(key)
  }

  clear(): void {
    this.entries.clear()
  }

  private startLoad(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const entry: CacheEntry<T> = { record: undefined, loading: undefined }
    const stillCurrent = (): boolean => this.entries.get(key) === entry
    entry.loading = load().then(
      (record) => {
        if (stillCurrent()) {
          if (record === undefined) this.entries.delete(key)
          else entry.record = record
          entry.loading = undefined
        }
        return record
      },
      (error: unknown) => {
        if (stillCurrent()) this.entries.delete(key)
        throw error
      },
    )
    this.entries.set(key, entry)
    return entry.loading
  }
}

/** Records a cache hands out are shared by every caller of the process: frozen, so none can change them. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}
