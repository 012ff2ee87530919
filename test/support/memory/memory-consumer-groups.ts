import type {
  ConsumerGroups,
  GroupMember,
  GroupMemberSpec,
  GroupOffset,
} from '../../../src/ports/consumer-groups.ts'
import type { StoredRecord } from '../../../src/ports/record-log.ts'

interface MemoryMember {
  readonly spec: GroupMemberSpec
  partitions: number[]
  /** The next offset to hand over, per assigned partition. */
  readonly positions: Map<number, number>
  paused: boolean
  stopped: boolean
}

/**
 * Consumer groups in memory: topics are arrays of records per partition, a group's partitions are shared
 * round-robin among its members, and every join or stop rebalances the group (each member reads its partitions
 * again from the committed offsets). Records move only when the test calls `pump`.
 */
export class MemoryConsumerGroups implements ConsumerGroups {
  readonly topics = new Map<string, StoredRecord[][]>()
  readonly committed = new Map<string, Map<number, number>>()
  private readonly members = new Map<string, MemoryMember[]>()
  /** Records handed over per `records` call, at most. */
  batchSize = 100

  createTopic(topic: string, partitions: number): void {
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => []),
    )
  }

  append(
    topic: string,
    partition: number,
    value: Buffer,
    timestamp: number,
    key: Buffer | null = null,
  ): void {
    const log = this.topics.get(topic)?.[partition]
    if (log === undefined) throw new Error(`no partition ${topic}/${partition}`)
    log.push({ offset: log.length, timestamp, key, value, headers: {} })
  }

  join(spec: GroupMemberSpec): Promise<GroupMember> {
    const member: MemoryMember = { spec, partitions: [], positions: new Map(), paused: false, stopped: false }
    const group = this.members.get(spec.groupId) ?? []
    if (spec.resetOffsets === true && group.length === 0) {
      const partitions = this.topics.get(spec.topic)?.length ?? 0
      const committed = new Map<number, number>()
      for (let partition = 0; partition < partitions; partition++) {
        committed.set(partition, this.positionOf(spec, partition))
      }
      this.committed.set(spec.groupId, committed)
    }
    group.push(member)
    this.members.set(spec.groupId, group)
    this.rebalance(spec.groupId)
    return Promise.resolve({
      commit: (offsets: readonly GroupOffset[]) => {
        if (member.stopped) return Promise.reject(new Error('member stopped'))
        const committed = this.committed.get(spec.groupId) ?? new Map<number, number>()
        for (const { partition, offset } of offsets) {
          if (member.partitions.includes(partition)) committed.set(partition, offset)
        }
        this.committed.set(spec.groupId, committed)
        return Promise.resolve()
      },
      pause: () => {
        member.paused = true
      },
      resume: () => {
        member.paused = false
      },
      stop: () => {
        member.stopped = true
        this.members.set(
          spec.groupId,
          (this.members.get(spec.groupId) ?? []).filter((candidate) => candidate !== member),
        )
        this.rebalance(spec.groupId)
        return Promise.resolve()
      },
    })
  }

  /** Hands every member the records it has not had yet, one batch per partition per round, until none moves. */
  async pump(): Promise<void> {
    for (let moved = true; moved;) {
      moved = false
      for (const group of this.members.values()) {
        for (const member of [...group]) {
          for (const partition of member.partitions) {
            if (member.paused || member.stopped) continue
            const log = this.topics.get(member.spec.topic)?.[partition] ?? []
            const position = member.positions.get(partition) ?? 0
            if (position >= log.length) continue
            const batch = log.slice(position, position + this.batchSize)
            try {
              await member.spec.handler.records(partition, batch, log.length)
              if (member.positions.get(partition) === position)
                member.positions.set(partition, position + batch.length)
              moved = true
            } catch {
              // Read again on the next round, as the real consumer does.
            }
          }
        }
      }
    }
  }

  committedOffset(groupId: string, partition: number): number | undefined {
    return this.committed.get(groupId)?.get(partition)
  }

  private rebalance(groupId: string): void {
    const group = this.members.get(groupId) ?? []
    const first = group[0]
    if (first === undefined) return
    const partitions = this.topics.get(first.spec.topic)?.length ?? 0
    for (const member of group) {
      member.partitions = []
      member.positions.clear()
    }
    for (let partition = 0; partition < partitions; partition++) {
      // A sliced group gives slice k to member k mod members (with one slice, every partition to the first).
      const slicing = first.spec.slicing
      const member =
        slicing === undefined
          ? group[partition % group.length]
          : group[slicing.sliceOf(partition) % group.length]
      member?.partitions.push(partition)
    }
    for (const member of group) {
      for (const partition of member.partitions) {
        member.positions.set(partition, this.startOffset(member, partition))
      }
      member.spec.handler.assigned([...member.partitions])
    }
  }

  private startOffset(member: MemoryMember, partition: number): number {
    const committed = this.committed.get(member.spec.groupId)?.get(partition)
    if (committed !== undefined) return committed
    return this.positionOf(member.spec, partition)
  }

  private positionOf(spec: GroupMemberSpec, partition: number): number {
    const { startPosition } = spec
    if (startPosition.from === 'earliest') return 0
    const log = this.topics.get(spec.topic)?.[partition] ?? []
    const index = log.findIndex((record) => record.timestamp >= startPosition.timestampMs)
    return index < 0 ? log.length : index
  }
}
