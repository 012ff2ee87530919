/**
 * Checkpoints of running Kinesis Data Analytics applications: the SQL engine's window state together with the
 * input offsets it covers, saved by the worker that owns an application's input after the output of those
 * records is stored, so that the next owner (after a restart, a crash or a move to another process) resumes the
 * windows exactly where they were. Keyed by the application's consumer group and the slice of its input (an
 * application whose in-application input streams run apart has one checkpoint per slice; others have slice 0).
 */
export interface ApplicationCheckpoints {
  load(groupId: string, slice: number): Promise<StoredCheckpoint | undefined>
  /**
   * Stores the checkpoint as the next one after `expectedSequence` (0: there was none). False when another one
   * was saved meanwhile (another worker owns the slice now); nothing is written then.
   */
  save(
    groupId: string,
    slice: number,
    expectedSequence: number,
    checkpoint: ApplicationCheckpoint,
  ): Promise<boolean>
  /** Forgets a group's checkpoints, of every slice (its application was deleted). */
  remove(groupId: string): Promise<void>
}

export interface ApplicationCheckpoint {
  /** The run of the application (StartApplication's time) the state belongs to. */
  readonly runRequestedAtMillis: number
  /** Identifies the application code: state is restored only into the same code. */
  readonly codeHash: string
  /** Per partition, the next offset to read: every record below it is in `state`. */
  readonly offsets: Readonly<Record<string, number>>
  /** The engine's snapshot (JSON-serialisable). */
  readonly state: unknown
  readonly savedAtMillis: number
}

export interface StoredCheckpoint extends ApplicationCheckpoint {
  /** 1 for the first checkpoint of a group's slice, incremented by each save. */
  readonly sequence: number
}

/** Raised by adapters when the store cannot be reached. */
export class ApplicationCheckpointsUnavailableError extends Error {
  override name = 'ApplicationCheckpointsUnavailableError'
}
