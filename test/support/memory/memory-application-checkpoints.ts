import type {
  ApplicationCheckpoint,
  ApplicationCheckpoints,
  StoredCheckpoint,
} from '../../../src/ports/application-checkpoints.ts'

/** Checkpoints in memory, stored as JSON text (as Redis keeps them) so no state is shared with the saver. */
export class MemoryApplicationCheckpoints implements ApplicationCheckpoints {
  readonly stored = new Map<string, { sequence: number; text: string }>()
  saves = 0

  load(groupId: string): Promise<StoredCheckpoint | undefined> {
    const entry = this.stored.get(groupId)
    if (entry === undefined) return Promise.resolve(undefined)
    return Promise.resolve({ ...(JSON.parse(entry.text) as ApplicationCheckpoint), sequence: entry.sequence })
  }

  save(groupId: string, expectedSequence: number, checkpoint: ApplicationCheckpoint): Promise<boolean> {
    const current = this.stored.get(groupId)?.sequence ?? 0
    if (current !== expectedSequence) return Promise.resolve(false)
    this.stored.set(groupId, { sequence: current + 1, text: JSON.stringify(checkpoint) })
    this.saves++
    return Promise.resolve(true)
  }

  remove(groupId: string): Promise<void> {
    this.stored.delete(groupId)
    return Promise.resolve()
  }
}
