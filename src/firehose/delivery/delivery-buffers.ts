// Buffering by size and time, per partition prefix (one buffer without dynamic partitioning): a buffer is full
// when the next record would take it past SizeInMBs (or it reached it), and due IntervalInSeconds after its first
// record; whichever comes first. Each buffer holds the units (offset-progress.ts) its records came from.

import type { Unit } from './offset-progress.ts'

export interface BufferedRecord {
  readonly data: Buffer
  readonly approximateArrivalTimestamp: number
  readonly partitionKeys?: Readonly<Record<string, string>> | undefined
}

export interface Chunk<R> {
  readonly unit: Unit
  readonly records: R[]
}

export interface SealedBuffer<R> {
  readonly key: string
  readonly chunks: readonly Chunk<R>[]
  readonly records: readonly R[]
  readonly bytes: number
  readonly oldestArrival: number
  readonly partitionKeys: Readonly<Record<string, string>> | undefined
}

interface OpenBuffer<R> {
  readonly key: string
  chunks: Chunk<R>[]
  bytes: number
  count: number
  readonly createdAt: number
  readonly partitionKeys: Readonly<Record<string, string>> | undefined
}

export class DeliveryBuffers<R extends BufferedRecord> {
  private readonly open = new Map<string, OpenBuffer<R>>()
  private openBytes = 0

  constructor(
    private readonly sizeBytes: number,
    private readonly hold: (unit: Unit) => void,
  ) {}

  /** The bytes held in buffers not sealed yet. */
  get bytes(): number {
    return this.openBytes
  }

  /** Adds a record; returns the buffers this filled (at most two: the one it did not fit in, and its own). */
  add(key: string, unit: Unit, record: R, now: number): SealedBuffer<R>[] {
    const sealed: SealedBuffer<R>[] = []
    let buffer = this.open.get(key)
    if (buffer !== undefined && buffer.count > 0 && buffer.bytes + record.data.length > this.sizeBytes) {
      sealed.push(this.seal(buffer))
      buffer = undefined
    }
    if (buffer === undefined) {
      buffer = { key, chunks: [], bytes: 0, count: 0, createdAt: now, partitionKeys: record.partitionKeys }
      this.open.set(key, buffer)
    }
    const last = buffer.chunks[buffer.chunks.length - 1]
    if (last?.unit === unit) last.records.push(record)
    else {
      this.hold(unit)
      buffer.chunks.push({ unit, records: [record] })
    }
    buffer.bytes += record.data.length
    buffer.count++
    this.openBytes += record.data.length
    if (buffer.bytes >= this.sizeBytes) sealed.push(this.seal(buffer))
    return sealed
  }

  /** Seals and returns the buffers whose first record came `intervalMs` ago or earlier. */
  due(now: number, intervalMs: number): SealedBuffer<R>[] {
    const due: SealedBuffer<R>[] = []
    for (const buffer of [...this.open.values()]) {
      if (now - buffer.createdAt >= intervalMs) due.push(this.seal(buffer))
    }
    return due
  }

  /** Seals and returns every buffer. */
  takeAll(): SealedBuffer<R>[] {
    return [...this.open.values()].map((buffer) => this.seal(buffer))
  }

  /** Drops the records of units that no longer count (their partition was rebalanced: they come again). */
  dropStale(isCurrent: (unit: Unit) => boolean): void {
    for (const buffer of [...this.open.values()]) {
      const kept = buffer.chunks.filter((chunk) => isCurrent(chunk.unit))
      if (kept.length === buffer.chunks.length) continue
      const records = kept.flatMap((chunk) => chunk.records)
      const bytes = records.reduce((sum, record) => sum + record.data.length, 0)
      this.openBytes -= buffer.bytes - bytes
      if (records.length === 0) {
        this.open.delete(buffer.key)
        continue
      }
      buffer.chunks = kept
      buffer.bytes = bytes
      buffer.count = records.length
    }
  }

  /** The oldest arrival time among buffered records. */
  oldestArrival(): number | undefined {
    let oldest: number | undefined
    for (const buffer of this.open.values()) {
      for (const chunk of buffer.chunks) {
        for (const record of chunk.records) {
          if (oldest === undefined || record.approximateArrivalTimestamp < oldest) {
            oldest = record.approximateArrivalTimestamp
          }
        }
      }
    }
    return oldest
  }

  private seal(buffer: OpenBuffer<R>): SealedBuffer<R> {
    this.open.delete(buffer.key)
    this.openBytes -= buffer.bytes
    const records = buffer.chunks.flatMap((chunk) => chunk.records)
    let oldestArrival = Infinity
    for (const record of records) oldestArrival = Math.min(oldestArrival, record.approximateArrivalTimestamp)
    return {
      key: buffer.key,
      chunks: buffer.chunks,
      records,
      bytes: buffer.bytes,
      oldestArrival,
      partitionKeys: buffer.partitionKeys,
    }
  }
}
