import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs'

import {
  ConsumerGroupUnavailableError,
  type ConsumerGroups,
  type GroupMember,
  type GroupMemberSpec,
  type GroupOffset,
} from '../../ports/consumer-groups.ts'
import type { StoredRecord } from '../../ports/record-log.ts'

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

/** After a handler failed, the same records are fetched again after this long. */
const RETRY_DELAY_MS = 500

/**
 * Consumer groups with kafkajs's group consumer: offsets committed only by `commit` (autoCommit off), a partition
 * read again from its committed offset after every rebalance (kafkajs resolves offsets afresh on each sync).
 * A group's first start position is `fromBeginning`, or for a timestamp the offsets for that time, set for the
 * partitions the group has no offset for before the member joins (refused, and not needed, while another member
 * runs: that one set them).
 */
export class KafkaConsumerGroups implements ConsumerGroups {
  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaConsumerGroupsOptions = DEFAULT_CONSUMER_GROUP_OPTIONS,
  ) {}

  async join(spec: GroupMemberSpec): Promise<GroupMember> {
    const { groupId, topic, startPosition, handler } = spec
    if (startPosition.from === 'timestamp')
      await this.startAtTimestamp(groupId, topic, startPosition.timestampMs)
    const consumer = this.kafka.consumer({
      groupId,
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
      handler.assigned([...(assignment[topic] ?? [])].sort((a, b) => a - b))
    })
    consumer.on(consumer.events.CRASH, (event) => {
      this.options.onLog?.('warn', 'consumer group member crashed', {
        groupId,
        error: event.payload.error.message,
        restart: event.payload.restart,
      })
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
            await handler.records(batch.partition, batch.messages.map(storedRecord))
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
      try {
        await admin.setOffsets({ groupId, topic, partitions })
      } catch {
        // Another member is running: it set the offsets when it joined.
      }
    } catch (error) {
      throw unavailable(error)
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }
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
