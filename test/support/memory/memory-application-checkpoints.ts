import type {
  ApplicationCheckpoint,
  ApplicationCheckpoints,
  StoredCheckpoint,
} from '../../../src/ports/application-checkpoints.ts'

/** Checkpoints in memory, stored as JSON text (as Redis keeps them) so no state is shared with the saver. */
export class MemoryApplicationCheckpoints implements ApplicationCheckpoints {
  readonly stored = new Map<string, { sequence: number; text: string }>()
  saves = 0

  /** The key of a group's slice in `stored`: the group id, with `#k` for slices other than 0. */
  static keyOf(groupId: string, slice: number): string {
    return slice === 0 ? groupId : `${groupId}#${slice}`
  }

  load(groupId: string, slice: number): Promise<StoredCheckpoint | undefined> {
    const entry = this.stored.get(MemoryApplicationCheckpoints.keyOf(groupId, slice))
    if (entry === undefined) return Promise.resolve(undefined)
    return Promise.resolve({ ...(JSON.parse(entry.text) as ApplicationCheckpoint), sequence: entry.sequence })
  }

  save(
    groupId: string,
    slice: number,
    expectedSequence: number,
    checkpoint: ApplicationCheckpoint,
  ): Promise<boolean> {
    const key = MemoryApplicationCheckpoints.keyOf(groupId, slice)
    const current = this.stored.get(key)?.sequence ?? 0
    if (current !== expectedSequence) return Promise.resolve(false)
    this.stored.set(key, { sequence: current + 1, text: JSON.stringify(checkpoint) })
    this.saves++
    return Promise.resolve(true)
  }

  remove(groupId: string): Promise<void> {
    for (const key of [...this.stored.keys()]) {
      if (key === groupId || key.startsWith(`${groupId}#`)) this.stored.delete(key)
    }
    return Promise.resolve()
  }
}
