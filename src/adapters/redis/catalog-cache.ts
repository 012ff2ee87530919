import type { StreamRecord } from '../../ports/stream-catalog.ts'

interface CacheEntry {
  /** Set once the load has finished; a stream that does not exist is never kept. */
  record: StreamRecord | undefined
  /** The load in flight, shared by every caller that misses meanwhile. */
  loading: Promise<StreamRecord | undefined> | undefined
}

/**
 * This process's copy of stream records. A miss loads the record once, however many callers wait for it.
 * The result of a load is kept only if nothing invalidated the key while it ran: the store may have changed
 * after the load read it.
 *
 * Missing streams are not remembered: the names come from callers, so remembering them would let the map
 * grow without bound, and a stream created elsewhere must become visible at once.
 */
export class StreamRecordCache {
  private readonly entries = new Map<string, CacheEntry>()

  get(key: string, load: () => Promise<StreamRecord | undefined>): Promise<StreamRecord | undefined> {
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

  private startLoad(
    key: string,
    load: () => Promise<StreamRecord | undefined>,
  ): Promise<StreamRecord | undefined> {
    const entry: CacheEntry = { record: undefined, loading: undefined }
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
