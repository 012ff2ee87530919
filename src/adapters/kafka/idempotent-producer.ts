import { setTimeout as delay } from 'node:timers/promises'

import type { RecordToAppend } from '../../ports/record-log.ts'
import { kafkaErrorType } from './kafka-errors.ts'
import type { InternalCluster } from './kafkajs-cluster.ts'
import { sendProduceRequest, type InternalBroker } from './protocol/kafkajs-transport.ts'
import type { ProduceRequestArguments } from './protocol/produce-request.ts'

/** Sends one Produce request to a broker and returns its parsed response. */
export type ProduceSender = (broker: InternalBroker, request: ProduceRequestArguments) => Promise<unknown>

/** The records of one produce, by topic and then by partition. */
export type RecordsByPartition = ReadonlyMap<string, ReadonlyMap<number, readonly RecordToAppend[]>>

/** Where the broker put a partition's records: consecutive offsets from `baseOffset`. */
export interface PartitionAppend {
  baseOffset: number
  /** Epoch millis with LogAppendTime topics, -1 otherwise. */
  logAppendTime: number
}

/** A produce's results, by topic and then by partition. */
export type AppendsByPartition = Map<string, Map<number, PartitionAppend>>

export interface ProduceRetry {
  retries: number
  initialDelayMs: number
  maxDelayMs: number
}

/** Kafka's acks=all: the broker answers once every in-sync replica has the records. */
const ACKS_ALL = -1
const PRODUCE_TIMEOUT_MS = 30_000
/** Sent with InitProducerId; only transactional producers use it. */
const TRANSACTION_TIMEOUT_MS = 60_000
/** Errors after which the broker no longer knows this producer's sequence numbers: start again with a new id. */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
])

/**
 * Kafka's idempotent producer, on a kafkajs cluster (its connections and metadata): a producer id from the
 * broker, a sequence number per partition, and retries that resend the same batches with the same sequence
 * numbers, which the broker stores once. It sends the records handed to it as they are, grouped by the caller,
 * so a produce costs no object per record (kafkajs's producer regroups every message, copying the partition's
 * array for each one).
 *
 * One produce at a time: sequence numbers move only when a partition's batch is acknowledged.
 */
export class IdempotentProducer {
  private identity: ProducerIdentity | undefined
  private readonly sequences = new Map<string, number[]>()

  constructor(
    private readonly cluster: InternalCluster,
    private readonly retry: ProduceRetry,
    private readonly sendProduce: ProduceSender = sendProduceRequest,
  ) {}

  async produce(records: RecordsByPartition): Promise<AppendsByPartition> {
    const appends: AppendsByPartition = new Map()
    let unsent = records
    for (let attempt = 0; ; attempt++) {
      const failure = await this.produceOnce(unsent, appends)
      if (failure === undefined) return appends
      if (attempt >= this.retry.retries || !isRetriable(failure.error)) {
        // The broker may have stored what it did not acknowledge. Later records must not reuse those sequence
        // numbers: the broker would take a batch of the same size for a retry of that one and drop it.
        this.identity = undefined
        throw failure.error
      }
      unsent = failure.unsent
      await this.recover(failure.error)
      await delay(backoff(attempt, this.retry))
    }
  }

  /** Sends every partition of `records` to its leader; on failure, what failed and the partitions not stored. */
  private async produceOnce(
    records: RecordsByPartition,
    appends: AppendsByPartition,
  ): Promise<{ error: unknown; unsent: RecordsByPartition } | undefined> {
    let byLeader: Map<InternalBroker, RecordsByPartition>
    let identity: ProducerIdentity
    try {
      identity = await this.identityFromBroker()
      byLeader = await this.groupByLeader(records)
    } catch (error) {
      return { error, unsent: records }
    }
    const groups = [...byLeader]
    const outcomes = await Promise.allSettled(
      groups.map(([broker, topics]) => this.send(broker, identity, topics, appends)),
    )
    let error: unknown
    const unsent = new Map<string, Map<number, readonly RecordToAppend[]>>()
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') continue
      error ??= outcome.reason
      for (const [topic, partitions] of (groups[index] as (typeof groups)[number])[1]) {
        const target = unsent.get(topic) ?? new Map<number, readonly RecordToAppend[]>()
        for (const [partition, partitionRecords] of partitions) target.set(partition, partitionRecords)
        unsent.set(topic, target)
      }
    }
    return unsent.size === 0 ? undefined : { error, unsent }
  }

  private async send(
    broker: InternalBroker,
    identity: ProducerIdentity,
    topics: RecordsByPartition,
    appends: AppendsByPartition,
  ): Promise<void> {
    const topicData = [...topics].map(([topic, partitions]) => {
      const sequences = this.sequencesOf(topic)
      return {
        topic,
        partitions: [...partitions].map(([partition, messages]) => ({
          partition,
          firstSequence: sequences[partition] ?? 0,
          messages,
        })),
      }
    })
    const response = (await this.sendProduce(broker, {
      producerId: identity.producerId,
      producerEpoch: identity.producerEpoch,
      acks: ACKS_ALL,
      timeout: PRODUCE_TIMEOUT_MS,
      topicData,
    })) as ProduceResponse
    for (const { topicName, partitions } of response.topics) {
      const sequences = this.sequencesOf(topicName)
      const sent = topics.get(topicName)
      let topicAppends = appends.get(topicName)
      if (topicAppends === undefined) {
        topicAppends = new Map()
        appends.set(topicName, topicAppends)
      }
      for (const { partition, baseOffset, logAppendTime } of partitions) {
        const count = sent?.get(partition)?.length ?? 0
        sequences[partition] = wrapSequence((sequences[partition] ?? 0) + count)
        topicAppends.set(partition, { baseOffset: Number(baseOffset), logAppendTime: Number(logAppendTime) })
      }
    }
  }

  private async groupByLeader(records: RecordsByPartition): Promise<Map<InternalBroker, RecordsByPartition>> {
    const byLeader = new Map<InternalBroker, Map<string, Map<number, readonly RecordToAppend[]>>>()
    for (const [topic, partitions] of records) {
      await this.ensureMetadata(topic, partitions)
      const leaders = this.cluster.findLeaderForPartitions(topic, [...partitions.keys()])
      for (const [nodeId, leaderPartitions] of Object.entries(leaders)) {
        const broker = await this.cluster.findBroker({ nodeId })
        let topics = byLeader.get(broker)
        if (topics === undefined) {
          topics = new Map()
          byLeader.set(broker, topics)
        }
        const forTopic = new Map<number, readonly RecordToAppend[]>()
        for (const partition of leaderPartitions) forTopic.set(partition, partitions.get(partition) ?? [])
        topics.set(topic, forTopic)
      }
      const led = Object.values(leaders).reduce((sum, list) => sum + list.length, 0)
      if (led < partitions.size) throw new MetadataNotReadyError(`a partition of ${topic} has no leader`)
    }
    return byLeader
  }

  /** The cluster refreshes metadata for its target topics; a partition added by resharding needs a refresh. */
  private async ensureMetadata(topic: string, partitions: ReadonlyMap<number, unknown>): Promise<void> {
    if (!this.cluster.targetTopics.has(topic)) await this.cluster.addTargetTopic(topic)
    const known = this.cluster.findTopicPartitionMetadata(topic).length
    for (const partition of partitions.keys()) {
      if (partition >= known) {
        await this.cluster.refreshMetadata()
        break
      }
    }
    if (this.cluster.findTopicPartitionMetadata(topic).length === 0)
      throw new MetadataNotReadyError(`no metadata for ${topic}`)
  }

  private async identityFromBroker(): Promise<ProducerIdentity> {
    if (this.identity !== undefined) return this.identity
    const broker = await this.cluster.findControllerBroker()
    const result = await broker.initProducerId({ transactionTimeout: TRANSACTION_TIMEOUT_MS })
    this.sequences.clear()
    this.identity = { producerId: String(result.producerId), producerEpoch: result.producerEpoch }
    return this.identity
  }

  /** What kafkajs's producer does after a failed send, and a new producer id when the broker lost ours. */
  private async recover(error: unknown): Promise<void> {
    if (PRODUCER_STATE_ERRORS.has(kafkaErrorType(error) ?? '')) this.identity = undefined
    if (isConnectionClosed(error)) this.cluster.removeBroker(error)
    try {
      if (!this.cluster.isConnected()) await this.cluster.connect()
      await this.cluster.refreshMetadata()
    } catch {
      // The next attempt reports what is still wrong.
    }
  }

  private sequencesOf(topic: string): number[] {
    let sequences = this.sequences.get(topic)
    if (sequences === undefined) {
      sequences = []
      this.sequences.set(topic, sequences)
    }
    return sequences
  }

  /** A deleted topic's sequence numbers go: a topic created again with its name starts at 0. */
  forgetTopics(exists: (topic: string) => boolean): void {
    for (const topic of [...this.sequences.keys()]) if (!exists(topic)) this.sequences.delete(topic)
  }
}

interface ProducerIdentity {
  producerId: string
  producerEpoch: number
}

interface ProduceResponse {
  topics: {
    topicName: string
    partitions: { partition: number; baseOffset: string; logAppendTime: string }[]
  }[]
}

class MetadataNotReadyError extends Error {
  readonly retriable = true
}

/** Sequence numbers are int32 and wrap to 0, as the broker expects. */
function wrapSequence(sequence: number): number {
  return sequence > 0x7fffffff ? sequence - 0x80000000 : sequence
}

function backoff(attempt: number, retry: ProduceRetry): number {
  const base = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** attempt)
  return base * (0.8 + Math.random() * 0.4)
}

function isRetriable(error: unknown): boolean {
  if (PRODUCER_STATE_ERRORS.has(kafkaErrorType(error) ?? '')) return true
  return typeof error === 'object' && error !== null && Reflect.get(error, 'retriable') === true
}

function isConnectionClosed(error: unknown): error is { host: string; port: number } {
  return error instanceof Error && error.name === 'KafkaJSConnectionClosedError'
}
