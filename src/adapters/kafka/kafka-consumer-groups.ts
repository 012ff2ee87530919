import kafkajs, {
  AssignerProtocol,
  type Consumer,
  type IHeaders,
  type Kafka,
  type KafkaMessage,
  type PartitionAssigner,
} from 'kafkajs'

import {
  ConsumerGroupUnavailableError,
  type ConsumerGroups,
  type GroupMember,
  type GroupMemberSpec,
  type GroupOffset,
  type GroupStartPosition,
  type PartitionSlicing,
} from '../../ports/consumer-groups.ts'
import type { StoredRecord } from '../../ports/record-log.ts'
import { createGroupCoordinatorCluster } from './kafkajs-cluster.ts'

// kafkajs is CommonJS: Node's ESM loader does not see its error classes as named exports.
const { KafkaJSProtocolError } = kafkajs

export interface KafkaConsumerGroupsOptions {
  /** A member not heard of for this long is out of the group; the others take its partitions over. */
  sessionTimeoutMs: number
  heartbeatIntervalMs: number
  /** At most this many bytes per fetch, and per partition in a fetch: the memory a member reads ahead. */
  maxBytes: number
  maxBytesPerPartition: number
  /** Partitions whose batches a member's handler gets at the same time. */
  partitionsConsumedConcurrently: number
  onLog?: (level: 'warn' | 'error', message: string, detail: Record<string, unknown>) => void
}

export const DEFAULT_CONSUMER_GROUP_OPTIONS: KafkaConsumerGroupsOptions = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  maxBytes: 16 * 1024 * 1024,
  maxBytesPerPartition: 4 * 1024 * 1024,
  partitionsConsumedConcurrently: 4,
}

/** What the broker answers a commit from outside a group that has members. */
const MEMBERS_RUNNING = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS'])

/** After a handler failed, the same records are fetched again after this long. */
const RETRY_DELAY_MS = 500

/**
 * Consumer groups with kafkajs's group consumer: offsets committed only by `commit` (autoCommit off), a partition
 * read again from its committed offset after every rebalance (kafkajs resolves offsets afresh on each sync).
 * A group's first start position is `fromBeginning`, or for a timestamp the offsets for that time, set for the
 * partitions the group has no offset for before the member joins (refused, and not needed, while another member
 * runs: that one set them). `resetOffsets` sets every partition's offset that way, also only while the group has
 * no member. Offsets are set by an OffsetCommit from outside the group (generation -1), which the broker takes
 * only from an empty group, never by joining it. Sliced groups use the SliceAssigner below.
 */
export class KafkaConsumerGroups implements ConsumerGroups {
  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaConsumerGroupsOptions = DEFAULT_CONSUMER_GROUP_OPTIONS,
  ) {}

  async join(spec: GroupMemberSpec): Promise<GroupMember> {
    const { groupId, topic, startPosition, handler } = spec
    if (spec.resetOffsets === true) await this.resetTo(groupId, topic, startPosition)
    else if (startPosition.from === 'timestamp')
      await this.startAtTimestamp(groupId, topic, startPosition.timestampMs)
    const slicing = spec.slicing
    /** The slices this member owns now (sliced groups keep their owners as far as evenness allows). */
    let ownedSlices: number[] = []
    const consumer = this.kafka.consumer({
      groupId,
      ...(slicing === undefined ? {} : { partitionAssigners: [slicingAssigner(slicing, () => ownedSlices)] }),
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(this.options.sessionTimeoutMs * 3, 30_000),
      maxBytes: this.options.maxBytes,
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      allowAutoTopicCreation: false,
      retry: {
        initialRetryTime: 200,
        retries: 8,
        maxRetryTime: 5_000,
        // kafkajs restarts a crashed consumer by itself; once the member is stopped it must not (a restart under
        // way when it disconnected would otherwise bring it back, e.g. on a deleted delivery stream's topic).
        restartOnFailure: () => Promise.resolve(!member.stopped),
      },
    })
    const member = new KafkaGroupMember(consumer, topic)
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment as Record<string, number[] | undefined>
      const partitions = [...(assignment[topic] ?? [])].sort((a, b) => a - b)
      if (slicing !== undefined) {
        ownedSlices = [...new Set(partitions.map((partition) => slicing.sliceOf(partition)))]
      }
      handler.assigned(partitions)
    })
    consumer.on(consumer.events.CRASH, (event) => {
      this.options.onLog?.('warn', 'consumer group member crashed', {
        groupId,
        error: event.payload.error.message,
        restart: event.payload.restart,
      })
      if (!event.payload.restart && !member.stopped) handler.failed?.(event.payload.error)
    })
    try {
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        eachBatch: async (payload) => {
          const { batch } = payload
          if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return
          const beat = setInterval(() => {
            payload.heartbeat().catch(() => undefined)
          }, this.options.heartbeatIntervalMs)
          try {
            await handler.records(
              batch.partition,
              batch.messages.map(storedRecord),
              Number(batch.highWatermark),
            )
            payload.resolveOffset(batch.lastOffset())
          } catch (error) {
            this.options.onLog?.('warn', 'consumer group handler failed; the records come again', {
              groupId,
              partition: batch.partition,
              error: error instanceof Error ? error.message : String(error),
            })
            await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS))
          } finally {
            clearInterval(beat)
          }
        },
      })
    } catch (error) {
      await member.stop().catch(() => undefined)
      throw unavailable(error)
    }
    return member
  }

  /** The group's offsets of every partition set to the start position, unless a member of the group runs. */
  private async resetTo(groupId: string, topic: string, position: GroupStartPosition): Promise<void> {
    const admin = this.kafka.admin()
    try {
      await admin.connect()
      const [group] = (await admin.describeGroups([groupId])).groups
      if (group !== undefined && group.members.length > 0) return
      const partitions =
        position.from === 'earliest'
          ? (await admin.fetchTopicOffsets(topic)).map(({ partition, low }) => ({ partition, offset: low }))
          : await admin.fetchTopicOffsetsByTimestamp(topic, position.timestampMs)
      // Refused when a member joined meanwhile: it started the group.
      await this.commitFromOutside(groupId, topic, partitions)
    } catch (error) {
      throw unavailable(error)
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }

  /**
   * Commits offsets for a group without joining it (kafkajs's admin.setOffsets joins the group with a consumer of
   * its own, which a group of another assignment protocol refuses, and which disturbs a member joining at the
   * same time). The broker takes such a commit only while the group has no members: false when it has one.
   */
  private async commitFromOutside(
    groupId: string,
    topic: string,
    partitions: readonly { partition: number; offset: string }[],
  ): Promise<boolean> {
    if (partitions.length === 0) return true
    const cluster = createGroupCoordinatorCluster(this.kafka)
    try {
      await cluster.connect()
      const coordinator = await cluster.findGroupCoordinator({ groupId })
      await coordinator.offsetCommit({
        groupId,
        groupGenerationId: -1,
        memberId: '',
        topics: [{ topic, partitions: partitions.map(({ partition, offset }) => ({ partition, offset })) }],
      })
      return true
    } catch (error) {
      if (error instanceof KafkaJSProtocolError && MEMBERS_RUNNING.has(error.type)) return false
      throw error
    } finally {
      await cluster.disconnect().catch(() => undefined)
    }
  }

  private async startAtTimestamp(groupId: string, topic: string, timestampMs: number): Promise<void> {
    const admin = this.kafka.admin()
    try {
      await admin.connect()
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
      const unset = new Set(
        (committed?.partitions ?? [])
          .filter((entry) => Number(entry.offset) < 0)
          .map((entry) => entry.partition),
      )
      if (unset.size === 0) return
      const atTime = await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs)
      const partitions = atTime.filter((entry) => unset.has(entry.partition))
      // Refused while another member is running: it set the offsets when it joined.
      await this.commitFromOutside(groupId, topic, partitions)
    } catch (error) {
      throw unavailable(error)
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }
}

/**
 * Each slice of partitions to one member, the slices shared evenly: a member keeps the slices it owns (each member
 * tells in its metadata which ones) up to its even share, so that a process joining does not move more work than
 * evenness needs; the other slices go to the members with the fewest. Members without a slice are standbys that
 * take over in the rebalance after an owner leaves or its session expires.
 */
function slicingAssigner(slicing: PartitionSlicing, owned: () => readonly number[]): PartitionAssigner {
  const name = 'SliceAssigner'
  const noBytes = Buffer.alloc(0)
  return ({ cluster }) => ({
    name,
    version: 0,
    assign({ members, topics }) {
      const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))
      const owners = assignSlices(
        slicing.count,
        sorted.map(({ memberMetadata }) => ownedSlicesOf(memberMetadata)),
      )
      const assignments = sorted.map((): Record<string, number[]> => ({}))
      for (const topic of topics) {
        const partitions = cluster
          .findTopicPartitionMetadata(topic)
          .map(({ partitionId }) => partitionId)
          .sort((a, b) => a - b)
        for (const partition of partitions) {
          const assignment = assignments[owners[slicing.sliceOf(partition)] ?? 0]
          if (assignment === undefined) continue
          const list = assignment[topic] ?? []
          list.push(partition)
          assignment[topic] = list
        }
      }
      return Promise.resolve(
        sorted.map(({ memberId }, index) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 0,
            assignment: assignments[index] ?? {},
            userData: noBytes,
          }),
        })),
      )
    },
    protocol({ topics }) {
      return {
        name,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 0,
          topics,
          userData: Buffer.from(JSON.stringify(owned())),
        }),
      }
    },
  })
}

function ownedSlicesOf(metadata: Buffer): number[] {
  try {
    const owned: unknown = JSON.parse(
      AssignerProtocol.MemberMetadata.decode(metadata)?.userData.toString() ?? '',
    )
    return Array.isArray(owned) ? owned.filter((slice): slice is number => Number.isInteger(slice)) : []
  } catch {
    return []
  }
}

/**
 * The member (index) that owns each slice, given what each member owns now: each keeps its slices up to
 * ceil(slices / members), in member order; the rest go one by one to the member with the fewest (the first of them).
 * Exported for its tests.
 */
export function assignSlices(count: number, ownedNow: readonly (readonly number[])[]): number[] {
  const owners = new Array<number>(count).fill(-1)
  if (ownedNow.length === 0) return owners
  const share = Math.ceil(count / ownedNow.length)
  const loads = ownedNow.map(() => 0)
  ownedNow.forEach((slices, member) => {
    for (const slice of slices) {
      if (slice < 0 || slice >= count || owners[slice] !== -1 || (loads[member] ?? 0) >= share) continue
      owners[slice] = member
      loads[member] = (loads[member] ?? 0) + 1
    }
  })
  for (let slice = 0; slice < count; slice++) {
    if (owners[slice] !== -1) continue
    const member = loads.indexOf(Math.min(...loads))
    owners[slice] = member
    loads[member] = (loads[member] ?? 0) + 1
  }
  return owners
}

/** Exported for its tests. */
export class KafkaGroupMember implements GroupMember {
  /** Set by stop(): a crash after it does not restart the consumer. */
  stopped = false

  constructor(
    private readonly consumer: Consumer,
    private readonly topic: string,
  ) {}

  async commit(offsets: readonly GroupOffset[]): Promise<void> {
    if (offsets.length === 0) return
    try {
      await this.consumer.commitOffsets(
        offsets.map(({ partition, offset }) => ({ topic: this.topic, partition, offset: String(offset) })),
      )
    } catch (error) {
      throw unavailable(error)
    }
  }

  // kafkajs throws from pause and resume while a crashed consumer waits to restart (it has no consumer group
  // then); there is nothing to pause, and a worker stopping must still get to stop() and disconnect, else the
  // consumer restarts by itself for ever.
  pause(): void {
    try {
      this.consumer.pause([{ topic: this.topic }])
    } catch {
      // restarting: see above
    }
  }

  resume(): void {
    try {
      this.consumer.resume([{ topic: this.topic }])
    } catch {
      // restarting: see above
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.consumer.disconnect()
  }
}

function storedRecord(message: KafkaMessage): StoredRecord {
  return {
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key,
    value: message.value,
    headers: headers(message.headers),
  }
}

function headers(raw: IHeaders | undefined): Record<string, Buffer | undefined> {
  const result: Record<string, Buffer | undefined> = {}
  if (raw === undefined) return result
  for (const [name, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? value[0] : value
    result[name] = first === undefined ? undefined : Buffer.isBuffer(first) ? first : Buffer.from(first)
  }
  return result
}

function unavailable(error: unknown): ConsumerGroupUnavailableError {
  if (error instanceof ConsumerGroupUnavailableError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new ConsumerGroupUnavailableError(`Kafka did not complete the request: ${message}`, { cause: error })
}
