import type { Kafka } from 'kafkajs'

import type { InternalBroker } from './protocol/kafkajs-transport.ts'

/*
 * Where the adapter reaches into kafkajs's private cluster factory (kafkajs pinned at 2.2.4), for broker-level
 * fetches and produces: the gateway's idempotent producer sends through a cluster's brokers and refreshes its
 * metadata when a topic gains partitions. How requests go over the brokers' connections is in
 * protocol/kafkajs-transport.ts.
 */

export interface InternalCluster {
  /** Topics whose metadata the cluster refreshes; one that no longer exists fails every refresh. */
  targetTopics: Set<string>
  connect(): Promise<void>
  isConnected(): boolean
  disconnect(): Promise<void>
  addTargetTopic(topic: string): Promise<void>
  refreshMetadata(): Promise<void>
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>
  findBroker(query: { nodeId: string }): Promise<InternalBroker>
  findControllerBroker(): Promise<InternalBroker>
  /** Forgets a broker whose connection closed; the next metadata refresh finds it again. */
  removeBroker(address: { host: string; port: number }): void
  findTopicPartitionMetadata(topic: string): { partitionId: number }[]
}

/** A kafkajs cluster that also finds the broker coordinating a consumer group. */
export interface GroupCoordinatorCluster extends InternalCluster {
  findGroupCoordinator(query: { groupId: string }): Promise<GroupCoordinatorBroker>
}

/** The part of a kafkajs broker that commits a consumer group's offsets (the OffsetCommit API). */
export interface GroupCoordinatorBroker {
  offsetCommit(request: {
    groupId: string
    /** -1 with memberId '': a commit from outside the group, which the broker takes only while it has no members. */
    groupGenerationId: number
    memberId: string
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[]
  }): Promise<unknown>
}

type ClusterFactory = (options: {
  metadataMaxAge?: number
  allowAutoTopicCreation?: boolean
}) => InternalCluster

function clusterFactorySymbol(kafka: Kafka): symbol {
  const symbol = Object.getOwnPropertySymbols(kafka).find(
    (candidate) => candidate.description === 'private:Kafka:createCluster',
  )
  if (symbol === undefined || typeof Reflect.get(kafka, symbol) !== 'function') {
    throw new Error('this kafkajs version does not expose its cluster factory; kafkajs 2.2.4 is required')
  }
  return symbol
}

export function createInternalCluster(kafka: Kafka): InternalCluster {
  const factory = Reflect.get(kafka, clusterFactorySymbol(kafka)) as ClusterFactory
  return factory({ metadataMaxAge: 60_000, allowAutoTopicCreation: false })
}

/** A new kafkajs cluster, for the group coordinator API (commits from outside a consumer group). */
export function createGroupCoordinatorCluster(kafka: Kafka): GroupCoordinatorCluster {
  return createInternalCluster(kafka) as GroupCoordinatorCluster
}

/** Creates a kafkajs client (producer, admin) and returns the cluster it was built on, to manage its metadata. */
export function createWithCluster<Client>(
  kafka: Kafka,
  create: (kafka: Kafka) => Client,
): { client: Client; cluster: InternalCluster } {
  const symbol = clusterFactorySymbol(kafka)
  const factory = Reflect.get(kafka, symbol) as ClusterFactory
  let cluster: InternalCluster | undefined
  Reflect.set(kafka, symbol, ((options) => (cluster = factory(options))) satisfies ClusterFactory)
  try {
    const client = create(kafka)
    if (cluster === undefined) throw new Error('kafkajs did not build a cluster for the client')
    return { client, cluster }
  } finally {
    Reflect.set(kafka, symbol, factory)
  }
}

/**
 * Stops a cluster from asking for the metadata of topics other than `keep`. kafkajs keeps every topic it was
 * ever asked about and refreshes them all together, so one topic deleted (by any gateway replica) would make
 * every later refresh fail; the topics still in use are added back on their next use.
 */
export async function narrowTargetTopics(cluster: InternalCluster, keep: readonly string[]): Promise<void> {
  cluster.targetTopics.clear()
  for (const topic of keep) cluster.targetTopics.add(topic)
  // kafkajs refreshes only when its set of topics grows: refresh now, or `keep` may stay without metadata.
  if (cluster.isConnected()) await cluster.refreshMetadata().catch(() => undefined)
}

/** Stops a cluster from asking for the metadata of topics that no longer exist; the others stay. */
export async function dropTargetTopics(
  cluster: InternalCluster,
  exists: (topic: string) => boolean,
): Promise<void> {
  let dropped = false
  for (const topic of [...cluster.targetTopics]) {
    if (exists(topic)) continue
    cluster.targetTopics.delete(topic)
    dropped = true
  }
  if (dropped && cluster.isConnected()) await cluster.refreshMetadata().catch(() => undefined)
}
