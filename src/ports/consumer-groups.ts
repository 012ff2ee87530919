import type { StoredRecord } from './record-log.ts'

/**
 * Consumer groups on the record log: the members of one group, in any number of gateway processes, share the
 * partitions of a topic; when a member stops or dies, the others take its partitions over (a rebalance). What a
 * group has finished with is its committed offsets, which survive every member: a member commits only what it
 * has delivered, so a member that dies before committing loses nothing (the records come again, at least once).
 */
export interface ConsumerGroups {
  /** Joins the group as one member; resolves once the member is consuming. */
  join(spec: GroupMemberSpec): Promise<GroupMember>
}

/** Where a partition that the group has never committed an offset for is read from. */
export type GroupStartPosition =
  | { readonly from: 'earliest' }
  /** The first record at or after the time (epoch ms), as Kinesis's AT_TIMESTAMP. */
  | { readonly from: 'timestamp'; readonly timestampMs: number }

export interface GroupMemberSpec {
  readonly groupId: string
  readonly topic: string
  readonly startPosition: GroupStartPosition
  /**
   * Replace the group's committed offsets with `startPosition` for every partition before joining (a fresh
   * start). Skipped while another member of the group runs: that one started it.
   */
  readonly resetOffsets?: boolean
  /**
   * The partitions fall into slices, each owned whole by one member (for work that needs every record of a slice
   * in one place, such as SQL windows). Members share the slices evenly and keep the ones they own when others
   * join, as far as evenness allows; members without a slice wait as standbys and take over when an owner leaves
   * or dies. With one slice, one member owns every partition. Without slicing, partitions are shared one by one.
   */
  readonly slicing?: PartitionSlicing
  readonly handler: GroupMemberHandler
}

export interface PartitionSlicing {
  /** How many slices there are (at least 1). */
  readonly count: number
  /** The slice of a partition, from 0 to count - 1. */
  sliceOf(partition: number): number
}

export interface GroupMemberHandler {
  /**
   * The partitions this member owns from now on, after each rebalance (and at the start). Reading restarts from
   * the group's committed offsets for every one of them: records handed over earlier and not committed come
   * again, so whatever the member held of them must be dropped (or it would be delivered twice).
   */
  assigned(partitions: readonly number[]): void
  /**
   * Records of one partition, in offset order; the member reads on in that partition once the promise settles.
   * Batches of different partitions may be handed over at the same time.
   * A rejection is logged and the same records come again.
   */
  records(partition: number, records: readonly StoredRecord[], tip?: number): Promise<void>
  /**
   * The member stopped for good (the log gave up on it: it reads nothing more and holds no partitions). Whoever
   * runs it should stop it and join again.
   */
  failed?(error: Error): void
}

export interface GroupOffset {
  readonly partition: number
  /** The next offset to read: every record below it is done. */
  readonly offset: number
}

export interface GroupMember {
  /**
   * Commits offsets for partitions this member owns. Rejects with ConsumerGroupUnavailableError when the log
   * does not take them (unreachable, or the partitions were just rebalanced away: the new owner reads them again).
   */
  commit(offsets: readonly GroupOffset[]): Promise<void>
  /** Stops fetching (records already fetched may still arrive), as backpressure. */
  pause(): void
  resume(): void
  /** Leaves the group (the others take the partitions over) without committing anything more. */
  stop(): Promise<void>
}

export class ConsumerGroupUnavailableError extends Error {
  override name = 'ConsumerGroupUnavailableError'
}
