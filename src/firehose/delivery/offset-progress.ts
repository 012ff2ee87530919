// Which offsets a delivery worker may commit. Every batch read from a partition is a unit (its offset range);
// the unit is held by each buffer holding some of its records and by each error-output write for it, and is done
// once all have been stored. A partition's commit point is the end of the last unit done with every unit before
// it done too: records are committed only once delivered, whatever order buffers are flushed in.
//
// After a rebalance the consumer group reads every assigned partition again from its committed offset, so
// `assign` starts a new epoch: units of earlier epochs no longer count (their records come again).

import type { GroupOffset } from '../../ports/consumer-groups.ts'

export interface Unit {
  readonly partition: number
  readonly epoch: number
  readonly from: number
  readonly next: number
  /** The oldest arrival time among the unit's records (epoch ms). */
  readonly oldestArrival: number
  pending: number
  sealed: boolean
}

interface PartitionState {
  readonly units: Unit[]
  /** The end of the last unit done, once one is. */
  doneUpTo: number | undefined
  committed: number | undefined
}

export class OffsetProgress {
  private epoch = 0
  private partitions = new Map<number, PartitionState>()

  /** The partitions owned from now on: a new epoch. */
  assign(partitions: readonly number[]): void {
    this.epoch++
    this.partitions = new Map(
      partitions.map((partition) => [partition, { units: [], doneUpTo: undefined, committed: undefined }]),
    )
  }

  isCurrent(unit: Unit): boolean {
    return unit.epoch === this.epoch && this.partitions.has(unit.partition)
  }

  /** A unit for the offsets [from, next), or undefined when the partition is not owned. */
  open(partition: number, from: number, next: number, oldestArrival: number): Unit | undefined {
    const state = this.partitions.get(partition)
    if (state === undefined) return undefined
    const unit: Unit = { partition, epoch: this.epoch, from, next, oldestArrival, pending: 0, sealed: false }
    state.units.push(unit)
    return unit
  }

  hold(unit: Unit): void {
    unit.pending++
  }

  /** No more holds will be added. */
  seal(unit: Unit): void {
    unit.sealed = true
  }

  release(unit: Unit): void {
    unit.pending--
  }

  /** The oldest arrival time of a record not delivered yet, in the current epoch. */
  oldestUndelivered(): number | undefined {
    let oldest: number | undefined
    for (const state of this.partitions.values()) {
      for (const unit of state.units) {
        if (unit.pending > 0 && (oldest === undefined || unit.oldestArrival < oldest))
          oldest = unit.oldestArrival
      }
    }
    return oldest
  }

  /** The partitions whose commit point moved past what was last committed. */
  commitPoints(): GroupOffset[] {
    const offsets: GroupOffset[] = []
    for (const [partition, state] of this.partitions) {
      while (state.units.length > 0) {
        const first = state.units[0]
        if (first === undefined || !first.sealed || first.pending > 0) break
        state.doneUpTo = first.next
        state.units.shift()
      }
      const point = state.doneUpTo
      if (point !== undefined && (state.committed === undefined || point > state.committed)) {
        offsets.push({ partition, offset: point })
      }
    }
    return offsets
  }

  committed(offsets: readonly GroupOffset[]): void {
    for (const { partition, offset } of offsets) {
      const state = this.partitions.get(partition)
      if (state !== undefined && (state.committed === undefined || offset > state.committed)) {
        state.committed = offset
      }
    }
  }
}
