// A RecordLog for unit tests of push delivery: the memory log, except that a read with nothing to return waits
// up to its maxWaitMs for an append, as Kafka's fetch does. Counts reads, and can hold them back.

import { MemoryRecordLog } from '../memory/memory-record-log.ts'
import type { AppendedRecord, ReadLimits, ReadResult, RecordToAppend } from '../../../src/ports/record-log.ts'

export class WaitingRecordLog extends MemoryRecordLog {
  /** Every read: its partition, offset and wait. */
  readonly reads: { topic: string; partition: number; fromOffset: number; maxWaitMs: number }[] = []
  /** The most reads with a wait (long polls) in flight at the same time, per `topic/partition`. */
  readonly mostConcurrentWaits = new Map<string, number>()
  private readonly waitingNow = new Map<string, number>()
  private waiters: (() => void)[] = []

  override async append(topic: string, records: readonly RecordToAppend[]): Promise<AppendedRecord[]> {
    const appended = await super.append(topic, records)
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
    return appended
  }

  override async read(
    topic: string,
    partition: number,
    fromOffset: number,
    limits: ReadLimits,
  ): Promise<ReadResult> {
    this.reads.push({ topic, partition, fromOffset, maxWaitMs: limits.maxWaitMs })
    const key = `${topic}/${String(partition)}`
    const change = limits.maxWaitMs > 0 ? 1 : 0
    const waiting = (this.waitingNow.get(key) ?? 0) + change
    this.waitingNow.set(key, waiting)
    this.mostConcurrentWaits.set(key, Math.max(waiting, this.mostConcurrentWaits.get(key) ?? 0))
    try {
      const deadline = performance.now() + limits.maxWaitMs
      for (;;) {
        const result = await super.read(topic, partition, fromOffset, limits)
        const remaining = deadline - performance.now()
        if (result.records.length > 0 || remaining <= 0) return result
        await this.appendOrTimeout(remaining)
      }
    } finally {
      this.waitingNow.set(key, (this.waitingNow.get(key) ?? change) - change)
    }
  }

  /** How many reads waited for records (the tails' long polls). */
  waitingReads(topic: string, partition: number): number {
    return this.reads.filter(
      (read) => read.topic === topic && read.partition === partition && read.maxWaitMs > 0,
    ).length
  }

  private appendOrTimeout(millis: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, millis)
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.waiters.push(done)
    })
  }
}
